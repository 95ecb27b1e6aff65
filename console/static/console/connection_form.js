// Connection form: show AppID/AppSecret only with private deployment, the linking options only
// with linking on. Without JavaScript every field stays visible and the server validates.
document.addEventListener("DOMContentLoaded", function () {
  function bind(toggleId, rowSelectors) {
    var toggle = document.getElementById(toggleId);
    if (!toggle) { return; }
    function sync() {
      rowSelectors.forEach(function (sel) {
        document.querySelectorAll(sel).forEach(function (row) { row.hidden = !toggle.checked; });
      });
    }
    toggle.addEventListener("change", sync);
    sync();
  }
  bind("id_private_deployment", [".field-app_id", ".field-app_secret", ".field-app_secret_status"]);
  bind("id_linking_enabled", [".field-link_match_fields", ".field-link_ask_bind"]);
});
