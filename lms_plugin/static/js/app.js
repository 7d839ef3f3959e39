// App-wide behaviour: wide tables scroll inside their own box, and such a box must be reachable
// with the keyboard (WCAG 2.1.1): it gets tabindex="0" and, when the table has a caption or a
// heading before it, the name of a region.
(function () {
  "use strict";
  var BOXES = ".table-responsive-auto, .table-responsive, .table-scroll";

  function nameOf(box) {
    var caption = box.querySelector("caption");
    if (caption && caption.textContent.trim()) { return caption.textContent.trim(); }
    var previous = box.previousElementSibling;
    if (previous && /^H[1-6]$/.test(previous.tagName)) { return previous.textContent.trim(); }
    return "";
  }

  function mark() {
    var boxes = document.querySelectorAll(BOXES);
    for (var i = 0; i < boxes.length; i += 1) {
      var box = boxes[i];
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        var name = nameOf(box);
        if (name) {
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", name);
        }
      } else if (!scrolls && box.getAttribute("tabindex") === "0" && box.dataset.keep !== "1") {
        box.removeAttribute("tabindex");
      }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mark);
  } else {
    mark();
  }
  window.addEventListener("resize", mark);
}());
