// Autosave: what is typed into a draft or a grading form is saved as it is typed (every few
// seconds, with the session's CSRF token in a header) and offered back when the page reloads,
// so an expired form or a closed tab never loses text. No inline script (CSP).
// Without a connection (or with an expired session) the text is kept in this browser's
// localStorage, per user and form, until the server has it; it is offered back on return and
// sent when the connection comes back. Only forms that name their owner use the local copy.
// Browsers that refuse storage to a cross-site frame (third-party data blocked) keep the text in
// the page: it is sent as soon as the connection is back, and closing the tab while something is
// unsent asks first.
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

  // --- the local copy (only while the server does not have the text) ------------------------
  function localKey(form, key) {
    var owner = form.dataset.autosaveOwner;
    return owner ? "lms-autosave:" + owner + ":" + key : null;
  }

  function keepLocal(form, key, data) {
    var name = localKey(form, key);
    if (!name) { return; }
    try {
      window.localStorage.setItem(name, JSON.stringify({ data: data, at: Date.now() }));
    } catch (e) { /* storage full or blocked: the server copy is all there is */ }
  }

  function readLocal(form, key) {
    var name = localKey(form, key);
    if (!name) { return null; }
    try {
      var raw = window.localStorage.getItem(name);
      var parsed = raw ? JSON.parse(raw) : null;
      return parsed && parsed.data && typeof parsed.data === "object" ? parsed : null;
    } catch (e) { return null; }
  }

  function dropLocal(form, key) {
    var name = localKey(form, key);
    if (!name) { return; }
    try { window.localStorage.removeItem(name); } catch (e) { /* nothing to drop */ }
  }

  function status(form, state) {
    var box = form.querySelector(".autosave-status");
    if (!box || box.dataset.state === state) { return; }
    box.dataset.state = state;
    box.textContent = box.getAttribute("data-" + state) || "";
  }

  function save(form, key, data) {
    return fetch(endpoint, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json",
                 "X-CSRFToken": token(form) },
      body: JSON.stringify({ key: key, data: data })
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }  // e.g. session expired
      if (same(readLocal(form, key) && readLocal(form, key).data, data)) { dropLocal(form, key); }
      form.dataset.autosaveConfirmed = JSON.stringify(data);
      status(form, "saved");
    }).catch(function () {
      // Offline or refused: the local copy stays; the next keystroke or reconnection retries.
      if (Object.keys(data).length) { keepLocal(form, key, data); status(form, "local"); }
    });
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
    // Read before the server's copy is put in the fields (that input would overwrite it).
    var local = readLocal(form, key);

    function restoreLocal() {
      // A local copy is newer than anything on the server (it is dropped once the server has it).
      if (!local) { return; }
      if (same(local.data, snapshot(form))) { dropLocal(form, key); return; }
      fields(form).forEach(function (el) {
        if (Object.prototype.hasOwnProperty.call(local.data, el.name)) {
          el.value = local.data[el.name];
          el.dispatchEvent(new Event("input", { bubbles: true }));
        }
      });
      if (form.dataset.autosaveRestored) { notice(form, form.dataset.autosaveRestored); }
      save(form, key, snapshot(form));
    }

    function unsent() {
      var now = JSON.stringify(snapshot(form));
      return now !== JSON.stringify(rendered) && now !== form.dataset.autosaveConfirmed;
    }
    var submitting = false;
    form.addEventListener("submit", function () { submitting = true; });
    window.addEventListener("online", function () {
      if (readLocal(form, key) || unsent()) { save(form, key, snapshot(form)); }
    });
    window.addEventListener("beforeunload", function (event) {
      if (!submitting && unsent()) { event.preventDefault(); event.returnValue = ""; }
    });
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
    }).catch(function () {}).then(restoreLocal);
    form.addEventListener("input", function () {
      keepLocal(form, key, snapshot(form));
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { save(form, key, snapshot(form)); }, DELAY_MS);
    });
  });
})();
