// LTI login: can this frame keep a cookie? Then continue the sign-in here; else offer a new window.
(function () {
  "use strict";
  function check() {
    var box = document.getElementById("lti-cookie-check");
    if (!box) { return; }
    var cookie = "lti1p3_test_cookie=1; path=/";
    if (box.getAttribute("data-protocol") === "https") {
      cookie += "; SameSite=None; Secure; Partitioned";
    }
    document.cookie = cookie;
    if (document.cookie.indexOf("lti1p3_test_cookie") !== -1) {
      document.cookie = "lti1p3_test_cookie=1; path=/; expires=Thu, 01 Jan 1970 00:00:01 GMT" +
        (box.getAttribute("data-protocol") === "https" ? "; SameSite=None; Secure; Partitioned" : "");
      window.location.replace(box.getAttribute("data-continue-url"));
      return;
    }
    document.getElementById("lti-cookie-loading").hidden = true;
    document.getElementById("lti-cookie-warning").hidden = false;
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", check);
  } else {
    check();
  }
}());
