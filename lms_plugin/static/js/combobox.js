// Comboboxes (the ARIA 1.2 "combobox with list autocomplete" pattern), progressive enhancement of a
// plain text field: <input data-combobox="NAME"> inside an element with data-combobox-url (and the
// translated texts data-combobox-none/-one/-many/-more), with <input type="hidden" name="NAME"> in
// the same form. Typing asks the URL (?q=…) for {"items": [{value, label, programme}], "more"};
// Down/Up move through the suggestions, Enter chooses (the hidden field gets its value), Escape
// closes the list (or, closed, empties the field). Without JavaScript, or when nothing is chosen,
// the typed text is sent and the server resolves it (templates/admin/_grant_picker.html).
(function () {
  "use strict";
  var DELAY_MS = 150;
  var made = 0;

  function setup(input) {
    var settings = input.closest("[data-combobox-url]");
    var name = input.getAttribute("data-combobox");
    var hidden = input.form && input.form.querySelector('input[type="hidden"][name="' + name + '"]');
    if (!settings || !hidden || input.getAttribute("role") === "combobox") { return; }
    made += 1;
    var base = input.id || "combobox-" + made;
    var list = document.createElement("ul");
    var note = document.createElement("div");
    var status = document.createElement("div");
    var items = [];
    var active = -1;
    var asked = 0;
    var timer = 0;

    list.id = base + "-listbox";
    list.className = "combobox-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    var label = input.labels && input.labels[0];
    if (label) {
      label.id = label.id || base + "-label";
      list.setAttribute("aria-labelledby", label.id);
    }
    note.className = "combobox-note";
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    input.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", note);
    note.insertAdjacentElement("afterend", status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    function text(key) { return settings.getAttribute("data-combobox-" + key) || ""; }

    function setActive(index) {
      var options = list.children;
      if (active >= 0 && options[active]) { options[active].setAttribute("aria-selected", "false"); }
      active = index;
      if (index >= 0 && options[index]) {
        options[index].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function open() {
      if (!items.length) { return; }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      setActive(-1);
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
    }

    function choose(index) {
      var item = items[index];
      if (!item) { return; }
      input.value = item.label;
      hidden.value = item.value;
      note.textContent = "";
      close();
    }

    function option(item, index, detailed) {
      var li = document.createElement("li");
      li.id = list.id + "-" + index;
      li.className = "combobox-option";
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.textContent = item.label;
      if (detailed && item.value.indexOf("c:") === 0 && item.programme) {
        var detail = document.createElement("span");
        detail.className = "combobox-detail";
        detail.textContent = item.programme;
        li.appendChild(detail);
      }
      // The field keeps the focus (no blur before the click chooses).
      li.addEventListener("mousedown", function (event) { event.preventDefault(); });
      li.addEventListener("click", function () { choose(index); input.focus(); });
      return li;
    }

    function show(found) {
      items = found.items.filter(function (i) { return i && typeof i.label === "string"; });
      var programmes = {};
      items.forEach(function (i) { programmes[i.programme] = true; });
      var detailed = Object.keys(programmes).length > 1;  // several programme years in the list
      setActive(-1);
      list.textContent = "";
      items.forEach(function (item, index) { list.appendChild(option(item, index, detailed)); });
      if (!items.length) {
        note.textContent = text("none");
        status.textContent = text("none");
        close();
        return;
      }
      note.textContent = found.more ? text("more") : "";
      status.textContent = (items.length === 1 ? text("one") : text("many").replace("{n}", String(items.length)))
        + (found.more ? " " + text("more") : "");
      open();
    }

    function lookup() {
      var term = input.value.trim();
      asked += 1;
      var mine = asked;
      if (!term) {
        items = [];
        list.textContent = "";
        note.textContent = "";
        status.textContent = "";
        close();
        return;
      }
      var url = settings.getAttribute("data-combobox-url");
      url += (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(term);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (found) {
          if (mine === asked && found && Array.isArray(found.items)) { show(found); }
        })
        .catch(function () { /* the form still works: the typed text is sent */ });
    }

    input.addEventListener("input", function () {
      hidden.value = "";  // the text changed: nothing is chosen until a suggestion is
      window.clearTimeout(timer);
      timer = window.setTimeout(lookup, DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      var count = items.length;
      if (event.key === "ArrowDown" || event.key === "Down") {
        event.preventDefault();
        if (list.hidden) {
          if (!count) { lookup(); return; }
          open();
          if (!event.altKey) { setActive(0); }
        } else if (count) {
          setActive((active + 1) % count);
        }
      } else if (event.key === "ArrowUp" || event.key === "Up") {
        event.preventDefault();
        if (!count) { return; }
        if (list.hidden) { open(); }
        setActive(active <= 0 ? count - 1 : active - 1);
      } else if (event.key === "Enter") {
        if (!list.hidden && active >= 0) {
          event.preventDefault();  // choosing is not sending the form
          choose(active);
        }
      } else if (event.key === "Escape" || event.key === "Esc") {
        if (!list.hidden) {
          event.preventDefault();
          close();
        } else if (input.value) {
          event.preventDefault();
          input.value = "";
          hidden.value = "";
          note.textContent = "";
        }
      } else if (event.key === "Tab") {
        close();
      }
    });

    input.addEventListener("blur", close);
  }

  Array.prototype.forEach.call(document.querySelectorAll("input[data-combobox]"), setup);
}());
