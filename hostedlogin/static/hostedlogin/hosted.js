/* ScanLogin hosted login: create a ticket, show its code, long-poll its status, exchange it. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("hosted-config").textContent);
  var T = cfg.strings;
  var panel = document.getElementById("panel");
  var qr = document.getElementById("qr");
  var $ = function (id) { return document.getElementById(id); };
  var current = null;   // {ticket, status, deadline, connection}
  var generation = 0;   // bumps when a new ticket replaces the old: stale loops stop
  var timer = null;
  var codeUrl = null;   // the blob: URL of the code shown

  function csrf() {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : cfg.csrf;
  }

  function setView(state, opts) {
    opts = opts || {};
    panel.dataset.state = state;
    var v = T.states[state] || T.states.error;
    $("status-text").textContent = opts.status || v.status;
    $("hint").textContent = opts.text || v.hint || v.text || "";
    $("overlay-title").textContent = opts.title || v.title || "";
    $("overlay-text").textContent = opts.subtitle || "";
    $("overlay-icon").textContent = opts.avatar ? "" : (v.icon || "");
    var avatar = $("avatar");
    avatar.hidden = !opts.avatar;
    if (opts.avatar) {
      avatar.textContent = opts.avatar.avatar ? "" : (opts.avatar.nickname || "?").slice(0, 1);
      avatar.style.backgroundImage = opts.avatar.avatar ? "url(\"" + encodeURI(opts.avatar.avatar) + "\")" : "";
    }
    var explain = $("try-explain");
    if (explain) { explain.hidden = true; }
    var retry = $("retry");
    retry.hidden = !v.retry;
    retry.textContent = v.retry || "";
    if (state !== "pending" && state !== "scanned") { $("countdown").textContent = ""; }
  }

  function tick() {
    if (!current || (current.status !== "pending" && current.status !== "scanned")) { return; }
    var left = Math.max(0, Math.round((current.deadline - Date.now()) / 1000));
    var el = $("countdown");
    el.textContent = T.expires_in.replace("%s", Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0"));
    el.classList.toggle("soon", left <= 15);
  }

  function apply(s) {
    current.status = s.status;
    current.deadline = Date.now() + (s.expires_in || 0) * 1000;
    if (s.status === "scanned") {
      var who = (s.scanned_by && s.scanned_by.nickname) || "";
      setView("scanned", { avatar: s.scanned_by || { nickname: who }, title: who || T.states.scanned.title, subtitle: T.states.scanned.subtitle });
    } else if (s.status === "rejected") {
      setView("rejected", { text: T.reasons[s.reason] || T.reasons._default });
    } else {
      setView(s.status);
    }
    tick();
  }

  function fail(message) {
    if (current) { current.status = "error"; }
    setView("error", message ? { text: message } : {});
  }

  function start(connection) {
    var mine = ++generation;
    document.querySelectorAll(".method").forEach(function (b) {
      b.setAttribute("aria-selected", b.dataset.connection === connection ? "true" : "false");
    });
    setView("loading");
    qr.removeAttribute("src");  // never leave an earlier code (or an empty image's alt text) under a new state
    var body = { app_id: cfg.app_id, connection: connection };
    if (cfg.try_mode) { body["try"] = true; }
    if (cfg.next) { body.next = cfg.next; }
    if (cfg.state) { body.state = cfg.state; }  // the link's state, returned with a callback-URL code
    fetch(cfg.tickets_url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().then(function (d) { return { ok: r.ok, d: d }; });
    }).then(function (res) {
      if (mine !== generation) { return; }
      if (!res.ok) { return fail(res.d.message); }
      current = { ticket: res.d.ticket, connection: connection, status: "pending", url: cfg.tickets_url + "/" + encodeURIComponent(res.d.ticket) };
      current.deadline = Date.now() + res.d.expires_in * 1000;
      loadCode(mine, res.d);
    }).catch(function () { if (mine === generation) { fail(); } });
  }

  // The code is asked for as data: an image is shown from a blob: URL; a refused drawing answers
  // JSON ({error, message}, and in Try login {detail: {api, errcode, hint}}), which the page reads
  // and explains. The long-poll starts once the code is shown.
  function loadCode(mine, created) {
    fetch(created.qrcode_url, { credentials: "same-origin" }).then(function (r) {
      var type = (r.headers.get("Content-Type") || "").split(";")[0].trim().toLowerCase();
      if (r.ok && type.indexOf("image/") === 0) {
        return r.blob().then(function (blob) { showCode(mine, created, blob); });
      }
      return r.json().then(function (d) { codeRefused(mine, d); }, function () { codeRefused(mine, null); });
    }).catch(function () { if (mine === generation) { fail(T.qr_failed); } });
  }

  function showCode(mine, created, blob) {
    if (mine !== generation) { return; }
    if (codeUrl) { URL.revokeObjectURL(codeUrl); }
    codeUrl = URL.createObjectURL(blob);
    qr.onload = function () { if (mine === generation && current.status === "pending") { apply(created); } };
    qr.onerror = function () { if (mine === generation) { fail(T.qr_failed); } };
    qr.src = codeUrl;
    poll(mine);
  }

  function codeRefused(mine, d) {
    if (mine !== generation) { return; }
    if (cfg.try_mode && d && d.detail) { return explainForStaff(d); }
    // End users get a friendly sentence, never WeChat's codes.
    fail((d && (T.errors[d.error] || d.message)) || T.qr_failed);
  }

  // Try login: what WeChat said, its code, and where to fix it.
  function explainForStaff(d) {
    var detail = d.detail;
    fail(detail.hint || d.message);
    $("status-text").textContent = T.try_failed;
    var code = detail.errcode === null || detail.errcode === undefined ? T.try_no_errcode : String(detail.errcode);
    $("try-code").textContent = T.try_code.replace("%(api)s", detail.api || "?").replace("%(errcode)s", code).replace("%(error)s", d.error || "");
    var link = $("try-fix");
    var target = typeof detail.connection_url === "string" && detail.connection_url.charAt(0) === "/" ? detail.connection_url : "";
    link.hidden = !target;
    if (target) { link.href = target; }
    $("try-explain").hidden = false;
  }

  function poll(mine) {
    if (mine !== generation || !current) { return; }
    var since = current.status === "loading" ? "pending" : current.status;
    // 20–28 s, not always 25: browsers that loaded together (a server restart, a busy morning)
    // drift apart instead of asking again all at once every 25 s.
    var wait = 20 + Math.floor(Math.random() * 9);
    fetch(current.url + "?since=" + encodeURIComponent(since) + "&wait=" + wait, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) {
        if (!r.ok) { throw new Error(String(r.status)); }
        return r.json();
      })
      .then(function (s) {
        if (mine !== generation) { return; }
        if (s.status === "pending" && panel.dataset.state === "loading") { current.deadline = Date.now() + s.expires_in * 1000; }
        else if (s.status !== current.status || s.status !== "pending") { apply(s); }
        if (s.status === "confirmed") { return exchange(mine); }
        if (s.status === "pending" || s.status === "scanned") { poll(mine); }
      })
      .catch(function () {
        if (mine !== generation) { return; }
        setTimeout(function () { poll(mine); }, 1500);  // network blip: try again, the ticket lives on
      });
  }

  function exchange(mine) {
    fetch(current.url + "/exchange", { method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrf() } })
      .then(function (r) { return r.json().then(function (d) { return { ok: r.ok, d: d }; }); })
      .then(function (res) {
        if (mine !== generation) { return; }
        if (res.ok && res.d.redirect_to) {
          setView("confirmed", res.d.status === "bind_required" ? { title: T.bind_title, text: T.bind_text } : {});
          window.location.assign(res.d.redirect_to);
        } else if (res.d.error === "ticket_expired") {
          apply({ status: "expired", expires_in: 0 });
        } else { fail(res.d.message); }
      })
      .catch(function () { if (mine === generation) { fail(); } });
  }

  $("retry").addEventListener("click", function () { start(current ? current.connection : cfg.connections[0]); });
  document.querySelectorAll(".method").forEach(function (b) {
    b.addEventListener("click", function () {
      if (!current || b.dataset.connection !== current.connection || panel.dataset.state !== "pending") { start(b.dataset.connection); }
    });
  });
  timer = setInterval(function () {
    tick();
    // The page knows the deadline too: show expiry on time even if the answer is delayed.
    if (current && (current.status === "pending" || current.status === "scanned") && Date.now() > current.deadline + 1500) {
      apply({ status: "expired", expires_in: 0 });
    }
  }, 500);
  // Draw the first code only for someone looking at the page: a prefetched or prerendered page and
  // a tab opened in the background cost no WeChat quota until they are shown.
  function visible() { return document.visibilityState === "visible" && !document.prerendering; }
  function startWhenVisible() {
    if (visible()) { return start(cfg.connections[0]); }
    document.addEventListener("visibilitychange", function shown() {
      if (!visible()) { return; }
      document.removeEventListener("visibilitychange", shown);
      start(cfg.connections[0]);
    });
  }
  startWhenVisible();
})();
