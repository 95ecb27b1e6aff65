/* Buttons marked data-close-window close the window (the "Try login" popup's last page). */
(function () {
  "use strict";
  document.querySelectorAll("[data-close-window]").forEach(function (button) {
    button.addEventListener("click", function () { window.close(); });
  });
})();
