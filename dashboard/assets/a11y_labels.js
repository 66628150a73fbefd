/*
 * compare/geography/what-if: accessibility patch found by axe-core (tests/browser/test_accessibility.py).
 * dcc.Upload renders its file <input> without a label and has no prop to give it one. This names every
 * unlabelled file input after the drop zone around it (its visible, translated text), as the page renders.
 */
(function () {
  "use strict";

  function labelFileInputs(root) {
    var inputs = (root.querySelectorAll ? root : document).querySelectorAll("input[type=file]:not([aria-label])");
    Array.prototype.forEach.call(inputs, function (input) {
      if (input.labels && input.labels.length) {
        return;
      }
      var zone = input.parentElement;
      var text = zone ? (zone.textContent || "").replace(/\s+/g, " ").trim() : "";
      input.setAttribute("aria-label", text || document.title);
    });
  }

  new MutationObserver(function () {
    labelFileInputs(document);
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
