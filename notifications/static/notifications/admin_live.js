/* The admin's "Live notifications" page: renders what realtime.js delivers (no reload). */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("realtime-config").textContent);
  var list = document.getElementById("live-notifications");
  var status = document.getElementById("realtime-status");
  var unread = document.getElementById("unread-count");

  function item(n) {
    var li = document.createElement("li");
    li.dataset.id = n.id;
    li.className = (n.read_at ? "" : "unread ") + "fresh";
    var title = document.createElement("span");
    title.className = "title";
    title.textContent = n.title;
    var message = document.createElement("span");
    message.className = "message";
    message.textContent = n.message;
    var meta = document.createElement("div");
    meta.className = "meta";
    meta.textContent = n.type + " \u00b7 " + (n.created_at || "");
    li.append(title, " \u2014 ", message, meta);
    return li;
  }

  function find(id) { return list.querySelector('li[data-id="' + id + '"]'); }

  var rt = HumanGlueRealtime.connect({url: config.url, cursor: config.cursor, storageKey: config.storageKey});
  window.humanglueRealtime = rt;  // for the curious developer's console
  rt.on("status", function (state) { status.textContent = state; status.dataset.state = state; });
  rt.on("unread_count", function (count) { unread.textContent = count; });
  rt.on("notification", function (n) {
    if (find(n.id)) { return; }  // already rendered by the page
    var empty = list.querySelector("li.empty");
    if (empty) { empty.remove(); }
    list.insertBefore(item(n), list.firstChild);
  });
  rt.on("change", function (frame) {
    if (frame.table !== "notifications") { return; }
    var existing = find(frame.id);
    if (frame.op === "DELETE") { if (existing) { existing.remove(); } return; }
    if (frame.row) {
      var fresh = item(frame.row);
      if (existing) { list.replaceChild(fresh, existing); } else { list.insertBefore(fresh, list.firstChild); }
    }
  });
  rt.on("resync", function () { document.getElementById("realtime-resync").hidden = false; });
})();
