// Coordination pages: ask before destructive actions; submit filter selects on change.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.classList && form.classList.contains("js-confirm")) {
      var message = form.getAttribute("data-confirm") || "";
      if (message && !window.confirm(message)) {
        event.preventDefault();
      }
    }
  });
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.classList && field.classList.contains("js-autosubmit") && field.form) {
      field.form.submit();
    }
  });
})();
