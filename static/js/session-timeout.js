// Keeps a session alive while the person works, warns shortly before an idle session ends,
// and never takes the keyboard away from a field being typed in.
//
// - Typing (input events in any form field) counts as activity: at most every
//   `pingEvery` milliseconds the script pings the server (POST, CSRF header), which
//   renews the session. So nobody writing a long answer is logged out.
// - The warning is a non-modal notice with a live region: screen readers announce it, the
//   focus stays where it is, keystrokes keep going into the field. "Angemeldet bleiben"
//   (or simply typing on) renews the session.
// - If the session ends anyway (no activity at all), unsaved form entries are kept in this
//   tab's sessionStorage and put back into the same form after logging in again.
// Configuration comes from data- attributes (the Content-Security-Policy forbids inline
// scripts); the server ends the session anyway (accounts.middleware).
(function () {
  "use strict";
  var DRAFT_PREFIX = "wir-draft:";

  var owner = "";
  function draftKey() { return DRAFT_PREFIX + owner + ":" + window.location.pathname; }

  function fieldsOf(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && !el.disabled && el.type !== "password" && el.type !== "hidden" &&
        el.type !== "file" && el.type !== "submit" && el.type !== "button" &&
        el.name !== "csrfmiddlewaretoken";
    });
  }

  function saveDrafts() {
    var forms = Array.prototype.filter.call(document.forms, function (form) {
      return form.hasAttribute("data-wir-dirty");
    });
    if (!forms.length) { return; }
    var drafts = forms.map(function (form) {
      var index = Array.prototype.indexOf.call(document.forms, form);
      var values = {};
      fieldsOf(form).forEach(function (el) {
        if (el.type === "checkbox" || el.type === "radio") {
          if (el.checked) { (values[el.name] = values[el.name] || []).push(el.value); }
        } else {
          values[el.name] = [el.value];
        }
      });
      return { index: index, values: values };
    });
    try { window.sessionStorage.setItem(draftKey(), JSON.stringify(drafts)); } catch (e) { /* storage full or off */ }
  }

  function restoreDrafts(notice) {
    var raw = null;
    try { raw = window.sessionStorage.getItem(draftKey()); } catch (e) { return; }
    if (!raw) { return; }
    try { window.sessionStorage.removeItem(draftKey()); } catch (e) { /* ignore */ }
    var restored = false;
    JSON.parse(raw).forEach(function (draft) {
      var form = document.forms[draft.index];
      if (!form) { return; }
      fieldsOf(form).forEach(function (el) {
        var values = draft.values[el.name];
        if (el.type === "checkbox" || el.type === "radio") {
          if (values) { el.checked = values.indexOf(el.value) !== -1; }
        } else if (values && values.length && !el.value && values[0]) {
          el.value = values[0];
          restored = true;
        }
      });
    });
    if (restored && notice) {
      notice.hidden = false;
    }
  }

  function init() {
    var box = document.querySelector("[data-session-timeout]");
    if (!box) { return; }
    // Drafts belong to the person: someone else logging in in this tab never sees them.
    owner = box.getAttribute("data-session-user") || "";
    restoreDrafts(document.querySelector("[data-session-restored]"));
    var idle = parseInt(box.getAttribute("data-idle-seconds"), 10) * 1000;
    var lead = parseInt(box.getAttribute("data-warning-seconds"), 10) * 1000;
    // The server keeps the time of the last request only to the minute (or so) and ends
    // the session up to that much after `idle`, never before: the warning keeps its promise
    // ("in 2 minutes" at idle - lead), and the page reloads only once the session has
    // certainly ended, so that reload does not count as activity and keep it alive.
    var grace = (parseInt(box.getAttribute("data-grace-seconds"), 10) || 0) * 1000;
    var live = box.querySelector("[data-session-live]");
    var message = box.getAttribute("data-warning-text") || "";
    var pingEvery = Math.max(Math.min(60000, idle / 4), 1000);
    var warnTimer = null;
    var expireTimer = null;
    var lastPing = Date.now();
    var pinging = false;

    function open() {
      // Non-modal: the focus and the keyboard stay with the page.
      box.hidden = false;
      if (live) { live.textContent = message; }
    }
    function close() {
      box.hidden = true;
      if (live) { live.textContent = ""; }
    }
    function expired() {
      saveDrafts();
      // The next request is answered by the server with the login page and a message;
      // after logging in the person comes back here and the draft is put back.
      window.location.assign(window.location.pathname + window.location.search);
    }
    function schedule() {
      window.clearTimeout(warnTimer);
      window.clearTimeout(expireTimer);
      warnTimer = window.setTimeout(open, Math.max(idle - lead, 0));
      expireTimer = window.setTimeout(expired, idle + grace + 1000);
    }
    function ping() {
      if (pinging) { return; }
      pinging = true;
      lastPing = Date.now();
      fetch(box.getAttribute("data-ping-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": box.getAttribute("data-csrf-token") },
        body: new FormData()
      }).then(function (response) {
        pinging = false;
        if (response.ok) { close(); schedule(); } else { expired(); }
      }).catch(function () { pinging = false; });
    }
    function typed(event) {
      var form = event.target && event.target.form;
      if (form) { form.setAttribute("data-wir-dirty", ""); }
      if (Date.now() - lastPing >= pingEvery || !box.hidden) { ping(); }
    }
    box.querySelector("[data-session-stay]").addEventListener("click", ping);
    document.addEventListener("input", typed, true);
    document.addEventListener("submit", function (event) {
      if (event.target && event.target.removeAttribute) { event.target.removeAttribute("data-wir-dirty"); }
    }, true);
    // htmx requests also count as activity on the server.
    document.body.addEventListener("htmx:afterRequest", schedule);
    schedule();
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
