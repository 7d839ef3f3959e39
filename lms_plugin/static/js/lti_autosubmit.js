// Submit forms marked data-autosubmit (the deep-linking answer back to Moodle).
(function () {
  "use strict";
  function go() {
    var forms = document.querySelectorAll("form[data-autosubmit='true']");
    for (var i = 0; i < forms.length; i += 1) { forms[i].submit(); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", go);
  } else {
    go();
  }
}());
