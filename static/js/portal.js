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
  }
  function setUpCounters(root) {
    root.querySelectorAll("[data-char-count]").forEach(function (hint) {
      var field = document.getElementById(hint.getAttribute("data-char-count-for"));
      if (!field || hint.dataset.counting === "1") { return; }
      hint.dataset.counting = "1";
      var timer = null;
      updateCount(hint, field, false);
      // A live region from the start (set after the first count, which is not announced):
      // a region that becomes live only when its text changes is not read out.
      hint.setAttribute("aria-live", "polite");
      field.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(function () { updateCount(hint, field, true); }, 400);
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { setUpCounters(document); });
  document.addEventListener("htmx:afterSwap", function (event) { setUpCounters(event.target); });
})();

// Wide tables (issue 16, WCAG 1.4.10): a table scrolls inside its own box, never the page.
// When the box is narrower than its table, it becomes a focusable region named after the
// table's caption (arrow keys scroll it) with a visible hint above; otherwise it is a plain box.
(function () {
  "use strict";
  var hintText = "";
  var counter = 0;
  function nameOf(table) {
    var caption = table.querySelector("caption");
    if (caption) {
      if (!caption.id) { caption.id = "wir-table-caption-" + (++counter); }
      return { labelledby: caption.id };
    }
    var heading = null;
    for (var el = table.parentElement; el && !heading; el = el.parentElement) {
      for (var prev = el.previousElementSibling; prev && !heading; prev = prev.previousElementSibling) {
        if (/^H[1-6]$/.test(prev.tagName)) { heading = prev; }
      }
    }
    if (heading) {
      if (!heading.id) { heading.id = "wir-table-heading-" + (++counter); }
      return { labelledby: heading.id };
    }
    return { label: document.title };
  }
  function update(box) {
    var scrolls = box.scrollWidth > box.clientWidth + 1;
    var hint = box.previousElementSibling && box.previousElementSibling.hasAttribute("data-table-hint") ? box.previousElementSibling : null;
    box.classList.toggle("wir-table-wrapper--scrolls", scrolls);
    if (scrolls) {
      var name = nameOf(box.querySelector("table"));
      box.setAttribute("role", "region");
      box.tabIndex = 0;
      if (name.labelledby) { box.setAttribute("aria-labelledby", name.labelledby); } else { box.setAttribute("aria-label", name.label); }
      if (!hint && hintText) {
        hint = document.createElement("p");
        hint.className = "wir-table-hint";
        hint.setAttribute("data-table-hint", "");
        hint.textContent = hintText;
        box.parentNode.insertBefore(hint, box);
      }
      if (hint) {
        if (!hint.id) { hint.id = "wir-table-hint-" + (++counter); }
        hint.hidden = false;
        box.setAttribute("aria-describedby", hint.id);
      }
    } else {
      box.removeAttribute("role");
      box.removeAttribute("tabindex");
      box.removeAttribute("aria-labelledby");
      box.removeAttribute("aria-label");
      box.removeAttribute("aria-describedby");
      if (hint) { hint.hidden = true; }
    }
  }
  var observer = window.ResizeObserver ? new ResizeObserver(function (entries) {
    entries.forEach(function (entry) { update(entry.target); });
  }) : null;
  function setUpTables(root) {
    hintText = document.body.getAttribute("data-table-hint-text") || "";
    root.querySelectorAll("table").forEach(function (table) {
      if (table.closest("[data-scroll-region]")) { return; }
      var box = table.parentElement;
      if (!box.classList.contains("wir-table-wrapper") || box.children.length !== 1) {
        box = document.createElement("div");
        box.className = "wir-table-wrapper";
        table.parentNode.insertBefore(box, table);
        box.appendChild(table);
      }
      box.setAttribute("data-scroll-region", "");
      update(box);
      if (observer) { observer.observe(box); }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { setUpTables(document); });
  document.addEventListener("htmx:afterSwap", function (event) { setUpTables(event.target); });

  // Print (issue 16): the full content, not what a closed <details> or a text area's visible
  // part shows. Opened before printing, put back afterwards.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = Array.prototype.filter.call(document.querySelectorAll("details:not([open])"), function (d) {
      d.open = true;
      return true;
    });
    document.querySelectorAll("textarea").forEach(function (area) {
      area.dataset.printHeight = area.style.height;
      area.style.height = area.scrollHeight + 4 + "px";
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
    document.querySelectorAll("textarea").forEach(function (area) {
      area.style.height = area.dataset.printHeight || "";
    });
  });
})();

// Content that changes without a page load (issue 16): htmx replaces whole elements, and a
// live region that is replaced is not reliably read out. One polite live region, present from
// the start, announces the new text of every [data-announce] element after an htmx swap:
// polling content (a bundle in progress) at most every 10 seconds, a final state at once.
(function () {
  "use strict";
  var region = null;
  var known = {};
  var lastAt = 0;
  function key(el, index) { return el.id || el.getAttribute("data-announce") || String(index); }
  function text(el) { return (el.textContent || "").replace(/\s+/g, " ").trim(); }
  function remember() {
    document.querySelectorAll("[data-announce]").forEach(function (el, index) { known[key(el, index)] = text(el); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    region = document.createElement("div");
    region.className = "kern-sr-only";
    region.setAttribute("aria-live", "polite");
    region.setAttribute("data-announcer", "");
    document.body.appendChild(region);
    remember();
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!region) { return; }
    var news = [];
    var urgent = false;
    document.querySelectorAll("[data-announce]").forEach(function (el, index) {
      var k = key(el, index);
      var now = text(el);
      if (now && known[k] !== now) {
        news.push(now);
        urgent = urgent || el.hasAttribute("data-announce-now");
      }
    });
    var polling = document.querySelector("[hx-trigger^='every']");
    if (!news.length || (polling && !urgent && Date.now() - lastAt < 10000)) { return; }
    remember();
    lastAt = Date.now();
    region.textContent = news.join(" ");
  });
})();
