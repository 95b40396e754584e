// Save each question as soon as it changes, so a dropped connection loses nothing.
// The page still works without this script: the Save buttons post the whole form.
(function () {
  var form = document.getElementById("quiz-form");
  if (!form || !window.fetch || !window.FormData) return;
  var token = form.querySelector("[name=csrfmiddlewaretoken]").value;
  form.addEventListener("change", function (event) {
    var fieldset = event.target.closest("fieldset[data-question]");
    if (!fieldset) return;
    var data = new FormData();
    data.append("csrfmiddlewaretoken", token);
    fieldset.querySelectorAll("input, select, textarea").forEach(function (el) {
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
      if (el.type === "file") { if (el.files[0]) data.append(el.name, el.files[0]); return; }
      data.append(el.name, el.value);
    });
    var state = fieldset.querySelector(".save-state");
    state.textContent = "…";
    fetch(form.action, {method: "POST", body: data, headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.json().then(function (body) { return {ok: r.ok, body: body}; }); })
      .then(function (res) { state.textContent = res.ok ? "✓ " + res.body.at : res.body.error; })
      .catch(function () { state.textContent = "⚠"; });
  });
})();
