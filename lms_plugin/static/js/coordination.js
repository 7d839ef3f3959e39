// Coordination pages: ask before destructive actions; submit filter selects on change.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.classList && form.classList.contains("js-confirm")) {
      var message = form.getAttribute("data-confirm") || "";
      if (message && !window.confirm(message)) {
        event.preventDefault();
      }
    }
  });
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.classList && field.classList.contains("js-autosubmit") && field.form) {
      field.form.submit();
    }
  });
})();

// School pickers (templates/coordination/_macros.html, school_picker): the typed text is completed
// from the server's JSON; picking a suggestion fills the hidden id. Without JavaScript the text is
// submitted and the server resolves it.
(function () {
  "use strict";
  var timers = new WeakMap();
  function hiddenFor(input) {
    return input.form && input.form.querySelector('input[type="hidden"][name="' + input.getAttribute("data-lookup-field") + '"]');
  }
  function fill(input, items) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) { return; }
    list.textContent = "";
    items.forEach(function (item) {
      var option = document.createElement("option");
      option.value = item.label;
      option.setAttribute("data-id", String(item.id));
      list.appendChild(option);
    });
  }
  function pick(input) {
    var hidden = hiddenFor(input);
    var list = document.getElementById(input.getAttribute("list"));
    if (!hidden || !list) { return; }
    hidden.value = "";
    Array.prototype.forEach.call(list.options, function (option) {
      if (option.value === input.value) { hidden.value = option.getAttribute("data-id"); }
    });
  }
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.classList || !input.classList.contains("js-lookup")) { return; }
    pick(input);
    window.clearTimeout(timers.get(input));
    var term = input.value.trim();
    if (term.length < 2) { return; }
    timers.set(input, window.setTimeout(function () {
      var url = input.getAttribute("data-lookup-url");
      url += (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(term);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (items) { fill(input, items); pick(input); })
        .catch(function () { /* the form still works by submitting the text */ });
    }, 200));
  });
})();

// Long actions (the matcher): the button is disabled and says so while the server works, so it
// cannot be pressed twice; the page that answers replaces this one.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("js-busy")) { return; }
    Array.prototype.forEach.call(form.querySelectorAll("button[type=submit]"), function (button) {
      window.setTimeout(function () { button.disabled = true; }, 0);  // after the form is sent
      button.setAttribute("aria-busy", "true");
      var note = document.createElement("span");
      note.className = "ms-2";
      note.setAttribute("role", "status");
      note.textContent = form.getAttribute("data-busy") || "…";
      button.insertAdjacentElement("afterend", note);
    });
  });
})();
