// The RACI grid: arrow keys move between cells, R/A/C/I set a cell, Delete/Backspace clear it.
// Each change posts one cell; the answer replaces the checks and flags the activities they name.
(function () {
  "use strict";
  var grid = document.querySelector("table.raci-grid");
  if (!grid) return;
  var url = grid.getAttribute("data-cell-url");
  var suggestUrl = grid.getAttribute("data-suggest-url");
  var status = document.getElementById("raci-status");
  var cells = Array.prototype.slice.call(grid.querySelectorAll("td.raci-cell"));
  if (cells.length) cells[0].tabIndex = 0;
  function csrf() {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    if (m) return decodeURIComponent(m[1]);
    var h = document.body.getAttribute("hx-headers");
    try { return JSON.parse(h)["X-CSRFToken"]; } catch (e) { return ""; }
  }
  function say(text) { if (status) status.textContent = text; }
  function rowCells(td) { return Array.prototype.slice.call(td.parentElement.querySelectorAll("td.raci-cell")); }
  function focus(td) {
    if (!td) return;
    cells.forEach(function (c) { c.tabIndex = -1; });
    td.tabIndex = 0;
    td.focus();
  }
  function move(td, dr, dc) {
    var row = td.parentElement, index = rowCells(td).indexOf(td);
    if (dc) return focus(rowCells(td)[index + dc]);
    var next = row;
    do { next = dr > 0 ? next.nextElementSibling : next.previousElementSibling; } while (next && !next.querySelector("td.raci-cell"));
    if (next) focus(next.querySelectorAll("td.raci-cell")[index]);
  }
  function label(td) {
    var head = grid.querySelectorAll("thead th")[td.cellIndex];
    return td.parentElement.querySelector(".raci-act").textContent + ", " + head.querySelector(".raci-col-name").textContent;
  }
  function set(td, value) {
    if (!url) return;
    var before = td.getAttribute("data-value");
    if (before === value) return;
    td.setAttribute("data-value", value);
    td.textContent = value;
    td.setAttribute("aria-label", label(td) + ": " + (value || "empty"));
    var body = new URLSearchParams({activity_id: td.getAttribute("data-activity"), kind: td.getAttribute("data-kind"),
                                    col: td.getAttribute("data-col"), value: value});
    fetch(url, {method: "POST", body: body, credentials: "same-origin", headers: {"X-CSRFToken": csrf()}})
      .then(function (r) { return r.json().then(function (data) { return {ok: r.ok, data: data}; }); })
      .then(function (res) {
        if (!res.ok) {
          td.setAttribute("data-value", before); td.textContent = before;
          say("Not saved: " + (res.data.error || "error")); return;
        }
        document.getElementById("raci-checks-box").innerHTML = res.data.checks_html;
        var flagged = {};
        res.data.flagged.forEach(function (id) { flagged[id] = true; });
        grid.querySelectorAll("tbody tr[data-activity]").forEach(function (tr) {
          var on = !!flagged[tr.getAttribute("data-activity")];
          tr.classList.toggle("raci-flagged", on);
          var flag = tr.querySelector(".raci-flag");
          flag.textContent = on ? "⚠ check" : "";
          flag.setAttribute("aria-hidden", on ? "false" : "true");
        });
        say(label(td) + " set to " + (value || "empty") + ". " + (res.data.count ? res.data.count + " checks to look at." : "No problems."));
      })
      .catch(function () { td.setAttribute("data-value", before); td.textContent = before; say("Not saved: the connection failed."); });
  }
  grid.addEventListener("click", function (event) {
    var td = event.target.closest("td.raci-cell");
    if (td) focus(td);
    var btn = event.target.closest(".raci-suggest-btn");
    if (btn && suggestUrl) {
      fetch(suggestUrl + "?activity=" + btn.getAttribute("data-activity"), {credentials: "same-origin"})
        .then(function (r) { return r.text(); })
        .then(function (html) { document.getElementById("raci-suggestions").innerHTML = html; });
    }
  });
  grid.addEventListener("keydown", function (event) {
    var td = event.target.closest("td.raci-cell");
    if (!td) return;
    var key = event.key;
    var moves = {ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1]};
    if (moves[key]) { event.preventDefault(); move(td, moves[key][0], moves[key][1]); return; }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var upper = key.length === 1 ? key.toUpperCase() : "";
    if ("RACI".indexOf(upper) >= 0 && upper) { event.preventDefault(); set(td, upper); }
    else if (key === "Delete" || key === "Backspace") { event.preventDefault(); set(td, ""); }
  });
})();
