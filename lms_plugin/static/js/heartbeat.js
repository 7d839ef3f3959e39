// Active-time heartbeat: a beat every 30 s while the page is visible and the trainee is not idle.
// Include with: <script src=".../heartbeat.js" data-url="..." data-module="module-id"
//   data-lesson="lesson-id (optional)" data-csrf="..."></script>
// On a lesson page the answer carries the active time still needed; the page's [data-time-left]
// text follows it and [data-complete-button] is enabled once the minimum is met (no reload).
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var url = script.dataset.url, moduleId = script.dataset.module, csrf = script.dataset.csrf;
  var lessonId = script.dataset.lesson || null;
  var beatMs = 30000, idleMs = 180000, lastInput = Date.now();
  ["mousemove", "keydown", "scroll", "touchstart", "click"].forEach(function (name) {
    window.addEventListener(name, function () { lastInput = Date.now(); }, { passive: true });
  });
  function showRemaining(data) {
    var left = document.querySelector("[data-time-left]");
    var button = document.querySelector("[data-complete-button]");
    if (left) {
      left.textContent = data.remaining_text || "";
      left.hidden = data.remaining_seconds <= 0;
    }
    if (button && data.remaining_seconds <= 0) {
      button.disabled = false;
      button.removeAttribute("aria-describedby");
    }
  }
  function beat() {
    var visible = document.visibilityState === "visible";
    var idle = Date.now() - lastInput > idleMs;
    if (!visible || idle) { return; }
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ module_id: moduleId, lesson_id: lessonId, visible: visible, idle: idle })
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
      if (data && data.beat_seconds) { beatMs = data.beat_seconds * 1000; idleMs = data.idle_seconds * 1000; }
      if (data && typeof data.remaining_seconds === "number") { showRemaining(data); }
    }).catch(function () { /* offline: the next beat tries again */ });
  }
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "visible") { lastInput = Date.now(); beat(); } });
  beat();
  window.setInterval(beat, beatMs);
})();
