// Embedded mode: ScanLogin.mountQrCode draws the code in this page; the server redeems the code.
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("example-config").textContent);
  var status = document.getElementById("status");
  var say = function (text, state) { status.textContent = text; status.dataset.state = state; };

  ScanLogin.mountQrCode(document.getElementById("qr-login"), {
    issuer: cfg.issuer, clientId: cfg.clientId, connection: cfg.connection, redirectUri: cfg.redirectUri,
    onScanned: function (who) { say("Scanned by " + (who.nickname || "someone") + " — confirm on the phone.", "scanned"); },
    onExpired: function () { say("The code expired.", "expired"); },
    onCancel: function () { say("Cancelled on the phone.", "cancelled"); },
    onError: function (e) { say("Login failed: " + e.error, "error"); },
    onSuccess: function (res) {
      say("Confirmed, logging in…", "confirmed");
      fetch("/api/redeem", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ code: res.code, code_verifier: res.codeVerifier, nonce: res.nonce, via: "embedded code" })
      }).then(function (r) {
        if (!r.ok) { throw new Error("redeem failed"); }
        window.location.reload();
      }).catch(function (e) { say("Login failed: " + e.message, "error"); });
    }
  });
})();
