// Roadmap pages: the Now / Next / Later board (drag and drop, saved through the card's own form),
// the table's inline edits (htmx; a 409 shows the item's current state) and confirmations.
// Every action also works without this file: the card forms and row forms post normally.
(function () {
  "use strict";

  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }

  // A submit button that needs a confirmation of its own (one form, several actions).
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-confirm-click]");
    if (button && !window.confirm(button.getAttribute("data-confirm-click"))) event.preventDefault();
  });

  // A link to a folded panel (#edit, #settings, #dependencies) opens it.
  function openTarget() {
    var target = window.location.hash && document.getElementById(window.location.hash.slice(1));
    if (target && target.tagName === "DETAILS") {
      target.open = true;
      var summary = target.querySelector("summary");
      if (summary) summary.focus();
    }
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();

  // On a phone the filters start folded (unless some are active): the roadmap comes first.
  var filters = document.querySelector("[data-rm-filters]");
  if (filters && !filters.hasAttribute("data-active") && window.matchMedia("(max-width: 640px)").matches) {
    filters.open = false;
  }

  // ---------------------------------------------------------------- the board

  var board = document.querySelector("[data-rm-board]");
  var status = document.querySelector("[data-rm-board-status]");
  var dragged = null, marker = null, origin = null;

  function nextCard(node) {
    var next = node.nextElementSibling;
    while (next && !next.hasAttribute("data-rm-card")) next = next.nextElementSibling;
    return next;
  }

  function announce(text) {
    if (!status) return;
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 30);
  }

  function cardsOf(list) {
    return Array.prototype.slice.call(list.querySelectorAll(":scope > [data-rm-card]"));
  }

  function refreshColumns() {
    board.querySelectorAll("[data-rm-bucket]").forEach(function (column) {
      var list = column.querySelector("[data-rm-cards]");
      var cards = cardsOf(list);
      var count = column.querySelector("[data-rm-count]");
      var pinned = column.querySelectorAll(".rm-card-pinned").length;
      if (count) count.textContent = String(cards.length + pinned);
      var empty = list.querySelector("[data-rm-empty]");
      if (empty) empty.hidden = cards.length > 0;
      cards.forEach(function (card, index) {
        var up = card.querySelector("[name=direction][value=up]");
        var down = card.querySelector("[name=direction][value=down]");
        if (up) up.disabled = index === 0;
        if (down) down.disabled = index === cards.length - 1;
        var select = card.querySelector("select[name=bucket]");
        if (select) select.value = column.getAttribute("data-rm-bucket");
      });
    });
  }

  function place(card, bucket, before) {
    var form = card.querySelector("form[data-rm-place]");
    if (!form) return;
    var data = new FormData(form);
    data.set("bucket", bucket);
    data.delete("direction");
    if (before) data.set("before", before.getAttribute("data-rm-card")); else data.delete("before");
    card.classList.add("is-saving");
    fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf() },
      body: data
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) { return { status: response.status, json: json }; });
    }).then(function (result) {
      card.classList.remove("is-saving");
      if (result.status === 200) {
        form.elements.version.value = String(result.json.version);
        var title = card.querySelector(".rm-card-title");
        announce("Moved “" + (title ? title.textContent : "the card") + "”.");
        return;
      }
      // Someone else changed it first (409) or the move is refused: show the board as it is now.
      window.location.reload();
    }).catch(function () {
      card.classList.remove("is-saving");
      window.location.reload();
    });
  }

  if (board) {
    board.addEventListener("dragstart", function (event) {
      var card = event.target.closest && event.target.closest("[data-rm-card]");
      if (!card || card.getAttribute("draggable") !== "true") return;
      dragged = card;
      origin = { list: card.parentNode, next: nextCard(card) };
      card.classList.add("is-dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", card.getAttribute("data-rm-card"));
      marker = document.createElement("li");
      marker.className = "rm-drop-marker";
      marker.setAttribute("aria-hidden", "true");
    });
    board.addEventListener("dragend", function () {
      if (dragged) dragged.classList.remove("is-dragging");
      dragged = null;
      if (marker) marker.remove();
      board.querySelectorAll(".is-drop-target").forEach(function (c) { c.classList.remove("is-drop-target"); });
    });
    board.addEventListener("dragover", function (event) {
      if (!dragged) return;
      var column = event.target.closest("[data-rm-bucket]");
      if (!column) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      board.querySelectorAll(".is-drop-target").forEach(function (c) { if (c !== column) c.classList.remove("is-drop-target"); });
      column.classList.add("is-drop-target");
      var list = column.querySelector("[data-rm-cards]");
      var before = null;
      cardsOf(list).some(function (card) {
        if (card === dragged) return false;
        var box = card.getBoundingClientRect();
        if (event.clientY < box.top + box.height / 2) { before = card; return true; }
        return false;
      });
      if (before) list.insertBefore(marker, before); else list.appendChild(marker);
    });
    board.addEventListener("drop", function (event) {
      if (!dragged) return;
      var column = event.target.closest("[data-rm-bucket]");
      if (!column) return;
      event.preventDefault();
      var list = column.querySelector("[data-rm-cards]");
      var before = marker && marker.parentNode === list ? nextCard(marker) : null;
      if (before === dragged) before = nextCard(dragged);
      var card = dragged;
      var unchanged = origin && origin.list === list && origin.next === before;
      if (marker) marker.remove();
      if (unchanged) return;
      if (before) list.insertBefore(card, before); else list.appendChild(card);
      refreshColumns();
      place(card, column.getAttribute("data-rm-bucket"), before);
      card.querySelector(".rm-card-title").focus();
    });
  }

  // ---------------------------------------------------------------- the table (htmx row edits)

  // A conflict (409) or an invalid value (422) answers with the row to show: swap it in all the same.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var code = event.detail.xhr.status;
    var target = event.detail.target;
    if ((code === 409 || code === 422) && target && target.closest && target.closest("[data-rm-table]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || !target.closest || !document.querySelector("[data-rm-table]")) return;
    var row = event.detail.elt && event.detail.elt.id ? document.getElementById(event.detail.elt.id) : null;
    var rowId = target.id || (row && row.id);
    var fresh = rowId ? document.getElementById(rowId) : null;
    if (!fresh || !fresh.matches("[data-rm-row]")) return;
    var focus = fresh.querySelector("[role=alert]") ? fresh.querySelector("[data-rm-autofocus]") : fresh.querySelector("[data-rm-autofocus], [data-rm-edit]");
    if (focus) {
      focus.focus();
      if (focus.select) focus.select();
    }
  });
  // Escape leaves a row's edit mode (its Cancel button).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var row = event.target.closest && event.target.closest(".rm-row-edit");
    if (!row) return;
    var cancel = row.querySelector(".rm-row-actions .btn-ghost");
    if (cancel) cancel.click();
  });
})();
