/* The service worker (served at /sw.js behind a prelude that sets self.LMS, see lms/pwa.py).
   - install: caches the app shell (styles, scripts, icons) under a versioned name;
   - pages: network first, then a downloaded copy, then a short "offline" page;
   - static files: cache first (a returning learner's page costs one HTML response);
   - media (images, audio): a downloaded module's copy first, answering byte ranges itself so that
     audio plays and seeks offline; other images are kept in a small runtime cache;
   - sync: Background Sync sends the queue of progress events and offline attempts (queue.js).
   Module copies are written by the page (offline.js) into caches named "lms-module-<id>". */
/* global LmsQueue */
importScripts(self.LMS.queueScript);

var SHELL = "lms-shell-" + self.LMS.version;
var RUNTIME = "lms-runtime";
var RUNTIME_MAX = 150;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) { return cache.addAll(self.LMS.shell); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("lms-shell-") === 0 && name !== SHELL;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function startsWithAny(path, prefixes) {
  return prefixes.some(function (prefix) { return path.indexOf(prefix) === 0; });
}

function offlinePage() {
  var html = "<!DOCTYPE html><html lang=\"vi\"><meta charset=\"utf-8\">" +
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>" + self.LMS.offlineTitle +
    "</title><link rel=\"stylesheet\" href=\"" + self.LMS.shell[0] + "\"><main><h1>" + self.LMS.offlineTitle +
    "</h1><p>" + self.LMS.offlineText + "</p><p><a class=\"button\" href=\"" + self.LMS.offlineLink + "\">" +
    self.LMS.offlineLinkText + "</a></p></main></html>";
  return new Response(html, {status: 503, headers: {"Content-Type": "text/html; charset=utf-8"}});
}

function page(request) {
  return fetch(request).catch(function () {
    return caches.match(request, {ignoreSearch: true, ignoreVary: true}).then(function (hit) { return hit || offlinePage(); });
  });
}

function rangeOf(response, header) {
  var wanted = /^bytes=(\d+)-(\d*)$/.exec(header || "");
  if (!wanted || response.status !== 200) { return Promise.resolve(response); }
  return response.arrayBuffer().then(function (body) {
    var first = Number(wanted[1]);
    var last = wanted[2] ? Math.min(Number(wanted[2]), body.byteLength - 1) : body.byteLength - 1;
    if (first > last) { return new Response(null, {status: 416}); }
    return new Response(body.slice(first, last + 1), {status: 206, headers: {
      "Content-Type": response.headers.get("Content-Type") || "application/octet-stream",
      "Content-Range": "bytes " + first + "-" + last + "/" + body.byteLength,
      "Content-Length": String(last - first + 1), "Accept-Ranges": "bytes"
    }});
  });
}

function trim(cache) {
  return cache.keys().then(function (keys) {
    return Promise.all(keys.slice(0, Math.max(0, keys.length - RUNTIME_MAX)).map(function (key) {
      return cache.delete(key);
    }));
  });
}

function media(request) {
  var range = request.headers.get("Range");
  return caches.match(request.url, {ignoreVary: true}).then(function (hit) {
    if (hit) { return rangeOf(hit, range); }
    return fetch(request).then(function (response) {
      var image = (response.headers.get("Content-Type") || "").indexOf("image/") === 0;
      if (response.status === 200 && image && !range) {
        var copy = response.clone();
        caches.open(RUNTIME).then(function (cache) { return cache.put(request.url, copy).then(function () {
          return trim(cache);
        }); });
      }
      return response;
    });
  });
}

function staticFile(request) {
  return caches.match(request, {ignoreVary: true}).then(function (hit) {
    return hit || fetch(request).then(function (response) {
      if (response.status === 200) {
        var copy = response.clone();
        caches.open(SHELL).then(function (cache) { return cache.put(request, copy); });
      }
      return response;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.indexOf("/admin/") === 0) {
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(page(request));
  } else if (url.pathname.indexOf(self.LMS.staticPrefix) === 0) {
    event.respondWith(staticFile(request));
  } else if (startsWithAny(url.pathname, self.LMS.mediaPrefixes)) {
    event.respondWith(media(request));
  }
});

function tellPages(results) {
  return self.clients.matchAll({type: "window"}).then(function (pages) {
    pages.forEach(function (client) { client.postMessage({type: "lms-synced", results: results}); });
  });
}

self.addEventListener("sync", function (event) {
  if (event.tag === LmsQueue.SYNC_TAG) {
    event.waitUntil(LmsQueue.sync().then(tellPages));
  }
});
