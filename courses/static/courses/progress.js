/* Reports listening position and time to the progress API, resumes where the learner left off,
   and completes a media lesson when its audio/video ends — and says so on the page at once.
   Each report carries its own event id, so a retry after a dropped connection is counted once:
   a report that fails (offline, server busy) is kept and sent again with a growing delay, and at
   once when the phone is back online. A report the server refuses (4xx) is not retried. */
(function () {
  var config = JSON.parse(document.getElementById("lesson-progress").textContent);
  var media = document.querySelector("[data-progress-media]");
  var done = document.getElementById("lesson-completed");
  var csrf = (document.cookie.match(/(?:^|; )csrftoken=([^;]+)/) || [])[1] || "";
  var lastSent = Date.now();
  var DELAYS = [2000, 5000, 15000, 30000, 60000];  // then every minute
  var MAX_WAITING = 20;  // a small queue: the newest position matters most
  var waiting = [], attempt = 0, timer = null;

  function eventId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ (Math.random() * 16) >> (c / 4)).toString(16);
    });
  }

  function showCompleted() {
    if (done && done.hidden) { done.hidden = false; }
  }

  function post(body) {
    return fetch(config.url, {
      method: "POST", credentials: "same-origin", keepalive: true, body: body,
      headers: {"Content-Type": "application/json", "X-CSRFToken": decodeURIComponent(csrf)}
    }).then(function (response) {
      if (response.status >= 500 || response.status === 408 || response.status === 429) {
        throw new Error("retry");
      }
      if (!response.ok) { return null; }  // refused (rule not met, not enrolled): sending again changes nothing
      return response.json().then(function (state) {
        if (state.completed) { showCompleted(); }
      });
    });
  }

  function schedule() {
    if (timer || !waiting.length) { return; }
    timer = setTimeout(flush, DELAYS[Math.min(attempt, DELAYS.length - 1)]);
    attempt += 1;
  }

  function flush() {
    clearTimeout(timer);
    timer = null;
    if (!waiting.length) { return; }
    var body = waiting[0];
    post(body).then(function () {
      waiting.shift();
      attempt = 0;
      if (waiting.length) { flush(); }
    }, function () {
      keep(body);
      schedule();
    });
  }

  // A report that failed also goes to the phone's lasting queue (lms/static/js/queue.js), which sends it
  // when the network returns even if the learner has left this page; its event id makes a double count
  // impossible when this page's own retry gets through first.
  var kept = {};
  function keep(body) {
    if (kept[body] || !window.LmsQueue) { return; }
    kept[body] = true;
    window.LmsQueue.add({kind: "progress", url: config.url, body: JSON.parse(body)});
  }

  function send(completed) {
    var now = Date.now();
    var body = JSON.stringify({
      event_id: eventId(), lesson: config.lesson, completed: !!completed,
      seconds: Math.round((now - lastSent) / 1000), position: media ? media.currentTime : null,
      opened: config.opened || null  // the page's signed opening: the server's clock for this page's reports
    });
    lastSent = now;
    waiting.push(body);
    if (waiting.length > MAX_WAITING) { waiting.splice(0, waiting.length - MAX_WAITING); }
    if (waiting.length === 1) { flush(); }
  }

  window.addEventListener("online", function () { attempt = 0; flush(); });
  if (media) {
    media.addEventListener("loadedmetadata", function () {
      if (config.position > 0 && config.position < media.duration - 2) { media.currentTime = config.position; }
    });
    media.addEventListener("pause", function () { send(false); });
    media.addEventListener("ended", function () { send(config.rule === "media_end"); });
    setInterval(function () { if (!media.paused) { send(false); } }, 30000);
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { send(false); }
  });
})();
