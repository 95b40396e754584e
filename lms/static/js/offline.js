/* Learning offline, the page side (see README "Learning offline"):
   - registers the service worker (lms/static/js/sw.js, served at /sw.js);
   - shows when the page is offline and what waits to sync; syncs the queue (queue.js) on load, on the
     `online` event and when the worker's Background Sync reports; shows each quiz's score or refusal;
   - lesson page: "done" tapped offline is queued as a progress event;
   - module page: "Tải về để học ngoại tuyến" shows the size (and a warning on a metered or slow
     connection before large audio), asks, then downloads with progress into "lms-module-<id>";
   - "Dữ liệu đã tải": the downloaded modules, their size, a remove button; the sync results;
   - the offline quiz page: the signed draw from the package, answered and queued. */
/* global LmsQueue */
(function () {
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", {scope: "/", updateViaCache: "all"}).catch(function () { /* no offline mode */ });
  }
  var source = document.getElementById("lms-offline");
  if (!source || !window.LmsQueue || !window.indexedDB) { return; }
  var config = JSON.parse(source.textContent);
  var T = config.texts;
  var main = document.getElementById("main") || document.body;

  function fmt(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key]; });
  }
  function mb(bytes) {
    return (bytes / 1048576).toLocaleString(document.documentElement.lang || "vi",
      {minimumFractionDigits: 1, maximumFractionDigits: 1});
  }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function button(text, onClick, className) {
    var node = el("button", className || "", text);
    node.type = "button";
    node.addEventListener("click", onClick);
    return node;
  }

  /* Status: offline, waiting items, results of the last sync. */
  var banner = el("div", "offline-banner");
  banner.setAttribute("role", "status");
  banner.hidden = true;
  main.insertBefore(banner, main.firstChild);
  var results = el("div", "offline-results");
  results.setAttribute("aria-live", "polite");
  main.insertBefore(results, banner.nextSibling);

  function updateBanner() {
    return LmsQueue.pending().then(function (items) {
      var lines = [];
      if (!navigator.onLine) { lines.push(T.offline); }
      if (items.length) { lines.push(fmt(T.pending, {count: items.length})); }
      banner.textContent = lines.join(" ");
      banner.hidden = !lines.length;
    });
  }

  var shown = {};  // the page and the worker may both sync one item (the server answers a replay the same)
  function showResults(list) {
    var progress = 0;
    (list || []).forEach(function (result) {
      if (shown[result.id]) { return; }
      shown[result.id] = true;
      if (result.kind !== "attempt") { progress += 1; return; }
      var text = result.ok ? result.data.message : result.data.error;
      results.appendChild(el("p", "msg " + (result.ok ? "success" : "error"), text || ""));
    });
    if (progress) { results.appendChild(el("p", "msg", fmt(T.syncedProgress, {count: progress}))); }
  }

  function syncNow() {
    if (!navigator.onLine) { return updateBanner(); }
    return LmsQueue.sync().then(showResults).then(updateBanner).then(renderDownloads);
  }

  window.addEventListener("online", syncNow);
  window.addEventListener("offline", updateBanner);
  if (navigator.serviceWorker) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "lms-synced") {
        showResults(event.data.results);
        updateBanner();
        renderDownloads();
      }
    });
  }

  /* Lesson page: "Đã học xong" tapped without a connection is kept and sent later. */
  document.addEventListener("submit", function (event) {
    var found = /\/lessons\/(\d+)\/complete\/$/.exec(event.target.getAttribute("action") || "");
    if (!found || navigator.onLine) { return; }
    event.preventDefault();
    var form = event.target;
    LmsQueue.add({kind: "progress", url: config.progressUrl, body: {
      event_id: LmsQueue.uuid(), lesson: Number(found[1]), completed: true, seconds: 0
    }}).then(function () {
      form.parentNode.replaceChild(el("p", "msg success offline-saved", T.savedOffline), form);
      updateBanner();
    });
  });

  /* Module page: download for offline study. */
  function slowOrMetered() {
    var connection = navigator.connection;
    if (!connection) { return false; }
    return !!connection.saveData || connection.type === "cellular" ||
      ["slow-2g", "2g", "3g"].indexOf(connection.effectiveType) >= 0;
  }

  function fetchPackage(url) {
    return fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok) { throw new Error(data.error || T.failed); }
          return data;
        });
      });
  }

  function download(pkg, panel) {
    var cacheName = "lms-module-" + pkg.module;
    var bar = el("progress", "progress");
    bar.max = pkg.files.length;
    bar.value = 0;
    var line = el("p", "help", fmt(T.progress, {done: 0, total: pkg.files.length}));
    panel.replaceChildren(bar, line);
    var bytes = 0;
    return caches.delete(cacheName).then(function () { return caches.open(cacheName); }).then(function (cache) {
      return pkg.files.reduce(function (chain, file, index) {
        return chain.then(function () {
          return fetch(file.url, {credentials: "same-origin", headers: {"X-LMS-Offline-Download": "1"}})
            .then(function (response) {
              if (!response.ok) { throw new Error(String(response.status)); }
              return response.clone().blob().then(function (blob) {
                bytes += blob.size;
                return cache.put(file.url, response);
              });
            }).then(function () {
              bar.value = index + 1;
              line.textContent = fmt(T.progress, {done: index + 1, total: pkg.files.length});
            });
        });
      }, Promise.resolve());
    }).then(function () {
      return LmsQueue.put("packages", {
        id: pkg.module, title: pkg.title, url: pkg.url, lessons: pkg.lessons, quiz: pkg.quiz,
        bytes: bytes, downloaded_at: Date.now(), files: pkg.files.map(function (f) { return f.url; })
      });
    }).then(function () {
      panel.replaceChildren(el("p", "msg success", fmt(T.done, {size: mb(bytes)})));
    }, function () {
      return caches.delete(cacheName).then(function () {
        panel.replaceChildren(el("p", "msg error", T.failed));
      });
    });
  }

  function offerDownload(pkg, panel) {
    var nodes = [el("p", "offline-size", fmt(T.size, {size: mb(pkg.total_bytes)}))];
    if (slowOrMetered() && pkg.audio_bytes > 1048576) {
      nodes.push(el("p", "msg error offline-metered", fmt(T.metered, {size: mb(pkg.audio_bytes)})));
    }
    var actions = el("p", "actions");
    actions.appendChild(button(T.download, function () { download(pkg, panel); }, "offline-confirm"));
    actions.appendChild(document.createTextNode(" "));
    actions.appendChild(button(T.cancel, function () { panel.replaceChildren(); }, "quiet"));
    nodes.push(actions);
    panel.replaceChildren.apply(panel, nodes);
  }

  function initDownload(box) {
    var start = box.querySelector("[data-offline=size]");
    var panel = box.querySelector(".offline-panel");
    if (!window.caches) {
      start.disabled = true;
      panel.textContent = T.noSupport;
      return;
    }
    LmsQueue.get("packages", Number(box.dataset.module)).then(function (pkg) {
      if (pkg) { panel.replaceChildren(el("p", "help", fmt(T.already, {size: mb(pkg.bytes)}))); }
    });
    start.addEventListener("click", function () {
      panel.replaceChildren(el("p", "help", T.sizing));
      fetchPackage(box.dataset.package).then(function (pkg) { offerDownload(pkg, panel); }, function (error) {
        panel.replaceChildren(el("p", "msg error", error.message || T.failed));
      });
    });
  }

  /* "Dữ liệu đã tải" */
  function removeModule(pkg, list) {
    return caches.delete("lms-module-" + pkg.id).then(function () {
      return LmsQueue.remove("packages", pkg.id);
    }).then(function () {
      return renderDownloads();
    }).then(function () {
      list.insertBefore(el("p", "msg success", fmt(T.removed, {title: pkg.title})), list.firstChild);
    });
  }

  function moduleCard(pkg, list) {
    var card = el("section", "card offline-module");
    card.dataset.module = pkg.id;
    var title = el("h2");
    var link = el("a", "", pkg.title);
    link.href = pkg.url;
    title.appendChild(link);
    var at = new Date(pkg.downloaded_at).toLocaleString(document.documentElement.lang || "vi");
    card.appendChild(title);
    card.appendChild(el("p", "help", mb(pkg.bytes) + " MB · " + fmt(T.downloadedAt, {at: at})));
    var actions = el("p", "actions");
    if (pkg.quiz) {
      var quiz = el("a", "button", T.quiz);
      quiz.href = pkg.quiz.page;
      actions.appendChild(quiz);
      actions.appendChild(document.createTextNode(" "));
    }
    actions.appendChild(button(T.remove, function () { removeModule(pkg, list); }, "quiet offline-remove"));
    card.appendChild(actions);
    return card;
  }

  function renderDownloads() {
    var list = document.getElementById("offline-downloads");
    if (!list) { return Promise.resolve(); }
    return Promise.all([LmsQueue.all("packages"), LmsQueue.all("results")]).then(function (found) {
      var nodes = found[0].length ? found[0].map(function (pkg) { return moduleCard(pkg, list); }) :
        [el("p", "help", T.none)];
      list.replaceChildren.apply(list, nodes);
      var done = document.getElementById("offline-results");
      done.replaceChildren.apply(done, found[1].sort(function (a, b) { return b.at - a.at; })
        .map(function (r) {
          return el("li", "msg " + (r.ok ? "success" : "error"), r.ok ? r.data.message : r.data.error);
        }));
      if (navigator.storage && navigator.storage.estimate) {
        navigator.storage.estimate().then(function (estimate) {
          list.appendChild(el("p", "help offline-usage", fmt(T.usage, {size: mb(estimate.usage || 0)})));
        });
      }
    });
  }

  /* The offline quiz page: /quizzes/offline/#<module id> */
  function field(question) {
    var box = el("div");
    var name = "q" + question.id;
    function option(type, value, text) {
      var label = el("label", "opt");
      var input = el("input");
      input.type = type;
      input.name = name;
      input.value = value;
      label.appendChild(input);
      label.appendChild(document.createTextNode(" " + text));
      box.appendChild(label);
    }
    if (question.widget === "single" || question.widget === "multiple") {
      question.choices.forEach(function (c) {
        option(question.widget === "single" ? "radio" : "checkbox", String(c.id), c.text);
      });
    } else if (question.widget === "true_false") {
      option("radio", "true", T.true);
      option("radio", "false", T.false);
    } else if (question.widget === "ordering") {
      box.appendChild(el("p", "help", T.rank));
      question.choices.forEach(function (c, index) {
        var label = el("label", "opt rank", c.text + " ");
        var select = el("select");
        select.name = name;
        question.choices.forEach(function (_c, rank) {
          var choice = el("option", "", String(rank + 1));
          choice.value = c.id + ":" + (rank + 1);
          choice.selected = rank === index;
          select.appendChild(choice);
        });
        label.appendChild(select);
        box.appendChild(label);
      });
    } else if (question.widget === "matching") {
      // Answers are posted by their text, as on the online page: row ids would name each stem's answer.
      question.choices.forEach(function (stem) {
        var label = el("label", "opt rank", stem.text + " ");
        var select = el("select");
        select.name = name;
        var none = el("option", "", "—");
        none.value = stem.id + ":";
        select.appendChild(none);
        (question.options || []).forEach(function (text) {
          var choice = el("option", "", text);
          choice.value = stem.id + ":" + text;
          select.appendChild(choice);
        });
        label.appendChild(select);
        box.appendChild(label);
      });
    } else if (question.widget === "file") {
      box.appendChild(el("p", "help", T.fileOnline));
    } else {
      var input = el(question.widget === "textarea" ? "textarea" : "input");
      input.name = name;
      if (question.widget === "number") { input.setAttribute("inputmode", "decimal"); }
      input.setAttribute("aria-label", T.answer);
      box.appendChild(input);
    }
    return box;
  }

  function collect(form, quiz) {
    var data = new FormData(form);
    var answers = {};
    quiz.questions.forEach(function (q) {
      var values = data.getAll("q" + q.id).filter(function (v) { return String(v).trim() !== ""; });
      if (values.length) { answers[q.id] = values.map(String); }
    });
    return answers;
  }

  function submitQuiz(pkg, form, box) {
    var quiz = pkg.quiz;
    var id = LmsQueue.uuid();
    var body = {client_id: id, draw: quiz.draw, started_at: pkg.quiz_started_at, finished_at: Date.now(),
                answers: collect(form, quiz)};
    pkg.quiz_submitted = true;
    return LmsQueue.add({id: id, kind: "attempt", url: config.attemptUrl, label: quiz.title, body: body})
      .then(function () { return LmsQueue.put("packages", pkg); })
      .then(function () {
        box.replaceChildren(el("p", "msg success offline-queued", T.queued));
        return syncNow();
      });
  }

  function quizForm(pkg, box) {
    var quiz = pkg.quiz;
    var form = el("form", "offline-quiz-form");
    quiz.questions.forEach(function (q, index) {
      var set = el("fieldset", "card q");
      set.appendChild(el("legend", "", fmt(T.question, {n: index + 1, points: q.points})));
      set.appendChild(el("p", "q-text", q.text));
      set.appendChild(field(q));
      form.appendChild(set);
    });
    var clock = el("p", "help deadline");
    form.insertBefore(clock, form.firstChild);
    var send = el("button", "", T.submit);
    send.type = "submit";
    form.appendChild(send);
    var submitted = false;
    function finish() {
      if (submitted) { return; }
      submitted = true;
      submitQuiz(pkg, form, box);
    }
    form.addEventListener("submit", function (event) { event.preventDefault(); finish(); });
    if (quiz.time_limit_minutes) {
      var end = pkg.quiz_started_at + quiz.time_limit_minutes * 60000;
      var tick = function () {
        var left = Math.max(0, end - Date.now());
        var minutes = Math.floor(left / 60000);
        var seconds = Math.floor(left / 1000) % 60;
        clock.textContent = fmt(T.left, {time: minutes + ":" + (seconds < 10 ? "0" : "") + seconds});
        if (!left) {
          clearInterval(timer);
          clock.textContent = T.timeUp;
          finish();
        }
      };
      var timer = setInterval(tick, 1000);
      tick();
    }
    box.replaceChildren(form);
  }

  function renderQuiz(box) {
    LmsQueue.get("packages", Number(location.hash.slice(1))).then(function (pkg) {
      if (!pkg || !pkg.quiz) {
        box.replaceChildren(el("p", "msg error", T.notDownloaded));
        return;
      }
      document.getElementById("offline-quiz-title").textContent = pkg.quiz.title;
      if (pkg.quiz_submitted) {
        box.replaceChildren(el("p", "msg", T.submitted));
        return;
      }
      if (pkg.quiz_started_at) {
        quizForm(pkg, box);
        return;
      }
      var count = pkg.quiz.questions.length;
      var intro = pkg.quiz.time_limit_minutes ? fmt(T.intro, {count: count, minutes: pkg.quiz.time_limit_minutes})
        : fmt(T.noLimit, {count: count});
      box.replaceChildren(el("p", "", intro), button(T.start, function () {
        pkg.quiz_started_at = Date.now();
        LmsQueue.put("packages", pkg).then(function () { quizForm(pkg, box); });
      }, "offline-start"));
    });
  }

  var downloadBox = document.getElementById("offline-download");
  if (downloadBox) { initDownload(downloadBox); }
  var quizBox = document.getElementById("offline-quiz");
  if (quizBox) { renderQuiz(quizBox); }
  syncNow();
})();
