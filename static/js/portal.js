// The portal's own script. Every page works without it; it only adds comfort.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // Move focus to the error summary of a form that came back with errors, so a
    // screen reader announces it and keyboard users start there (GOV.UK/KERN pattern).
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  });
  // Buttons marked data-once (submit, withdraw) send their form only once: a double click
  // must not submit twice. The server is idempotent anyway; this spares the second request.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    if (!button || !button.hasAttribute("data-once")) { return; }
    if (form.dataset.sent === "1") { event.preventDefault(); return; }
    form.dataset.sent = "1";
    button.setAttribute("aria-disabled", "true");
  });
})();
