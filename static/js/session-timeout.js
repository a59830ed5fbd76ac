// Warns shortly before an idle session ends and lets the person stay logged in.
// Configuration comes from data- attributes (the Content-Security-Policy forbids inline
// scripts); the server ends the session anyway (accounts.middleware).
(function () {
  "use strict";
  function init() {
    var dialog = document.querySelector("[data-session-timeout]");
    if (!dialog) { return; }
    var idle = parseInt(dialog.getAttribute("data-idle-seconds"), 10) * 1000;
    var lead = parseInt(dialog.getAttribute("data-warning-seconds"), 10) * 1000;
    var warnTimer = null;
    var expireTimer = null;
    var lastFocus = null;

    function open() {
      lastFocus = document.activeElement;
      if (typeof dialog.showModal === "function") { dialog.showModal(); } else { dialog.setAttribute("open", ""); }
      var stay = dialog.querySelector("[data-session-stay]");
      if (stay) { stay.focus(); }
    }
    function close() {
      if (dialog.open) { if (typeof dialog.close === "function") { dialog.close(); } else { dialog.removeAttribute("open"); } }
      if (lastFocus && lastFocus.focus) { lastFocus.focus(); }
    }
    function expired() {
      // The next request is answered by the server with the login page and a message.
      window.location.assign(window.location.pathname + window.location.search);
    }
    function schedule() {
      window.clearTimeout(warnTimer);
      window.clearTimeout(expireTimer);
      warnTimer = window.setTimeout(open, Math.max(idle - lead, 0));
      expireTimer = window.setTimeout(expired, idle + 1000);
    }
    function stay() {
      var body = new FormData();
      fetch(dialog.getAttribute("data-ping-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": dialog.getAttribute("data-csrf-token") },
        body: body
      }).then(function (response) {
        if (response.ok) { close(); schedule(); } else { expired(); }
      }).catch(function () { expired(); });
    }
    dialog.querySelector("[data-session-stay]").addEventListener("click", stay);
    dialog.addEventListener("cancel", function (event) { event.preventDefault(); stay(); });
    // htmx requests also count as activity on the server.
    document.body.addEventListener("htmx:afterRequest", schedule);
    schedule();
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
