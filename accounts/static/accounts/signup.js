/* Show only the chosen district's communes; without JavaScript all are listed by district. */
(function () {
  var district = document.getElementById("id_district"), commune = document.getElementById("id_commune");
  if (!district || !commune) { return; }
  function filter() {
    var groups = commune.querySelectorAll("optgroup");
    for (var i = 0; i < groups.length; i++) {
      var show = !district.value || groups[i].getAttribute("data-district") === district.value;
      groups[i].hidden = !show; groups[i].disabled = !show;
    }
    var chosen = commune.options[commune.selectedIndex];
    if (chosen && chosen.parentNode.disabled) { commune.value = ""; }
  }
  district.addEventListener("change", filter); filter();
})();
