// The portal's own script. Every page works without it; it only adds comfort.
(function () {
  "use strict";
  // Move focus to the error summary of a form that came back with errors, so a
  // screen reader announces it and keyboard users start there (GOV.UK/KERN pattern).
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  });
})();
