// Popup mode: ScanLogin.loginWithPopup opens the hosted login in a small window.
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("example-config").textContent);
  var status = document.getElementById("status");

  function post(path, body) {
    return fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
      .then(function (r) { return r.json().then(function (d) { if (!r.ok) { throw new Error(d.message || d.error); } return d; }); });
  }

  function done() { status.textContent = "Logged in."; window.location.reload(); }
  function failed(e) { status.dataset.error = e.error || "error"; status.textContent = "Login failed: " + (e.error || e.message); }

  // A confidential client: the popup answers {code, state}; the server redeems the code with its secret.
  document.getElementById("popup-confidential").addEventListener("click", function () {
    status.textContent = "Waiting for the popup…";
    ScanLogin.loginWithPopup({ issuer: cfg.issuer, clientId: cfg.clientId, redirectUri: cfg.redirectUri })
      .then(function (res) { return post("/api/redeem", { code: res.code, nonce: res.nonce, via: "popup" }); })
      .then(done, failed);
  });

  // A public client: the SDK redeems the code itself (PKCE); the server only checks the ID token.
  document.getElementById("popup-public").addEventListener("click", function () {
    status.textContent = "Waiting for the popup…";
    ScanLogin.loginWithPopup({ issuer: cfg.issuer, clientId: cfg.publicClientId, redirectUri: cfg.redirectUri, clientType: "public" })
      .then(function (tokens) { return post("/api/verify", { id_token: tokens.id_token, nonce: tokens.claims && tokens.claims.nonce }); })
      .then(done, failed);
  });
})();
