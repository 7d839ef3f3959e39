// The trainee's answer box: a live word count against the assignment's limits, a small Markdown
// toolbar, and on phones the long brief folded (the answer box comes first there, by CSS).
// The preview is rendered by the server (grading.js, POST /grading/preview): the same
// sanitising renderer the trainer sees, so the preview never differs from what is submitted.
// No inline script (CSP).
(function () {
  "use strict";

  // A word: a run of non-space characters with a letter or digit (as lms_plugin/grading/wordcount.py).
  function countWords(text) {
    var n = 0;
    text.split(/\s+/).forEach(function (token) {
      if (/[\p{L}\p{N}]/u.test(token)) { n += 1; }
    });
    return n;
  }

  function fill(template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : all;
    });
  }

  var numberFormat = new Intl.NumberFormat(document.documentElement.lang || undefined);

  document.querySelectorAll("textarea.answer-text").forEach(function (area) {
    var counter = document.getElementById("word-count");
    if (!counter) { return; }
    var number = counter.querySelector(".word-count-number");
    var stateText = counter.querySelector(".word-count-state");
    var alertBox = counter.parentNode.querySelector(".word-count-alert");
    var min = parseInt(area.dataset.minWords, 10) || 0;
    var max = parseInt(area.dataset.maxWords, 10) || 0;
    var limit = parseInt(area.dataset.limitWords, 10) || 0;
    var lastState = null;

    function update() {
      var words = countWords(area.value);
      var shown = numberFormat.format(words);
      number.textContent = fill(words === 1 ? counter.dataset.templateOne : counter.dataset.template,
                                { n: shown });
      var state = "ok";
      var message = "";
      if (limit && words > limit) {
        state = "refused";
        message = fill(counter.dataset.refused, { limit: numberFormat.format(limit) });
      } else if (max && words > max) {
        state = "over";
        message = fill(counter.dataset.over, { max: numberFormat.format(max) });
      } else if (min && words < min) {
        state = "under";
        message = fill(counter.dataset.under, { min: numberFormat.format(min) });
      }
      stateText.textContent = message ? "· " + message : "";
      counter.classList.toggle("is-under", state === "under");
      counter.classList.toggle("is-over", state === "over" || state === "refused");
      // Screen readers hear the count only when it crosses a limit, not at every keystroke.
      if (alertBox && lastState !== null && state !== lastState) {
        alertBox.textContent = number.textContent + (message ? ", " + message : "");
      }
      lastState = state;
    }
    area.addEventListener("input", update);
    update();
  });

  // --- Markdown toolbar: wraps the selection or starts the selected lines ----------------------
  var MARKS = {
    bold: { wrap: "**" },
    italic: { wrap: "*" },
    heading: { line: "## " },
    bullets: { line: "- " },
    numbers: { line: "1. " },
    quote: { line: "> " }
  };

  document.querySelectorAll(".editor-toolbar").forEach(function (bar) {
    var area = document.getElementById(bar.getAttribute("aria-controls"));
    if (!area) { return; }
    bar.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-md]");
      var mark = button && MARKS[button.dataset.md];
      if (!mark) { return; }
      var start = area.selectionStart;
      var end = area.selectionEnd;
      var text = area.value;
      var replacement;
      var caretStart;
      var caretEnd;
      if (mark.wrap) {
        var chosen = text.slice(start, end);
        replacement = mark.wrap + chosen + mark.wrap;
        caretStart = start + mark.wrap.length;
        caretEnd = caretStart + chosen.length;
        area.setRangeText(replacement, start, end, "select");
      } else {
        var lineStart = text.lastIndexOf("\n", start - 1) + 1;
        var block = text.slice(lineStart, end);
        var lines = block.split("\n").map(function (line) { return mark.line + line; });
        replacement = lines.join("\n");
        area.setRangeText(replacement, lineStart, end, "select");
        caretStart = lineStart + replacement.length;
        caretEnd = caretStart;
      }
      area.focus();
      area.setSelectionRange(caretStart, caretEnd);
      area.dispatchEvent(new Event("input", { bubbles: true }));
    });
  });

  // --- Phones: the brief and the rubric fold, so the answer box (shown first) is in reach -----
  if (document.querySelector(".draft-section") && window.matchMedia("(max-width: 767.98px)").matches) {
    document.querySelectorAll("details.brief-details, details.rubric-details").forEach(function (d) {
      d.open = false;
    });
  }
})();
