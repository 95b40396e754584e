/* Polls an export job's status until its file is ready or it failed; without JavaScript the page
   asks the user to reload. */
(function () {
  var box = document.getElementById("export-job");
  if (!box) { return; }
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (s) {
      document.getElementById("export-status").textContent = s.label;
      document.getElementById("export-progress").value = s.progress;
      if (s.download) { var p = document.getElementById("export-link"); p.hidden = false; p.querySelector("a").href = s.download; return; }
      if (s.can_retry) { document.getElementById("export-retry").hidden = false; }
      if (s.status === "failed") { document.getElementById("export-error").hidden = false; return; }
      setTimeout(poll, 1500);
    });
  }
  if (!document.getElementById("export-link").hidden || !document.getElementById("export-error").hidden
      || !document.getElementById("export-retry").hidden) { return; }
  setTimeout(poll, 1000);
})();
