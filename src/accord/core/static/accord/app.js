// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Copy buttons for secrets (tokens, invitation links).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source || !navigator.clipboard) return;
    navigator.clipboard.writeText(source.textContent.trim()).then(function () {
      var label = button.textContent;
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = label; }, 1500);
    });
  });
  // Ask before destructive actions (forms marked data-confirm).
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });

  // Menus (details.menu): one open at a time, closed by a click outside or Escape,
  // arrow keys move between their items (role="menuitem").
  function openMenus() { return document.querySelectorAll("details.menu[open]"); }
  function items(menu) { return Array.prototype.slice.call(menu.querySelectorAll("[role=menuitem]")); }
  document.addEventListener("toggle", function (event) {
    var menu = event.target;
    if (!menu.matches || !menu.matches("details.menu") || !menu.open) return;
    openMenus().forEach(function (other) { if (other !== menu) other.removeAttribute("open"); });
  }, true);
  document.addEventListener("click", function (event) {
    openMenus().forEach(function (menu) { if (!menu.contains(event.target)) menu.removeAttribute("open"); });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      openMenus().forEach(function (menu) {
        menu.removeAttribute("open");
        menu.querySelector("summary").focus();
      });
      return;
    }
    if (["ArrowDown", "ArrowUp", "Home", "End"].indexOf(event.key) < 0) return;
    var menu = event.target.closest && event.target.closest("details.menu");
    if (!menu) return;
    var list = items(menu);
    if (!list.length) return;
    event.preventDefault();
    if (event.target.matches("summary")) {
      menu.setAttribute("open", "");
      (event.key === "ArrowUp" || event.key === "End" ? list[list.length - 1] : list[0]).focus();
      return;
    }
    var index = list.indexOf(event.target);
    if (event.key === "Home") index = 0;
    else if (event.key === "End") index = list.length - 1;
    else index = (index + (event.key === "ArrowDown" ? 1 : -1) + list.length) % list.length;
    list[index].focus();
  });

  // On a narrow screen the navigation folds behind a menu button (app.css hides it until opened).
  var sidebar = document.querySelector(".sidebar");
  var navToggle = sidebar && sidebar.querySelector("[data-nav-toggle]");
  function setNav(open) {
    navToggle.setAttribute("aria-expanded", String(open));
    sidebar.classList.toggle("is-open", open);
  }
  if (navToggle) {
    navToggle.addEventListener("click", function () {
      setNav(navToggle.getAttribute("aria-expanded") !== "true");
    });
    sidebar.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || navToggle.getAttribute("aria-expanded") !== "true") return;
      setNav(false);
      navToggle.focus();
    });
  }

  // ---------------------------------------------------------------- ideas and prioritization

  // htmx swaps only 2xx answers by default; regions marked data-swap-errors also show a 400/422 answer
  // (the filter errors of the ideas table, "Must be between 1 and 5" next to a row of scores).
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    var target = event.detail.target;
    if ((status === 400 || status === 422) && target && target.closest("[data-swap-errors]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // A select that makes another field meaningless (the scoring model and its criteria) clears it first,
  // in the capture phase so the htmx request that this change triggers already has the cleared value.
  document.addEventListener("change", function (event) {
    var name = event.target.getAttribute && event.target.getAttribute("data-clears");
    if (!name || !event.target.form) return;
    var other = event.target.form.elements[name];
    if (other) other.value = "";
  }, true);

  // Bulk selection in the ideas table: "select all", and the count of selected ideas on the bar.
  function bulkCount() {
    var bar = document.querySelector("[data-bulk]");
    if (!bar) return;
    var checked = document.querySelectorAll("input[type=checkbox][form='" + bar.id + "']:checked").length;
    bar.setAttribute("data-selected", String(checked));
    var label = bar.querySelector("[data-bulk-count]");
    if (label) label.textContent = String(checked);
  }
  document.addEventListener("change", function (event) {
    var all = event.target.closest && event.target.closest("[data-check-all]");
    if (all) {
      var scope = all.closest("[data-check-scope], table");
      scope.querySelectorAll("input[type=checkbox][name='" + all.getAttribute("data-check-all") + "']").forEach(function (box) {
        box.checked = all.checked;
      });
    }
    if (event.target.matches && event.target.matches("input[type=checkbox]")) bulkCount();
  });
  document.addEventListener("htmx:afterSettle", bulkCount);
  bulkCount();
  // The filters live in the address bar (hx-push-url): the bulk action returns to the same view.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches("[data-query-from-url]") && form.elements.query) form.elements.query.value = window.location.search.slice(1);
  });

  // The scoring grid: Enter (Shift+Enter) moves to the same criterion in the next (previous) idea,
  // like a spreadsheet; the inputs save themselves on change (htmx). Progress counts complete rows.
  function gridProgress(grid) {
    var rows = grid.querySelectorAll("[data-score-row]");
    var done = 0;
    rows.forEach(function (row) {
      var fields = row.querySelectorAll("[data-col]");
      var filled = Array.prototype.every.call(fields, function (f) { return f.value !== ""; });
      row.classList.toggle("is-complete", filled && fields.length > 0);
      if (filled && fields.length) done += 1;
    });
    var out = document.querySelector("[data-grid-progress='" + grid.id + "']");
    if (out) {
      out.querySelector("[data-done]").textContent = String(done);
      var bar = out.querySelector("[data-bar]");
      if (bar && rows.length) bar.setAttribute("width", String(Math.round(done / rows.length * 100)));
    }
  }
  document.querySelectorAll("[data-score-grid]").forEach(gridProgress);
  document.addEventListener("change", function (event) {
    var grid = event.target.closest && event.target.closest("[data-score-grid]");
    if (grid) gridProgress(grid);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.altKey || event.ctrlKey || event.metaKey) return;
    var field = event.target;
    if (!field.matches || !field.matches("[data-score-grid] [data-col]")) return;
    event.preventDefault();
    var row = field.closest("[data-score-row]");
    var sibling = event.shiftKey ? row.previousElementSibling : row.nextElementSibling;
    while (sibling && !sibling.matches("[data-score-row]")) {
      sibling = event.shiftKey ? sibling.previousElementSibling : sibling.nextElementSibling;
    }
    if (!sibling) {
      field.blur();  // the last row: leaving the field commits it (change, then the save)
      field.focus();
      return;
    }
    var next = sibling.querySelector("[data-col='" + field.getAttribute("data-col") + "']");
    if (next) {
      next.focus();
      if (next.select) next.select();
    }
  });

  // The ideas board: drag a card to another column to change its status (the card's own status form
  // is submitted, so keyboard users get the same result with its select and button).
  var dragged = null;
  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest("[data-card]");
    if (!card) return;
    dragged = card;
    card.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.getAttribute("data-card"));
  });
  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("is-dragging");
    dragged = null;
    document.querySelectorAll(".is-drop-target").forEach(function (c) { c.classList.remove("is-drop-target"); });
  });
  document.addEventListener("dragover", function (event) {
    var column = dragged && event.target.closest && event.target.closest("[data-drop-status]");
    if (!column) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    document.querySelectorAll(".is-drop-target").forEach(function (c) { if (c !== column) c.classList.remove("is-drop-target"); });
    column.classList.add("is-drop-target");
  });
  document.addEventListener("drop", function (event) {
    var column = dragged && event.target.closest && event.target.closest("[data-drop-status]");
    if (!column) return;
    event.preventDefault();
    var form = dragged.querySelector("form[data-status-form]");
    var status = column.getAttribute("data-drop-status");
    if (!form || form.elements.status.value === status) return;
    form.elements.status.value = status;
    column.querySelector("[data-cards]").appendChild(dragged);
    form.requestSubmit();
  });

  // Feedback: a passage selected in [data-quote-source] becomes the link's quote (its target field).
  document.addEventListener("mouseup", function (event) {
    var source = event.target.closest && event.target.closest("[data-quote-source]");
    if (!source) return;
    var selection = window.getSelection ? window.getSelection().toString().trim() : "";
    var field = document.querySelector(source.getAttribute("data-quote-source"));
    if (selection && field) field.value = selection;
  });

  // A table wider than its box scrolls sideways in it: it becomes a tab stop, so a keyboard can scroll it.
  function scrollableBoxes() {
    document.querySelectorAll(".table-wrap, .preview-wrap, .gl-chart, .history-chart").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.tabIndex = 0;
        box.setAttribute("data-scroll-focus", "");
        if (!box.hasAttribute("role")) {
          var caption = box.querySelector("caption");
          box.setAttribute("role", "region");
          var name = caption ? caption.textContent.trim() : box.matches(".gl-chart, .history-chart") ? "Chart" : "Table";
          box.setAttribute("aria-label", name + " (scrolls sideways)");
        }
      } else if (!scrolls && box.hasAttribute("data-scroll-focus")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("data-scroll-focus");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }
  scrollableBoxes();
  window.addEventListener("resize", function () { window.requestAnimationFrame(scrollableBoxes); });
  document.addEventListener("htmx:afterSettle", scrollableBoxes);
  document.addEventListener("toggle", scrollableBoxes, true);

  // Reorderable lists ([data-reorder], e.g. the views of a share link in rotation order): the arrow
  // buttons move an item up or down (focus stays on the button, the new place is announced), or drag it.
  function reorderAnnounce(list, item) {
    var status = list.parentNode.querySelector("[data-reorder-status]");
    var items = Array.prototype.slice.call(list.querySelectorAll("[data-reorder-item]"));
    if (status) status.textContent = item.textContent.trim() + ": " + (items.indexOf(item) + 1) + " of " + items.length + ".";
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-reorder-move]");
    if (!button) return;
    var item = button.closest("[data-reorder-item]"), list = item.parentNode;
    var up = button.getAttribute("data-reorder-move") === "up";
    var other = up ? item.previousElementSibling : item.nextElementSibling;
    if (!other) return;
    list.insertBefore(item, up ? other : other.nextElementSibling);
    button.focus();
    reorderAnnounce(list, item);
  });
  var reordering = null;
  document.querySelectorAll("[data-reorder-item]").forEach(function (item) { item.setAttribute("draggable", "true"); });
  document.addEventListener("dragstart", function (event) {
    reordering = event.target.closest && event.target.closest("[data-reorder-item]");
    if (!reordering) return;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", reordering.textContent.trim());
    reordering.classList.add("is-dragging");
  });
  document.addEventListener("dragover", function (event) {
    var over = reordering && event.target.closest && event.target.closest("[data-reorder-item]");
    if (!over || over === reordering || over.parentNode !== reordering.parentNode) return;
    event.preventDefault();
    var box = over.getBoundingClientRect();
    over.parentNode.insertBefore(reordering, event.clientY < box.top + box.height / 2 ? over : over.nextElementSibling);
  });
  document.addEventListener("dragend", function () {
    if (!reordering) return;
    reordering.classList.remove("is-dragging");
    reorderAnnounce(reordering.parentNode, reordering);
    reordering = null;
  });

  // Auto-submit filter forms when a select changes (htmx handles the request).
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-autosubmit]")) event.target.form.requestSubmit();
  });

  // Marked terms (accord.core.markup; the glossary): the definition shows on hover and on focus
  // (CSS does that without this file). Escape hides a shown definition without moving focus
  // (and closes nothing else), until the pointer or focus leaves; a click pins it (touch screens);
  // a definition that would leave the window moves back in.
  function fitTip(term) {
    var tip = term.querySelector(".term-tip");
    if (!tip) return;
    tip.style.left = "";
    var box = tip.getBoundingClientRect();
    var over = box.right - (document.documentElement.clientWidth - 8);
    if (over > 0) tip.style.left = -Math.min(over, Math.max(box.left - 8, 0)) + "px";
  }
  function termOf(node) { return node && node.closest ? node.closest(".term") : null; }
  document.addEventListener("mouseover", function (event) { var t = termOf(event.target); if (t) fitTip(t); });
  document.addEventListener("focusin", function (event) { var t = termOf(event.target); if (t) fitTip(t); });
  document.addEventListener("mouseout", function (event) {
    var t = termOf(event.target);
    if (t && !t.contains(event.relatedTarget) && !t.contains(document.activeElement)) t.classList.remove("is-dismissed", "is-open");
  });
  document.addEventListener("focusout", function (event) {
    var t = termOf(event.target);
    if (t && !t.contains(event.relatedTarget)) t.classList.remove("is-dismissed", "is-open");
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".term-ref");
    if (!button) return;
    var t = termOf(button);
    t.classList.remove("is-dismissed");
    t.classList.toggle("is-open");
    fitTip(t);
  });
  window.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var shown = Array.prototype.filter.call(document.querySelectorAll(".term"), function (t) {
      var tip = t.querySelector(".term-tip");
      return tip && tip.offsetParent !== null;
    });
    if (!shown.length) return;
    shown.forEach(function (t) { t.classList.add("is-dismissed"); t.classList.remove("is-open"); });
    event.preventDefault();
    event.stopPropagation();
  }, true);
})();
