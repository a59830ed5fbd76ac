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
  // Character counters under text areas with a maximum length (GOV.UK pattern): the hint
  // "Höchstens N Zeichen." becomes "Sie können noch … Zeichen eingeben." while typing, read
  // out politely after a pause. Counts like the server: code points, a line break as one.
  function updateCount(hint, field, announce) {
    var max = parseInt(hint.getAttribute("data-char-count"), 10);
    var length = Array.from(field.value.replace(/\r\n?/g, "\n")).length;
    var left = max - length;
    var template = left >= 0 ? hint.getAttribute("data-char-count-left") : hint.getAttribute("data-char-count-over");
    var number = Math.abs(left).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    hint.textContent = template.replace("%(n)s", number);
    hint.classList.toggle("wir-char-count--over", left < 0);
    if (announce) { hint.setAttribute("aria-live", "polite"); }
  }
  function setUpCounters(root) {
    root.querySelectorAll("[data-char-count]").forEach(function (hint) {
      var field = document.getElementById(hint.getAttribute("data-char-count-for"));
      if (!field || hint.dataset.counting === "1") { return; }
      hint.dataset.counting = "1";
      var timer = null;
      updateCount(hint, field, false);
      field.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(function () { updateCount(hint, field, true); }, 400);
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { setUpCounters(document); });
  document.addEventListener("htmx:afterSwap", function (event) { setUpCounters(event.target); });
})();
