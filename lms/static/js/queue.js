/* The browser's offline store (IndexedDB "lms-offline"), shared by the pages and the service worker:
   - queue: progress events and offline attempts waiting for the network, each with its own
     client-generated id (the server stores it once: a replayed sync changes nothing);
   - packages: the downloaded modules (their URLs, sizes, the signed quiz draw);
   - results: what the server answered to each synced item (score, or why it was refused).
   sync() posts every queued item; an answer (accepted or refused) removes it, a network error keeps it. */
(function (scope) {
  var DB_NAME = "lms-offline";
  var opened = null;

  function open() {
    if (opened) { return opened; }
    opened = new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        var db = request.result;
        ["queue", "packages", "results"].forEach(function (name) {
          if (!db.objectStoreNames.contains(name)) { db.createObjectStore(name, {keyPath: "id"}); }
        });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { opened = null; reject(request.error); };
    });
    return opened;
  }

  function run(store, mode, action) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(store, mode);
        var request = action(tx.objectStore(store));
        tx.oncomplete = function () { resolve(request && request.result); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }

  function put(store, value) { return run(store, "readwrite", function (s) { return s.put(value); }); }
  function get(store, id) { return run(store, "readonly", function (s) { return s.get(id); }); }
  function all(store) { return run(store, "readonly", function (s) { return s.getAll(); }); }
  function remove(store, id) { return run(store, "readwrite", function (s) { return s.delete(id); }); }

  function uuid() {
    if (scope.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & 15) >> (c / 4)).toString(16);
    });
  }

  function csrfToken() {
    if (!scope.document) { return ""; }
    return decodeURIComponent((document.cookie.match(/(?:^|; )csrftoken=([^;]+)/) || [])[1] || "");
  }

  /* item: {id, kind: "progress"|"attempt", url, body, label}; the CSRF token is kept with it because the
     worker, which may send it, cannot read cookies. */
  function add(item) {
    item.id = item.id || uuid();
    item.csrf = item.csrf || csrfToken();
    item.queued_at = Date.now();
    return put("queue", item).then(function () {
      if (scope.navigator && navigator.serviceWorker && navigator.serviceWorker.ready && scope.SyncManager) {
        navigator.serviceWorker.ready.then(function (registration) {
          return registration.sync.register(api.SYNC_TAG);
        }).catch(function () { /* no Background Sync: the next page load or `online` event sends it */ });
      }
      return item;
    });
  }

  function send(item) {
    return fetch(item.url, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(item.body),
      headers: {"Content-Type": "application/json", "Accept": "application/json",
                "X-CSRFToken": csrfToken() || item.csrf}
    }).then(function (response) {
      if (response.status >= 500 || response.status === 401 || response.redirected) { return null; }  // try later
      // Not JSON (a CSRF refusal after signing in again, a proxy's error page): not the server's answer
      // to the item, so it is kept and sent again with a fresh token.
      return response.json().then(function (data) {
        var result = {id: item.id, kind: item.kind, label: item.label || "", ok: response.ok,
                      status: response.status, data: data, at: Date.now()};
        return (item.kind === "attempt" ? put("results", result) : Promise.resolve())
          .then(function () { return remove("queue", item.id); })
          .then(function () { return result; });
      }, function () { return null; });
    }, function () { return null; });
  }

  var syncing = null;
  function sync() {
    if (syncing) { return syncing; }
    syncing = all("queue").then(function (items) {
      items.sort(function (a, b) { return a.queued_at - b.queued_at; });
      return items.reduce(function (chain, item) {
        return chain.then(function (done) {
          return send(item).then(function (result) { return result ? done.concat([result]) : done; });
        });
      }, Promise.resolve([]));
    }).then(function (results) { syncing = null; return results; },
      function (error) { syncing = null; throw error; });
    return syncing;
  }

  var api = {
    SYNC_TAG: "lms-sync", uuid: uuid, add: add, sync: sync, pending: function () { return all("queue"); },
    put: put, get: get, all: all, remove: remove
  };
  scope.LmsQueue = api;
})(self);
