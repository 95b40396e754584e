/* Reports listening position and time to the progress API, resumes where the learner left off,
   and completes a media lesson when its audio/video ends. Each report carries its own event id,
   so a retry after a dropped connection is counted once. */
(function () {
  var config = JSON.parse(document.getElementById("lesson-progress").textContent);
  var media = document.querySelector("[data-progress-media]");
  var csrf = (document.cookie.match(/(?:^|; )csrftoken=([^;]+)/) || [])[1] || "";
  var lastSent = Date.now();

  function eventId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ (Math.random() * 16) >> (c / 4)).toString(16);
    });
  }

  function send(completed) {
    var now = Date.now();
    var body = JSON.stringify({
      event_id: eventId(), lesson: config.lesson, completed: !!completed,
      seconds: Math.round((now - lastSent) / 1000), position: media ? media.currentTime : null
    });
    lastSent = now;
    return fetch(config.url, {
      method: "POST", credentials: "same-origin", keepalive: true, body: body,
      headers: {"Content-Type": "application/json", "X-CSRFToken": decodeURIComponent(csrf)}
    }).catch(function () {
      // Offline: kept in the phone's queue (lms/static/js/queue.js) and sent when the network returns.
      if (window.LmsQueue) { window.LmsQueue.add({kind: "progress", url: config.url, body: JSON.parse(body)}); }
    });
  }

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
