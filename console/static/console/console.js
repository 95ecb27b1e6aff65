// Progressive enhancement for the console header: selects submit themselves when changed.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  document.querySelectorAll(".sl-nojs").forEach(function (el) { el.hidden = true; });
  document.querySelectorAll("[data-popup]").forEach(function (el) {
    el.addEventListener("click", function (event) {
      event.preventDefault();
      window.open(el.getAttribute("href"), "scanlogin-try-login",
        "popup=yes,width=520,height=720,noopener=no");
    });
  });
  document.querySelectorAll("[data-copy]").forEach(function (btn) {
    btn.addEventListener("click", function () {
      var target = document.getElementById(btn.getAttribute("data-copy"));
      if (navigator.clipboard && target) {
        navigator.clipboard.writeText(target.textContent.trim()).then(function () {
          btn.textContent = btn.getAttribute("data-copied") || "Copied";
        });
      }
    });
  });
});
