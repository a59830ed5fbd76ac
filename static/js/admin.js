// Accessibility fixes for the Django admin (issue 16), loaded on every admin page by
// templates/admin/base_site.html. Django's own scripts build some controls without an
// accessible name; this names them after they are built.
(function () {
  "use strict";
  // The autocomplete (select2) combobox is labelled only by its current value: add the
  // field's label (WCAG 4.1.2, axe "aria-input-field-name").
  function nameComboboxes(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var label = select.id && document.querySelector('label[for="' + select.id + '"]');
      var container = select.nextElementSibling;
      var box = container && container.querySelector(".select2-selection[role=combobox]");
      if (!label || !box) { return; }
      if (!label.id) { label.id = select.id + "-label"; }
      var current = (box.getAttribute("aria-labelledby") || "").split(" ").filter(function (id) {
        return id && id !== label.id;
      });
      box.setAttribute("aria-labelledby", [label.id].concat(current).join(" "));
      // The shown value inside has role="textbox" of its own: it needs the name as well.
      box.querySelectorAll("[role=textbox]").forEach(function (shown) {
        shown.setAttribute("aria-labelledby", label.id);
      });
    });
  }
  // SelectFilter2 puts aria-label on a plain span (not allowed there): give it role="img".
  function nameIcons(root) {
    root.querySelectorAll("span.help-tooltip[aria-label]:not([role])").forEach(function (span) {
      span.setAttribute("role", "img");
    });
  }
  function fix(root) { nameComboboxes(root); nameIcons(root); }
  // Django builds these widgets in jQuery ready handlers, on window load (SelectFilter2) and
  // for each added inline row, at times this script cannot know: fix them when they appear.
  function relevant(node) {
    return node.nodeType === 1 && (node.matches(".select2-container, .help-tooltip") ||
      node.querySelector(".select2-container, .help-tooltip"));
  }
  new MutationObserver(function (records) {
    var found = records.some(function (record) {
      return Array.prototype.some.call(record.addedNodes, relevant);
    });
    if (found) { fix(document); }
  }).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", function () { fix(document); });
})();
