// Practice LMS: submit the auto-post forms (login initiation, id_token, deep-linking answer).
(function () {
  "use strict";
  function go() {
    var forms = document.querySelectorAll("form[data-practice-autosubmit='true']");
    for (var i = 0; i < forms.length; i += 1) { forms[i].submit(); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", go);
  } else {
    go();
  }
}());
