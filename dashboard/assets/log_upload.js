/*
 * Service logs are too large for dcc.Upload (base64 through a callback). On the Service logs page this
 * script puts a native file input into the empty picker div, and on the upload button posts the file
 * to the multipart route with an XHR (so the upload itself has a progress bar). When the route answers
 * with a token it sets the token store through Dash's set_props, which starts the background job.
 * Everything it needs (route, limit, ids, texts in both languages) is in the form's data-* attributes
 * (the limit is data-log-max-bytes: upload_size.js owns data-max-bytes, for dcc.Upload).
 */
(function () {
  "use strict";

  var FORM = "[data-egov-log-upload]";

  function setProps(id, props) {
    if (id && window.dash_clientside && window.dash_clientside.set_props) {
      window.dash_clientside.set_props(id, props);
    }
  }

  function lang() {
    return document.documentElement.lang === "en" ? "en" : "fa";
  }

  function text(form, key) {
    return form.getAttribute("data-text-" + key + "-" + lang()) || "";
  }

  function say(form, message) {
    setProps(form.getAttribute("data-message-id"), { children: message, hidden: !message });
  }

  function addPickers() {
    var forms = document.querySelectorAll(FORM);
    Array.prototype.forEach.call(forms, function (form) {
      var picker = document.getElementById(form.getAttribute("data-picker-id"));
      if (!picker || picker.querySelector("input[type=file]")) {
        return;
      }
      var input = document.createElement("input");
      input.type = "file";
      input.id = form.getAttribute("data-file-input-id");
      input.name = "file";
      input.accept = form.getAttribute("data-accept") || "";
      picker.appendChild(input);
    });
  }

  function upload(form) {
    var input = form.querySelector("input[type=file]");
    var file = input && input.files && input.files[0];
    var progressId = form.getAttribute("data-progress-id");
    var buttonId = form.getAttribute("data-button-id");
    if (!file) {
      say(form, text(form, "no-file"));
      return;
    }
    if (file.size > Number(form.getAttribute("data-log-max-bytes"))) {
      say(form, text(form, "too-large"));
      return;
    }
    say(form, "");
    var data = new FormData();
    data.append("file", file, file.name);
    var source = document.getElementById(form.getAttribute("data-source-id"));
    if (source && source.value && source.value.trim()) {
      data.append("source", source.value.trim());
    }
    var xhr = new XMLHttpRequest();
    var last = -1;
    xhr.open("POST", form.getAttribute("data-upload-url"));
    // The CSRF token the server set for this session (the same cookie Dash's own requests send back).
    var csrf = document.cookie.split("; ").find(function (c) { return c.indexOf("_csrf_token=") === 0; });
    if (csrf) {
      xhr.setRequestHeader("X-CSRFToken", decodeURIComponent(csrf.slice("_csrf_token=".length)));
    }
    xhr.upload.onprogress = function (event) {
      if (event.lengthComputable) {
        var percent = Math.floor((100 * event.loaded) / event.total);
        if (percent !== last) {
          last = percent;
          setProps(progressId, { value: String(percent) });
        }
      }
    };
    xhr.onload = function () {
      var body = {};
      try {
        body = JSON.parse(xhr.responseText);
      } catch (ignored) {
        body = {};
      }
      setProps(buttonId, { disabled: false });
      if (xhr.status === 201 && body.token) {
        setProps(progressId, { value: "100" });
        setProps(form.getAttribute("data-token-id"), { data: { token: body.token, file_name: body.file_name } });
      } else {
        say(form, body["message_" + lang()] || text(form, "failed"));
      }
    };
    xhr.onerror = function () {
      setProps(buttonId, { disabled: false });
      say(form, text(form, "failed"));
    };
    setProps(progressId, { value: "0" });
    setProps(buttonId, { disabled: true });
    xhr.send(data);
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    var form = target && target.closest ? target.closest(FORM) : null;
    if (!form) {
      return;
    }
    var button = target.closest("#" + form.getAttribute("data-button-id"));
    if (button && !button.disabled) {
      event.preventDefault();
      upload(form);
    }
  });

  new MutationObserver(addPickers).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", addPickers);
})();
