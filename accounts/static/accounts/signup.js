/* Picking a province loads its communes at once; without JavaScript the "Chọn tỉnh" button does it. */
(function () {
  var form = document.getElementById("province-form");
  if (!form) { return; }
  var select = form.querySelector("select");
  select.addEventListener("change", function () { if (select.value) { form.submit(); } });
})();
