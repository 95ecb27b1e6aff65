/* OAuth 2.0 Web Message Response Mode: hand the authorization response to the window that opened
 * this one (or the parent frame), only on the origin of the client's registered redirect URI. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("web-message-data").textContent);
  var target = window.opener || (window.parent !== window ? window.parent : null);
  if (!target || !data.target_origin || data.target_origin === "*") { return; }
  target.postMessage({ type: "authorization_response", response: data.response }, data.target_origin);
  document.getElementById("web-message").setAttribute("data-sent", "true");
  if (window.opener) { window.close(); }
})();
