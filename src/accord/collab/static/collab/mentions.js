/* @mentions in comment boxes: type @ and a name, pick a person (arrows + Enter/Tab, or click).
   The box stays a textbox (a textarea takes no combobox role): aria-controls names the list,
   aria-activedescendant the highlighted person, and a status line says how many were found.
   Works on every textarea[data-mentions] (the URL listing the people who may be mentioned),
   including those htmx swaps in later: listeners sit on the document, once. */
(function () {
  "use strict";
  if (window.accordMentions) return;
  window.accordMentions = true;

  var TRIGGER = /(^|[\s(])@([^\s@\[\]()]{0,40})$/;
  var state = null; // {box, list, items, active, start, timer}

  function markup(person) {
    return "@[" + person.name.replace(/[\[\]\n\r]/g, "") + "](user:" + person.id + ") ";
  }

  function listFor(box) {
    var id = box.id + "-people";
    var list = document.getElementById(id);
    if (!list) {
      list = document.createElement("ul");
      list.id = id;
      list.className = "mention-list";
      list.setAttribute("role", "listbox");
      list.setAttribute("aria-label", "People to mention");
      list.hidden = true;
      box.parentNode.appendChild(list);
      var live = document.createElement("span");
      live.className = "visually-hidden mention-status";
      live.setAttribute("role", "status");
      live.id = box.id + "-people-status";
      box.parentNode.appendChild(live);
    }
    box.setAttribute("aria-autocomplete", "list");
    box.setAttribute("aria-controls", id);
    return list;
  }

  function close() {
    if (!state) return;
    state.list.hidden = true;
    state.list.innerHTML = "";
    state.box.removeAttribute("aria-activedescendant");
    state = null;
  }

  function highlight(index) {
    if (!state || !state.items.length) return;
    state.active = (index + state.items.length) % state.items.length;
    Array.prototype.forEach.call(state.list.children, function (li, i) {
      li.setAttribute("aria-selected", i === state.active ? "true" : "false");
    });
    state.box.setAttribute("aria-activedescendant", state.list.children[state.active].id);
  }

  function choose(index) {
    if (!state) return;
    var person = state.items[index];
    var box = state.box;
    var caret = box.selectionStart;
    var text = box.value;
    var inserted = markup(person);
    box.value = text.slice(0, state.start) + inserted + text.slice(caret);
    var at = state.start + inserted.length;
    close();
    box.focus();
    box.setSelectionRange(at, at);
  }

  function show(box, start, people) {
    var list = listFor(box);
    list.innerHTML = "";
    people.forEach(function (person, i) {
      var li = document.createElement("li");
      li.id = box.id + "-person-" + i;
      li.className = "mention-option";
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", i === 0 ? "true" : "false");
      var name = document.createElement("strong");
      name.textContent = person.name;
      var email = document.createElement("span");
      email.className = "muted small";
      email.textContent = " " + person.email;
      li.appendChild(name);
      li.appendChild(email);
      li.addEventListener("mousedown", function (event) {
        event.preventDefault(); // keep the focus in the box
        choose(i);
      });
      list.appendChild(li);
    });
    var status = document.getElementById(box.id + "-people-status");
    if (status) status.textContent = people.length ? people.length + " people found; arrows to choose, Enter to mention." : "Nobody found.";
    if (!people.length) {
      close();
      return;
    }
    state = { box: box, list: list, items: people, active: 0, start: start };
    list.hidden = false;
    box.setAttribute("aria-activedescendant", list.children[0].id);
  }

  var timer = null;
  document.addEventListener("input", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("textarea[data-mentions]")) return;
    var before = box.value.slice(0, box.selectionStart);
    var match = TRIGGER.exec(before);
    if (!match) {
      close();
      return;
    }
    var query = match[2];
    var start = before.length - query.length - 1;
    clearTimeout(timer);
    timer = setTimeout(function () {
      var url = box.getAttribute("data-mentions") + "?q=" + encodeURIComponent(query);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { people: [] }; })
        .then(function (data) { show(box, start, data.people || []); })
        .catch(function () { close(); });
    }, 120);
  });

  document.addEventListener("keydown", function (event) {
    if (!state || event.target !== state.box) return;
    if (event.key === "ArrowDown") { event.preventDefault(); highlight(state.active + 1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); highlight(state.active - 1); }
    else if (event.key === "Enter" || event.key === "Tab") { event.preventDefault(); choose(state.active); }
    else if (event.key === "Escape") { event.preventDefault(); close(); }
  });

  document.addEventListener("focusout", function (event) {
    if (state && event.target === state.box) setTimeout(close, 150);
  });
})();
