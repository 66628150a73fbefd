/*
 * dcc.Upload drops a file over its max_size without a word. This script watches the file input and
 * drops inside any element with data-max-bytes and shows (or hides) the pre-rendered, translated
 * message whose id is in data-message-id, through Dash's set_props. The server checks the size again.
 */
(function () {
  "use strict";

  function report(wrapper, files) {
    if (!wrapper || !files || !files.length) {
      return;
    }
    var maxBytes = Number(wrapper.getAttribute("data-max-bytes"));
    var messageId = wrapper.getAttribute("data-message-id");
    var tooLarge = Array.prototype.some.call(files, function (file) {
      return file.size > maxBytes;
    });
    if (window.dash_clientside && window.dash_clientside.set_props && messageId) {
      window.dash_clientside.set_props(messageId, { hidden: !tooLarge });
    }
  }

  function wrapperOf(node) {
    return node && node.closest ? node.closest("[data-max-bytes]") : null;
  }

  document.addEventListener(
    "change",
    function (event) {
      var input = event.target;
      if (input && input.tagName === "INPUT" && input.type === "file") {
        report(wrapperOf(input), input.files);
      }
    },
    true
  );
  document.addEventListener(
    "drop",
    function (event) {
      report(wrapperOf(event.target), event.dataTransfer && event.dataTransfer.files);
    },
    true
  );
})();
