// Autosave: what is typed into a draft or a grading form is saved as it is typed (every few
// seconds, with the session's CSRF token in a header) and offered back when the page reloads,
// so an expired form or a closed tab never loses text. No inline script (CSP).
(function () {
  "use strict";

  var FORMS = "form.draft-form, form.grade-form, form[data-autosave]";
  var DELAY_MS = 2000;
  var endpoint = "/autosave";

  function token(form) {
    var input = form.querySelector("input[name=csrf_token]") ||
      document.querySelector("input[name=csrf_token]");
    return input ? input.value : "";
  }

  function fields(form) {
    return Array.prototype.filter.call(form.querySelectorAll("textarea[name]"), function (el) {
      return !el.disabled && !el.readOnly;
    });
  }

  function snapshot(form) {
    var data = {};
    fields(form).forEach(function (el) { data[el.name] = el.value; });
    return data;
  }

  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  function save(form, key, data) {
    return fetch(endpoint, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json",
                 "X-CSRFToken": token(form) },
      body: JSON.stringify({ key: key, data: data })
    }).catch(function () { /* offline: the next keystroke tries again */ });
  }

  function notice(form, text) {
    var p = document.createElement("p");
    p.className = "alert alert-info autosave-restored";
    p.setAttribute("role", "status");
    p.textContent = text;
    form.parentNode.insertBefore(p, form);
  }

  document.querySelectorAll(FORMS).forEach(function (form) {
    if (!fields(form).length) { return; }
    var key = new URL(form.getAttribute("action") || window.location.pathname,
                      window.location.href).pathname;
    var rendered = snapshot(form);
    var timer = null;
    fetch(endpoint + "?key=" + encodeURIComponent(key), {
      credentials: "same-origin", headers: { "Accept": "application/json" }
    }).then(function (r) { return r.ok ? r.json() : { data: {} }; }).then(function (saved) {
      var data = saved.data || {};
      if (!Object.keys(data).length) { return; }
      if (same(data, rendered)) { save(form, key, {}); return; }  // it was saved for real
      fields(form).forEach(function (el) {
        if (Object.prototype.hasOwnProperty.call(data, el.name)) {
          el.value = data[el.name];
          el.dispatchEvent(new Event("input", { bubbles: true }));
        }
      });
      if (saved.message) { notice(form, saved.message); }
    }).catch(function () {});
    form.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { save(form, key, snapshot(form)); }, DELAY_MS);
    });
  });
})();
