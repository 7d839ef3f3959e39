// Grading pages: Markdown preview, live running total, comment bank. No inline script (CSP).
(function () {
  "use strict";

  function csrfToken(root) {
    var input = (root || document).querySelector("input[name=csrf_token]") ||
      document.querySelector("input[name=csrf_token]");
    return input ? input.value : "";
  }

  function postJson(url, body, token) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) { throw new Error(data.message || response.statusText); }
        return data;
      });
    });
  }

  // --- Markdown editor with a live preview rendered (and sanitised) by the server ---------------
  document.querySelectorAll(".editor[data-preview-url]").forEach(function (editor) {
    var area = editor.querySelector("textarea");
    var preview = editor.querySelector(".answer-preview");
    var token = csrfToken(editor.closest("form"));
    var timer = null;
    if (!area || !preview) { return; }
    area.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        postJson(editor.dataset.previewUrl, { text: area.value }, token).then(function (data) {
          preview.innerHTML = data.html; // sanitised HTML from the server (nh3)
        }).catch(function (err) { preview.textContent = err.message; });
      }, 400);
    });
  });

  // --- Live running total and suggested outcome (the server recomputes both on save) -----------
  document.querySelectorAll("form.grade-form").forEach(function (form) {
    var output = form.querySelector(".total-value");
    var suggestion = form.querySelector(".suggestion");
    var shown = form.querySelector(".suggested-outcome");
    var passMark = parseInt(form.dataset.passMark, 10) || 0;
    var lastAttempt = form.dataset.lastAttempt === "true";
    var dirty = false;

    var rulesBox = form.querySelector(".outcome-rules");
    var initiallyBlocked = rulesBox && !rulesBox.classList.contains("d-none");

    function recompute() {
      var total = 0;
      var blocked = false;
      form.querySelectorAll("fieldset.criterion").forEach(function (set) {
        var radio = set.querySelector(".level-radio:checked");
        var extra = set.querySelector(".points-input");
        if (!radio) { return; }
        var points = parseInt(radio.dataset.points, 10) || 0;
        var low = parseInt(radio.dataset.low, 10);
        var typed = extra && extra.value !== "" ? parseInt(extra.value, 10) : NaN;
        if (!isNaN(typed) && !isNaN(low) && typed >= low && typed <= points) { points = typed; }
        total += points;
        var minLevel = parseInt(set.dataset.minLevel, 10) || 0;
        if (minLevel > 0 && parseInt(radio.value, 10) < minLevel) { blocked = true; }
      });
      if (form.querySelector(".trigger-check:checked")) { blocked = true; }
      if (output) { output.textContent = String(total); }
      if (suggestion && shown) {
        var key = total >= passMark && !blocked ? "pass" : (lastAttempt ? "fail" : "needs_revision");
        shown.textContent = suggestion.getAttribute("data-label-" + key) || key;
        followSuggestion(key);
      }
      if (rulesBox) {
        // The server's list names each rule; a change made here is summarised until saved.
        rulesBox.classList.toggle("d-none", !blocked);
        var pending = rulesBox.querySelector(".rule-pending");
        var list = rulesBox.querySelector(".rule-list");
        if (pending && list) {
          var stale = blocked !== initiallyBlocked || dirty;
          pending.classList.toggle("d-none", !stale);
          list.classList.toggle("d-none", stale);
        }
      }
    }
    // The outcome the rubric suggests is preselected (by the server) and follows the levels
    // until the marker chooses an outcome themselves.
    var outcomeSet = form.querySelector("fieldset.outcome");
    var following = outcomeSet && outcomeSet.dataset.preselected === "true";
    function followSuggestion(key) {
      if (!following || !outcomeSet) { return; }
      var radio = outcomeSet.querySelector("input.outcome-radio[value='" + key + "']");
      if (radio && !radio.disabled) { radio.checked = true; }
    }
    form.addEventListener("change", function (event) {
      dirty = true;
      var target = event.target;
      if (target.classList.contains("outcome-radio") && event.isTrusted) {
        following = false;
        var note = form.querySelector(".outcome-preselected-note");
        if (note) { note.classList.add("d-none"); }
      }
      if (target.classList.contains("level-radio") || target.classList.contains("trigger-check") ||
          target.classList.contains("points-input")) { recompute(); }
    });
    // Keyboard: with the focus on a level of a criterion, a digit chooses that level (1 = the
    // lowest) and moves on to the next criterion. Only there: elsewhere digits are typed, and
    // screen readers' single-key commands are untouched.
    form.addEventListener("keydown", function (event) {
      var target = event.target;
      if (!target.classList || !target.classList.contains("level-radio")) { return; }
      if (event.altKey || event.ctrlKey || event.metaKey || !/^[1-9]$/.test(event.key)) { return; }
      var set = target.closest("fieldset.criterion");
      var choice = set && set.querySelector(".level-radio[data-key='" + event.key + "']");
      if (!choice) { return; }
      event.preventDefault();
      choice.checked = true;
      choice.dispatchEvent(new Event("change", { bubbles: true }));
      var sets = Array.prototype.slice.call(form.querySelectorAll("fieldset.criterion"));
      var after = sets[sets.indexOf(set) + 1];
      var focusTo = after ? (after.querySelector(".level-radio:checked") ||
                             after.querySelector(".level-radio")) : form.querySelector("#feedback");
      (focusTo || choice).focus();
    });
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) { event.preventDefault(); event.returnValue = ""; }
    });
    recompute();
  });

  // --- A refused save: the first field at fault gets the focus (its message is beside it) ----
  var firstError = document.querySelector("form.grade-form .field-error");
  if (firstError) {
    var owner = firstError.closest("fieldset, .criterion") || firstError.parentNode;
    var field = owner && owner.querySelector(".is-invalid");
    if (field) { field.focus(); }
  }

  // --- Phones: the rubric folds away to read the submission ----------------------------------
  document.querySelectorAll(".rubric-toggle").forEach(function (button) {
    var body = document.getElementById(button.getAttribute("aria-controls"));
    if (!body) { return; }
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") === "true";
      button.setAttribute("aria-expanded", open ? "false" : "true");
      body.classList.toggle("is-collapsed", open);
      button.textContent = open ? button.dataset.labelShow : button.dataset.labelHide;
    });
  });

  // --- Comment bank: insert into the last used comment box; add and delete without leaving -----
  var lastTarget = document.getElementById("feedback");
  document.querySelectorAll(".comment-target").forEach(function (box) {
    box.addEventListener("focus", function () { lastTarget = box; });
  });

  function insertText(text) {
    if (!lastTarget) { return; }
    var start = lastTarget.selectionStart || lastTarget.value.length;
    var end = lastTarget.selectionEnd || start;
    var before = lastTarget.value.slice(0, start);
    var glue = before && !/\s$/.test(before) ? " " : "";
    lastTarget.value = before + glue + text + lastTarget.value.slice(end);
    lastTarget.dispatchEvent(new Event("input", { bubbles: true }));
    lastTarget.focus();
  }

  var bank = document.querySelector(".comment-bank");
  if (!bank) { return; }
  var bankUrl = bank.dataset.url;

  function bindRow(row) {
    var insert = row.querySelector(".insert-comment");
    if (insert) { insert.addEventListener("click", function () { insertText(insert.dataset.text); }); }
    var del = row.querySelector("form.delete-comment");
    if (del) {
      del.addEventListener("submit", function (event) {
        event.preventDefault();
        postJson(del.action, {}, csrfToken(del)).then(render).catch(function (err) { window.alert(err.message); });
      });
    }
  }

  function render(data) {
    var template = bank.querySelector("li");
    var token = csrfToken(bank);
    bank.textContent = "";
    (data.comments || []).forEach(function (entry) {
      var li = document.createElement("li");
      li.className = "d-flex gap-2 align-items-start mb-1";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-sm btn-outline-primary insert-comment";
      button.dataset.text = entry.text;
      button.textContent = bank.dataset.insertLabel || (template ? template.querySelector(".insert-comment").textContent : "+");
      var span = document.createElement("span");
      span.className = "flex-grow-1 pre-wrap";
      span.textContent = entry.text;
      var form = document.createElement("form");
      form.method = "post";
      form.className = "delete-comment";
      form.action = bankUrl + "/" + entry.id + "/delete";
      var hidden = document.createElement("input");
      hidden.type = "hidden"; hidden.name = "csrf_token"; hidden.value = token;
      var del = document.createElement("button");
      del.type = "submit";
      del.className = "btn btn-sm btn-outline-danger";
      del.textContent = bank.dataset.deleteLabel || "×";
      form.appendChild(hidden); form.appendChild(del);
      li.appendChild(button); li.appendChild(span); li.appendChild(form);
      bank.appendChild(li);
      bindRow(li);
    });
  }

  var first = bank.querySelector("li");
  if (first) {
    bank.dataset.insertLabel = first.querySelector(".insert-comment").textContent;
    bank.dataset.deleteLabel = first.querySelector("form.delete-comment button").textContent;
  }
  bank.querySelectorAll("li").forEach(bindRow);
  var add = document.querySelector("form.add-comment");
  if (add) {
    add.addEventListener("submit", function (event) {
      event.preventDefault();
      var box = add.querySelector("textarea");
      postJson(bankUrl, { text: box.value }, csrfToken(add)).then(function (data) {
        box.value = "";
        render(data);
      }).catch(function (err) { window.alert(err.message); });
    });
  }
})();
