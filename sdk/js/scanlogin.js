/*!
 * ScanLogin browser SDK — log a website's users in by WeChat scan, without writing OAuth code.
 *
 *   ScanLogin.loginWithPopup({issuer, clientId, redirectUri, ...})  → Promise<{code, state} | tokens>
 *   ScanLogin.mountQrCode(element, {issuer | pool, clientId, connection, redirectUri, ...}) → handle
 *
 * Served by ScanLogin at /sdk/scanlogin.js (no build step). It speaks only ScanLogin's documented
 * HTTP contract: the OIDC authorization endpoint with response_mode=web_message, the token endpoint,
 * and the ticket API (`/api/qr-tickets`) with a per-widget binding secret sent as a header, so the
 * embedded code works where third-party cookies are blocked.
 */
(function (root, factory) {
  "use strict";
  var api = factory(root);
  if (typeof module === "object" && module && module.exports) { module.exports = api; }
  if (root) { root.ScanLogin = api; }
})(typeof window !== "undefined" ? window : this, function (win) {
  "use strict";

  var VERSION = "0.1.0";
  var BINDING_HEADER = "X-ScanLogin-Binding";
  var DEFAULT_SCOPE = "openid profile phone";
  var doc = win && win.document;
  // Where this script was loaded from: the ScanLogin server, when `pool` is given without `baseUrl`.
  var scriptOrigin = (function () {
    try { return new URL(doc.currentScript.src).origin; } catch (e) { return ""; }
  })();

  /* ---------------------------------------------------------------- errors */

  function ScanLoginError(error, message, extra) {
    var self = new Error(message || error);
    Object.setPrototypeOf(self, ScanLoginError.prototype);
    self.name = "ScanLoginError";
    self.error = error;
    if (extra) { Object.keys(extra).forEach(function (k) { self[k] = extra[k]; }); }
    return self;
  }
  ScanLoginError.prototype = Object.create(Error.prototype);
  ScanLoginError.prototype.constructor = ScanLoginError;

  /* --------------------------------------------------------------- helpers */

  function base64url(bytes) {
    var s = "";
    for (var i = 0; i < bytes.length; i++) { s += String.fromCharCode(bytes[i]); }
    return win.btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function randomString(nbytes) {
    var bytes = new Uint8Array(nbytes || 32);
    win.crypto.getRandomValues(bytes);
    return base64url(bytes);
  }

  function s256(verifier) {
    var data = new TextEncoder().encode(verifier);
    return win.crypto.subtle.digest("SHA-256", data).then(function (d) { return base64url(new Uint8Array(d)); });
  }

  // A long-poll's wait, 20–28 s: codes drawn at the same moment (a server restart, a busy morning)
  // drift apart instead of asking again all at once.
  function spreadWait() {
    return 20 + Math.floor(Math.random() * 9);
  }

  function query(params) {
    return Object.keys(params).filter(function (k) { return params[k] !== undefined && params[k] !== null && params[k] !== ""; })
      .map(function (k) { return encodeURIComponent(k) + "=" + encodeURIComponent(params[k]); }).join("&");
  }

  function required(opts, names) {
    names.forEach(function (n) {
      if (!opts || typeof opts[n] !== "string" || !opts[n]) { throw ScanLoginError("invalid_options", "ScanLogin: option '" + n + "' is required."); }
    });
  }

  /** {issuer, base}: the OIDC issuer and the hosted login's base (issuer without its /oidc). */
  function endpoints(opts) {
    if (opts.issuer) {
      var issuer = String(opts.issuer).replace(/\/+$/, "");
      return { issuer: issuer, base: issuer.replace(/\/oidc$/, "") };
    }
    if (opts.pool) {
      var host = String(opts.baseUrl || scriptOrigin).replace(/\/+$/, "");
      if (!host) { throw ScanLoginError("invalid_options", "ScanLogin: give 'issuer', or 'pool' with 'baseUrl'."); }
      var base = host + "/u/" + encodeURIComponent(opts.pool);
      return { issuer: base + "/oidc", base: base };
    }
    throw ScanLoginError("invalid_options", "ScanLogin: option 'issuer' (or 'pool') is required.");
  }

  /** The payload of a JWT, decoded but NOT verified (it came straight from the token endpoint). */
  function decodeJwt(token) {
    try {
      var part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      var bin = win.atob(part + "===".slice((part.length + 3) % 4));
      var bytes = new Uint8Array(bin.length);
      for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
      return JSON.parse(new TextDecoder().decode(bytes));
    } catch (e) {
      return null;
    }
  }

  function readJson(response) {
    return response.text().then(function (text) {
      var data = null;
      try { data = text ? JSON.parse(text) : {}; } catch (e) { data = {}; }
      return { ok: response.ok, status: response.status, data: data || {} };
    });
  }

  /** Redeem an authorization code at the token endpoint as a public client (PKCE, no secret). */
  function redeemCode(issuer, clientId, code, redirectUri, verifier, nonce) {
    var body = query({ grant_type: "authorization_code", code: code, redirect_uri: redirectUri, client_id: clientId, code_verifier: verifier });
    return win.fetch(issuer + "/token", {
      method: "POST", mode: "cors", credentials: "omit", cache: "no-store",
      headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: body
    }).then(readJson, function () {
      throw ScanLoginError("network_error", "ScanLogin: the token endpoint could not be reached.");
    }).then(function (res) {
      if (!res.ok) { throw ScanLoginError(res.data.error || "token_error", res.data.error_description || "ScanLogin: the code could not be redeemed."); }
      var claims = res.data.id_token ? decodeJwt(res.data.id_token) : null;
      if (nonce && claims && claims.nonce !== nonce) { throw ScanLoginError("invalid_nonce", "ScanLogin: the ID token's nonce does not match."); }
      var tokens = {};
      Object.keys(res.data).forEach(function (k) { tokens[k] = res.data[k]; });
      tokens.claims = claims;
      return tokens;
    });
  }

  /* ---------------------------------------------------------- popup mode */

  function popupFeatures(opts) {
    var w = (opts.popup && opts.popup.width) || 480;
    var h = (opts.popup && opts.popup.height) || 720;
    var left = Math.max(0, ((win.screenX || 0) + ((win.outerWidth || w) - w) / 2));
    var top = Math.max(0, ((win.screenY || 0) + ((win.outerHeight || h) - h) / 2));
    return "popup=yes,width=" + w + ",height=" + h + ",left=" + Math.round(left) + ",top=" + Math.round(top);
  }

  /**
   * Open the pool's hosted login in a popup (OIDC, response_mode=web_message) and wait for its answer.
   * Call it from a click handler: the window is opened at once, before anything asynchronous.
   */
  function loginWithPopup(opts) {
    var ends, isPublic, popup;
    try {
      required(opts, ["clientId", "redirectUri"]);
      ends = endpoints(opts);
      isPublic = opts.clientType === "public";
      popup = win.open("", "scanlogin_popup", popupFeatures(opts));
    } catch (e) {
      return Promise.reject(e.name === "ScanLoginError" ? e : ScanLoginError("popup_blocked", "ScanLogin: the popup could not be opened."));
    }
    if (!popup) { return Promise.reject(ScanLoginError("popup_blocked", "ScanLogin: the browser blocked the login popup.")); }
    var issuerOrigin = new URL(ends.issuer).origin;
    var state = opts.state || randomString(16);
    var nonce = opts.nonce || randomString(16);
    var verifier = isPublic ? randomString(48) : null;

    return new Promise(function (resolve, reject) {
      var done = false, closedTimer = null, timeoutTimer = null;
      function finish(fn, value) {
        if (done) { return; }
        done = true;
        win.removeEventListener("message", onMessage);
        clearInterval(closedTimer);
        clearTimeout(timeoutTimer);
        try { if (!popup.closed) { popup.close(); } } catch (e) { /* already gone */ }
        fn(value);
      }
      function onMessage(event) {
        // Only the popup we opened, on the issuer's origin, may answer; anything else is ignored.
        if (event.origin !== issuerOrigin || event.source !== popup) { return; }
        var data = event.data;
        if (!data || data.type !== "authorization_response" || typeof data.response !== "object" || !data.response) { return; }
        var r = data.response;
        if (r.state !== state) { return finish(reject, ScanLoginError("state_mismatch", "ScanLogin: the answer's state does not match this request.")); }
        if (r.error) { return finish(reject, ScanLoginError(r.error, r.error_description || r.error, { state: r.state })); }
        if (!isPublic) { return finish(resolve, { code: r.code, state: r.state, nonce: nonce }); }
        done = true;  // redeeming: the popup may close now, that is no longer a cancellation
        clearInterval(closedTimer);
        clearTimeout(timeoutTimer);
        win.removeEventListener("message", onMessage);
        redeemCode(ends.issuer, opts.clientId, r.code, opts.redirectUri, verifier, nonce).then(function (tokens) {
          tokens.state = r.state;
          resolve(tokens);
        }, reject);
      }
      win.addEventListener("message", onMessage);
      closedTimer = setInterval(function () {
        if (popup.closed) { finish(reject, ScanLoginError("popup_closed", "ScanLogin: the login window was closed.")); }
      }, opts.closedCheckInterval || 400);
      timeoutTimer = setTimeout(function () {
        finish(reject, ScanLoginError("timeout", "ScanLogin: the login took too long."));
      }, opts.timeout || 300000);

      (verifier ? s256(verifier) : Promise.resolve(null)).then(function (challenge) {
        if (done) { return; }
        var params = {
          response_type: "code", response_mode: "web_message", client_id: opts.clientId, redirect_uri: opts.redirectUri,
          scope: opts.scope || DEFAULT_SCOPE, state: state, nonce: nonce, prompt: opts.prompt,
          code_challenge: challenge, code_challenge_method: challenge ? "S256" : null
        };
        popup.location.href = ends.issuer + "/authorize?" + query(params);
      }).catch(function (e) { finish(reject, e); });
    });
  }

  /* ------------------------------------------------------ embedded QR code */

  var STRINGS = {
    en: {
      loading: "Preparing your code…", pending: "Scan with WeChat to log in", scanned: "Scanned — confirm on your phone",
      confirmed: "Confirmed, logging in…", success: "Logged in", expired: "The code has expired",
      cancelled: "Login was cancelled on the phone", rejected: "This login was refused", error: "Something went wrong",
      bind: "This account must be linked on the login page", retry: "Refresh code", expires: "Expires in %s", alt: "QR code to scan with WeChat"
    },
    zh: {
      loading: "正在生成二维码…", pending: "请使用微信扫码登录", scanned: "扫码成功，请在手机上确认",
      confirmed: "已确认，正在登录…", success: "登录成功", expired: "二维码已过期",
      cancelled: "已在手机上取消登录", rejected: "此次登录被拒绝", error: "出错了",
      bind: "此账号需要在登录页面完成绑定", retry: "刷新二维码", expires: "%s 后过期", alt: "请用微信扫描的二维码"
    }
  };

  function pickStrings(locale) {
    var lang = String(locale || (win.navigator && win.navigator.language) || "en").toLowerCase();
    return lang.indexOf("zh") === 0 ? STRINGS.zh : STRINGS.en;
  }

  function el(tag, cls, style) {
    var node = doc.createElement(tag);
    if (cls) { node.className = cls; }
    if (style) { node.setAttribute("style", style); }
    return node;
  }

  function buildView(element, size, T) {
    var root = el("div", "scanlogin-widget", "display:inline-flex;flex-direction:column;align-items:center;gap:8px;font:14px/1.4 system-ui,sans-serif;color:#1f2328");
    var frame = el("div", "scanlogin-frame", "position:relative;width:" + size + "px;height:" + size + "px;border:1px solid #d0d7de;border-radius:8px;overflow:hidden;background:#fff");
    var img = el("img", "scanlogin-qr", "width:100%;height:100%;display:block");
    img.alt = T.alt;
    img.width = size;
    img.height = size;
    var overlay = el("div", "scanlogin-overlay", "position:absolute;inset:0;display:none;flex-direction:column;align-items:center;justify-content:center;gap:6px;background:rgba(255,255,255,.94);text-align:center;padding:12px");
    var avatar = el("div", "scanlogin-avatar", "width:48px;height:48px;border-radius:50%;background:#07c160 center/cover;color:#fff;font-size:22px;line-height:48px;text-align:center;display:none");
    var title = el("p", "scanlogin-title", "margin:0;font-weight:600");
    var retry = el("button", "scanlogin-retry", "display:none;padding:6px 14px;border:0;border-radius:6px;background:#07c160;color:#fff;font:inherit;cursor:pointer");
    retry.type = "button";
    retry.textContent = T.retry;
    overlay.appendChild(avatar);
    overlay.appendChild(title);
    overlay.appendChild(retry);
    frame.appendChild(img);
    frame.appendChild(overlay);
    var status = el("p", "scanlogin-status", "margin:0");
    var countdown = el("p", "scanlogin-countdown", "margin:0;color:#656d76;font-size:12px");
    root.appendChild(frame);
    root.appendChild(status);
    root.appendChild(countdown);
    element.appendChild(root);
    return { root: root, img: img, overlay: overlay, avatar: avatar, title: title, retry: retry, status: status, countdown: countdown };
  }

  var OVERLAY_STATES = { scanned: 1, confirmed: 1, success: 1, expired: 1, cancelled: 1, rejected: 1, error: 1 };
  var RETRY_STATES = { expired: 1, cancelled: 1, rejected: 1, error: 1 };

  function showState(view, T, state, extra) {
    extra = extra || {};
    view.root.setAttribute("data-state", state);
    view.status.textContent = extra.text || T[state] || T.error;
    view.overlay.style.display = OVERLAY_STATES[state] ? "flex" : "none";
    view.title.textContent = extra.title || "";
    view.retry.style.display = RETRY_STATES[state] ? "inline-block" : "none";
    var who = extra.scannedBy;
    view.avatar.style.display = who ? "block" : "none";
    if (who) {
      var pic = typeof who.avatar === "string" && /^https?:\/\//.test(who.avatar) ? who.avatar : "";
      view.avatar.textContent = pic ? "" : (who.nickname || "?").slice(0, 1);
      view.avatar.style.backgroundImage = pic ? "url(\"" + encodeURI(pic) + "\")" : "";
    }
    if (state !== "pending" && state !== "scanned") { view.countdown.textContent = ""; }
  }

  function call(fn, arg) {
    if (typeof fn === "function") {
      try { fn(arg); } catch (e) { if (win.console) { win.console.error(e); } }
    }
  }

  /**
   * Draw a login QR code inside `element`, wait for the scan with the long-poll, and end with an
   * authorization code for the website's backend (or, with `exchange: true`, the tokens).
   */
  function mountQrCode(element, opts) {
    if (!element || typeof element.appendChild !== "function") { throw ScanLoginError("invalid_options", "ScanLogin: mountQrCode needs a DOM element."); }
    required(opts, ["clientId", "connection", "redirectUri"]);
    var ends = endpoints(opts);
    var T = pickStrings(opts.locale);
    var view = buildView(element, opts.size || 200, T);
    var maxRefreshes = opts.maxRefreshes === undefined ? 3 : opts.maxRefreshes;
    var autoRefresh = opts.autoRefresh !== false;
    var pollDelay = opts.retryDelay || 1500;
    var cur = null;        // {ticket, url, status, deadline, secret, verifier, nonce}
    var generation = 0;    // bumps when a new ticket replaces the old: stale loops stop
    var refreshes = 0;     // automatic refreshes since the last success or manual refresh
    var blobUrl = null;
    var destroyed = false;
    var waitingVisible = false;

    function api(method, path, body) {
      var headers = {};
      headers[BINDING_HEADER] = cur.secret;
      if (body) { headers["Content-Type"] = "application/json"; }
      return win.fetch(/^https?:/.test(path) ? path : ends.base + path, {
        method: method, mode: "cors", credentials: "omit", cache: "no-store", headers: headers,
        body: body ? JSON.stringify(body) : undefined
      });
    }

    function fail(mine, error, message, extra) {
      if (mine !== generation) { return; }
      if (cur) { cur.status = "error"; }
      showState(view, T, "error", { text: error === "bind_required" ? T.bind : (message || T.error) });
      call(opts.onError, ScanLoginError(error, message || error, extra));
    }

    // A refusal's HTTP status (and Try login's detail, should the server send one) for onError.
    function refusal(res) {
      var extra = { status: res.status };
      if (res.data && res.data.detail) { extra.detail = res.data.detail; }
      return ScanLoginError(res.data.error || "http_" + res.status, res.data.message, extra);
    }

    function setImage(blob) {
      if (blobUrl && win.URL.revokeObjectURL) { win.URL.revokeObjectURL(blobUrl); }
      blobUrl = win.URL.createObjectURL(blob);
      view.img.src = blobUrl;
    }

    function start() {
      if (destroyed) { return; }
      var mine = ++generation;
      cur = { secret: randomString(32), verifier: randomString(48), nonce: opts.nonce || randomString(16), status: "loading" };
      showState(view, T, "loading");
      view.img.removeAttribute("src");
      var ticketCur = cur;
      s256(cur.verifier).then(function (challenge) {
        return api("POST", "/api/qr-tickets", {
          app_id: opts.clientId, connection: opts.connection, redirect_uri: opts.redirectUri,
          scope: opts.scope || DEFAULT_SCOPE, nonce: ticketCur.nonce, code_challenge: challenge, code_challenge_method: "S256"
        });
      }).then(readJson).then(function (res) {
        if (mine !== generation) { return; }
        if (!res.ok) { return fail(mine, res.data.error || "ticket_error", res.data.message, { status: res.status }); }
        cur.ticket = res.data.ticket;
        cur.url = "/api/qr-tickets/" + encodeURIComponent(res.data.ticket);
        cur.deadline = Date.now() + (res.data.expires_in || 0) * 1000;
        return loadImage(mine, res.data).then(function () { poll(mine); });
      }).catch(function (e) {
        if (!(e && e.error)) { return fail(mine, "network_error", "ScanLogin could not be reached."); }
        var extra = e.status ? { status: e.status } : undefined;
        if (extra && e.detail) { extra.detail = e.detail; }
        fail(mine, e.error, e.message, extra);
      });
    }

    function loadImage(mine, created) {
      // The image needs the binding header too, so it is fetched and shown from a blob: URL.
      var url = created.qrcode_url ? new URL(created.qrcode_url, ends.base + "/").href : cur.url + "/qrcode.png";
      return api("GET", url).then(function (r) {
        // A refused drawing answers JSON ({error: "wechat_misconfigured", …}): its code reaches onError.
        if (!r.ok) { return readJson(r).then(function (res) { throw refusal(res); }); }
        return r.blob();
      }).then(function (blob) {
        if (mine !== generation) { return; }
        setImage(blob);
        cur.status = "pending";
        showState(view, T, "pending");
        tick();
      });
    }

    function poll(mine) {
      if (mine !== generation || destroyed) { return; }
      var since = cur.status === "loading" ? "pending" : cur.status;
      api("GET", cur.url + "?" + query({ since: since, wait: opts.wait === undefined ? spreadWait() : opts.wait })).then(readJson).then(function (res) {
        if (mine !== generation) { return; }
        if (!res.ok) {
          if (res.status === 404) { return fail(mine, "ticket_not_found", res.data.message); }
          throw ScanLoginError(res.data.error || "http_" + res.status);
        }
        apply(mine, res.data);
      }).catch(function () {
        if (mine !== generation) { return; }
        setTimeout(function () { poll(mine); }, pollDelay);  // a network blip: the ticket lives on
      });
    }

    function apply(mine, s) {
      if (typeof s.expires_in === "number" && (s.status === "pending" || s.status === "scanned")) { cur.deadline = Date.now() + s.expires_in * 1000; }
      var changed = s.status !== cur.status;
      cur.status = s.status;
      if (s.status === "pending") { return poll(mine); }
      if (s.status === "scanned") {
        var who = s.scanned_by || { nickname: "" };
        showState(view, T, "scanned", { scannedBy: who, title: who.nickname || "" });
        if (changed) { call(opts.onScanned, { nickname: who.nickname || "", avatar: who.avatar || "" }); }
        return poll(mine);
      }
      if (s.status === "confirmed") { return exchange(mine); }
      if (s.status === "expired") { return expired(mine); }
      if (s.status === "cancelled") {
        showState(view, T, "cancelled");
        return call(opts.onCancel, { ticket: cur.ticket });
      }
      if (s.status === "rejected") {
        showState(view, T, "rejected");
        return call(opts.onError, ScanLoginError(s.reason || "rejected", T.rejected, { reason: s.reason || "" }));
      }
      fail(mine, "ticket_" + s.status, T.error);
    }

    function exchange(mine) {
      showState(view, T, "confirmed");
      var ticketCur = cur;
      api("POST", cur.url + "/exchange").then(readJson).then(function (res) {
        if (mine !== generation) { return; }
        if (res.ok && res.data.status === "consumed" && res.data.code) {
          var result = { code: res.data.code, codeVerifier: ticketCur.verifier, redirectUri: res.data.redirect_uri || opts.redirectUri, nonce: ticketCur.nonce, state: res.data.state };
          if (!opts.exchange) { return succeed(mine, result); }
          return redeemCode(ends.issuer, opts.clientId, result.code, result.redirectUri, ticketCur.verifier, ticketCur.nonce).then(function (tokens) {
            result.tokens = tokens;
            succeed(mine, result);
          });
        }
        if (res.ok && res.data.status === "bind_required") { return fail(mine, "bind_required", T.bind); }
        if (res.data.error === "ticket_expired") { return expired(mine); }
        fail(mine, res.data.error || "exchange_failed", res.data.message);
      }).catch(function (e) { fail(mine, (e && e.error) || "network_error", e && e.message); });
    }

    function succeed(mine, result) {
      if (mine !== generation) { return; }
      cur.status = "success";
      refreshes = 0;
      showState(view, T, "success");
      call(opts.onSuccess, result);
    }

    function expired(mine) {
      if (mine !== generation || cur.expiredShown) { return; }
      cur.expiredShown = true;
      cur.status = "expired";
      showState(view, T, "expired");
      call(opts.onExpired, { ticket: cur.ticket, refreshes: refreshes });
      if (!autoRefresh || refreshes >= maxRefreshes) { return; }
      if (doc.visibilityState === "hidden") { waitingVisible = true; return; }  // refresh when seen again
      refreshes += 1;
      start();
    }

    function onVisible() {
      if (doc.visibilityState !== "visible" || !waitingVisible || destroyed) { return; }
      waitingVisible = false;
      refreshes += 1;
      start();
    }

    function tick() {
      if (!cur || (cur.status !== "pending" && cur.status !== "scanned")) { return; }
      var left = Math.max(0, Math.round((cur.deadline - Date.now()) / 1000));
      view.countdown.textContent = T.expires.replace("%s", Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0"));
      // The widget knows the deadline too: show expiry on time even if the long-poll answer is late.
      if (Date.now() > cur.deadline + 1500) { expired(generation); }
    }

    var timer = setInterval(tick, 1000);
    view.retry.addEventListener("click", function () { refreshes = 0; waitingVisible = false; start(); });
    doc.addEventListener("visibilitychange", onVisible);
    start();

    return {
      refresh: function () { refreshes = 0; waitingVisible = false; start(); },
      destroy: function () {
        destroyed = true;
        generation += 1;
        clearInterval(timer);
        doc.removeEventListener("visibilitychange", onVisible);
        if (blobUrl && win.URL.revokeObjectURL) { win.URL.revokeObjectURL(blobUrl); }
        if (view.root.parentNode) { view.root.parentNode.removeChild(view.root); }
      },
      get state() { return view.root.getAttribute("data-state"); },
      get ticket() { return cur ? cur.ticket || null : null; }
    };
  }

  return {
    version: VERSION,
    loginWithPopup: loginWithPopup,
    mountQrCode: mountQrCode,
    ScanLoginError: ScanLoginError,
    BINDING_HEADER: BINDING_HEADER
  };
});
