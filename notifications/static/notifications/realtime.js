/*
 * HumanGlue realtime client for /ws/realtime/ (spec 40). No build step, no dependencies.
 *
 *   const rt = HumanGlueRealtime.connect({
 *     token: accessToken,            // optional: the API's JWT; without it the session cookie is used
 *     cursor: "12345",               // optional baseline (e.g. the X-Realtime-Cursor header of a listing)
 *     storageKey: "hg.rt.cursor.<user id>",  // where the resume cursor is kept (localStorage)
 *   });
 *   rt.on("notification", (n, frame) => ...);  // each notification once (de-duplicated by id)
 *   rt.on("change", frame => ...);             // row changes: {table, op, id, row}
 *   rt.on("unread_count", count => ...);
 *   rt.on("resync", reason => ...);            // live events may have been missed: refetch over REST
 *   rt.on("status", state => ...);             // "connecting" | "live" | "closed"
 *   rt.send({type: "subscribe", group: "course.<uuid>"});
 *   rt.close();
 *
 * It reconnects with backoff, resumes with the newest cursor it was given (ready, replay_complete,
 * cursor frames), pings every heartbeat_interval seconds, and never emits a notification id twice.
 * Every frame is also dispatched on `rt.events` (an EventTarget) as a CustomEvent named by its type.
 */
(function (global) {
  "use strict";

  var SEEN_LIMIT = 5000;

  function Realtime(options) {
    this.options = options || {};
    this.url = this.options.url || "/ws/realtime/";
    this.storageKey = this.options.storageKey || "humanglue.realtime.cursor";
    this.events = typeof EventTarget === "function" ? new EventTarget() : null;
    this.handlers = {};
    this.seen = new Set();
    this.seenOrder = [];
    this.retry = 0;
    this.closed = false;
    this.socket = null;
    this.pingTimer = null;
    this.state = "closed";
    if (this.options.cursor) {
      this.saveCursor(String(this.options.cursor), true);
    }
  }

  Realtime.prototype.on = function (type, handler) {
    (this.handlers[type] = this.handlers[type] || []).push(handler);
    return this;
  };

  Realtime.prototype.emit = function (type, value, frame) {
    (this.handlers[type] || []).forEach(function (handler) {
      try { handler(value, frame); } catch (err) { if (global.console) { global.console.error(err); } }
    });
    if (this.events && typeof CustomEvent === "function") {
      this.events.dispatchEvent(new CustomEvent(type, {detail: frame === undefined ? value : frame}));
    }
  };

  Realtime.prototype.cursor = function () {
    try { return global.localStorage.getItem(this.storageKey); } catch (err) { return this.memoryCursor || null; }
  };

  // Cursors only move forward (they are transaction watermarks); `force` takes a baseline as given.
  Realtime.prototype.saveCursor = function (value, force) {
    var current = this.cursor();
    if (!force && current && /^\d+$/.test(current) && BigInt(value) <= BigInt(current)) { return; }
    this.memoryCursor = value;
    try { global.localStorage.setItem(this.storageKey, value); } catch (err) { /* private mode: memory only */ }
  };

  Realtime.prototype.setStatus = function (state) {
    this.state = state;
    this.emit("status", state);
  };

  Realtime.prototype.socketUrl = function () {
    var loc = global.location;
    var base = /^wss?:/.test(this.url) ? this.url
      : (loc.protocol === "https:" ? "wss://" : "ws://") + loc.host + this.url;
    var params = [];
    if (this.options.token) { params.push("token=" + encodeURIComponent(this.options.token)); }
    var cursor = this.cursor();
    if (cursor) { params.push("cursor=" + encodeURIComponent(cursor)); }
    return base + (params.length ? (base.indexOf("?") < 0 ? "?" : "&") + params.join("&") : "");
  };

  Realtime.prototype.open = function () {
    var self = this;
    this.closed = false;
    this.setStatus("connecting");
    var socket = new WebSocket(this.socketUrl());
    this.socket = socket;
    socket.onmessage = function (message) {
      var frame;
      try { frame = JSON.parse(message.data); } catch (err) { return; }
      self.handle(frame);
    };
    socket.onclose = function (event) {
      clearInterval(self.pingTimer);
      self.socket = null;
      self.setStatus("closed");
      self.emit("close", event.code);
      // 4401/4403: not signed in or not allowed; retrying will not help.
      if (self.closed || event.code === 4401 || event.code === 4403) { return; }
      var delay = Math.min(30000, 500 * Math.pow(2, self.retry++)) * (1 + Math.random() / 2);
      setTimeout(function () { if (!self.closed) { self.open(); } }, delay);
    };
    return this;
  };

  Realtime.prototype.handle = function (frame) {
    var self = this;
    switch (frame.type) {
      case "ready":
        this.retry = 0;
        if (frame.cursor) { this.saveCursor(frame.cursor); }
        clearInterval(this.pingTimer);
        this.pingTimer = setInterval(function () { self.send({type: "ping"}); },
                                     1000 * (frame.heartbeat_interval || 30));
        this.setStatus("live");
        this.emit("unread_count", frame.unread_count, frame);
        break;
      case "notification":
        var id = frame.notification && frame.notification.id;
        if (!id || this.seen.has(id)) { break; }  // at-least-once delivery: de-duplicate by id
        this.seen.add(id);
        this.seenOrder.push(id);
        if (this.seenOrder.length > SEEN_LIMIT) { this.seen.delete(this.seenOrder.shift()); }
        this.emit("notification", frame.notification, frame);
        break;
      case "replay_complete":
      case "cursor":
        if (frame.cursor) { this.saveCursor(frame.cursor); }
        break;
      case "unread_count":
        this.emit("unread_count", frame.count, frame);
        return;
      case "resync":
        this.emit("resync", frame.reason, frame);
        return;
    }
    if (frame.type !== "notification") { this.emit(frame.type, frame, frame); }
  };

  Realtime.prototype.send = function (frame) {
    if (this.socket && this.socket.readyState === 1) {
      this.socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  };

  Realtime.prototype.close = function () {
    this.closed = true;
    clearInterval(this.pingTimer);
    if (this.socket) { this.socket.close(1000); }
  };

  global.HumanGlueRealtime = {
    Realtime: Realtime,
    connect: function (options) { return new Realtime(options).open(); },
  };
})(typeof window !== "undefined" ? window : this);
