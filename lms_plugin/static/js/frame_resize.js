// Inside an LMS frame, tell the platform how tall the page is (lti.frameResize), on load and
// whenever the page's height changes, so a platform that honours it grows the frame and the
// page scrolls with the LMS instead of inside a second scroll bar. Moodle 4.4 itself sizes the
// activity frame to the window (mod/lti/view.php) and ignores the message; docs/moodle.md.
(function () {
  "use strict";
  if (window.parent === window) { return; }
  var last = 0;
  var pending = false;

  function send() {
    pending = false;
    var height = Math.ceil(document.documentElement.scrollHeight);
    if (Math.abs(height - last) < 2) { return; }
    last = height;
    window.parent.postMessage({subject: "lti.frameResize", height: height}, "*");
  }

  function later() {
    if (!pending) {
      pending = true;
      window.requestAnimationFrame(send);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", later);
  } else {
    later();
  }
  window.addEventListener("load", later);
  window.addEventListener("resize", later);
  if (window.ResizeObserver) {
    new window.ResizeObserver(later).observe(document.body);
  }
}());
