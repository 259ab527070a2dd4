// The roadmap timeline: lanes as rows, bars placed by date, containers around their children,
// milestones, a today line, dependency arrows for the selected bar, and moves by mouse, keyboard
// or the "edit dates" dialog. It opens fitted to its items ("Fit"); the timeline is one tab stop
// (roving tabindex): arrow keys go from bar to bar, M picks a bar up to move it by days or weeks. Drawn from the JSON document the page renders (#timeline-data);
// positions are set through element.style (the CSP forbids style="" in HTML, not the CSSOM).
(function () {
  "use strict";
  var root = document.querySelector("[data-timeline]");
  var source = document.getElementById("timeline-data");
  if (!root || !source) return;

  var DATA = JSON.parse(source.textContent);
  var DAY = 86400000;
  var PPD = { weeks: 24, months: 6.5, quarters: 2.4 };   // pixels per day at each zoom ("fit" computes its own)
  var ROW = 38, BAR = 30, PAD = 10, GAP = 12;            // a sub-row, a bar, lane padding, space between bars
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var FULL_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
  var SVG_NS = "http://www.w3.org/2000/svg";
  var editable = !!DATA.editable;
  var customLanes = DATA.roadmap.laneMode === "custom";

  var details = document.querySelector("[data-tl-details]");
  var statusRegion = document.querySelector("[data-tl-status]");
  var alertBox = document.querySelector("[data-tl-alert]");
  var dialog = document.querySelector("[data-tl-dialog]");

  // ---------------------------------------------------------------- dates as whole days (UTC)

  function toDay(iso) {
    var p = iso.split("-");
    return Math.round(Date.UTC(+p[0], +p[1] - 1, +p[2]) / DAY);
  }
  function toIso(day) { return new Date(day * DAY).toISOString().slice(0, 10); }
  function parts(day) {
    var d = new Date(day * DAY);
    return { y: d.getUTCFullYear(), m: d.getUTCMonth(), d: d.getUTCDate(), wd: (d.getUTCDay() + 6) % 7 };
  }
  function fromParts(y, m, d) { return Math.round(Date.UTC(y, m, d) / DAY); }
  function addMonths(day, n) {
    var p = parts(day);
    var last = new Date(Date.UTC(p.y, p.m + n + 1, 0)).getUTCDate();
    return fromParts(p.y, p.m + n, Math.min(p.d, last));
  }
  // Dates as the page's language writes them ("Jan 5, 2027" in English), like the server's |day.
  var LANG = document.documentElement.lang || undefined;
  var DAY_FMT = new Intl.DateTimeFormat(LANG, { month: "short", day: "numeric", year: "numeric", timeZone: "UTC" });
  var MONTH_DAY_FMT = new Intl.DateTimeFormat(LANG, { month: "short", day: "numeric", timeZone: "UTC" });
  function fmt(day, year) {
    return (year ? DAY_FMT : MONTH_DAY_FMT).format(new Date(day * DAY));
  }
  function fmtRange(s, e) {
    var ps = parts(s), pe = parts(e);
    return fmt(s, ps.y !== pe.y) + " – " + fmt(e, true);
  }
  function unitStart(day, unit) {
    var p = parts(day);
    if (unit === "week") return day - p.wd;
    if (unit === "month") return fromParts(p.y, p.m, 1);
    if (unit === "quarter") return fromParts(p.y, p.m - (p.m % 3), 1);
    return fromParts(p.y, 0, 1);
  }
  function nextUnit(day, unit) {
    if (unit === "week") return day + 7;
    if (unit === "month") return addMonths(day, 1);
    if (unit === "quarter") return addMonths(day, 3);
    return addMonths(day, 12);
  }
  function unitLabel(day, unit, long) {
    var p = parts(day);
    if (unit === "week") return MONTHS[p.m] + " " + p.d;
    if (unit === "month") return long ? FULL_MONTHS[p.m] + " " + p.y : MONTHS[p.m];
    if (unit === "quarter") return "Q" + (Math.floor(p.m / 3) + 1) + (long ? " " + p.y : "");
    return String(p.y);
  }
  var SCALES = {
    weeks: { minor: "week", major: "month", step: "week" },
    months: { minor: "month", major: "quarter", step: "month" },
    quarters: { minor: "quarter", major: "year", step: "quarter" }
  };

  // ---------------------------------------------------------------- the data

  var today = toDay(DATA.today);
  var items = {};
  DATA.items.forEach(function (it) {
    it.sd = it.s ? toDay(it.s) : null;
    it.ed = it.e ? toDay(it.e) : null;
    it.saved = { sd: it.sd, ed: it.ed, lane: it.lane };
    items[it.id] = it;
  });
  var deps = DATA.deps;
  var ext = DATA.ext || {};
  var lanes = DATA.lanes;
  var milestones = DATA.milestones.map(function (m) { m.day = toDay(m.d); return m; });
  var colors = DATA.colors.maps;
  var state = { zoom: "fit", fitPpd: 6.5, selected: null, active: null, start: 0, end: 0, width: 0 };
  var grab = null;   // a bar picked up with the keyboard: {id, mode: "move"|"end", sd, ed, lane}
  var layout = { bars: {}, lanes: [] };   // after each render: bar boxes by item id, lane boxes

  function predsOf(id) { return deps.filter(function (d) { return d.s === id; }); }
  function succsOf(id) { return deps.filter(function (d) { return d.p === id; }); }
  function titleOf(id) { return items[id] ? items[id].t : (ext[id] ? ext[id].t : "an item"); }

  function colorOf(it, laneKey) {
    var by = DATA.roadmap.colorBy, value;
    if (by === "status") value = colors.status[it.st];
    else if (by === "lane") value = colors.lane[laneKey];
    else if (by === "team") value = it.tm ? colors.team[String(it.tm)] : undefined;
    else if (by === "roadmap") value = colors.roadmap[String(it.rm)];
    else value = (colors.item || {})[String(it.id)];  // a dimension another app adds, e.g. stage
    return value === undefined ? "muted" : value;
  }

  function itemUrl(id) { return DATA.urls.item.replace(/\/0(\/|$)/, "/" + id + "$1") + "?from=" + DATA.roadmap.id; }
  // The item in the side drawer over the timeline (core overlays.js), or its page without it.
  function openItem(id, opener) {
    if (window.AccordOverlays) window.AccordOverlays.openDrawer(itemUrl(id), opener);
    else window.location.href = itemUrl(id);
  }
  function moveUrl(id) { return DATA.urls.move.replace(/\/0\/move$/, "/" + id + "/move"); }
  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }

  function announce(text) {
    statusRegion.textContent = "";
    window.setTimeout(function () { statusRegion.textContent = text; }, 30);
  }
  var alertTimer = null;
  function showAlert(text, kind) {
    alertBox.textContent = text;
    alertBox.className = "tl-alert alert " + (kind === "error" ? "alert-error" : "alert-warning");
    alertBox.hidden = false;
    window.clearTimeout(alertTimer);
    alertTimer = window.setTimeout(function () { alertBox.hidden = true; }, 12000);
  }

  // ---------------------------------------------------------------- layout

  function ppd() { return state.zoom === "fit" ? state.fitPpd : PPD[state.zoom]; }
  // The units of the scale: the zoom's own, or for "fit" the ones its pixels per day can show.
  function scaleName() {
    if (state.zoom !== "fit") return state.zoom;
    return state.fitPpd >= 10 ? "weeks" : state.fitPpd >= 2.2 ? "months" : "quarters";
  }
  function x(day) { return Math.round((day - state.start) * ppd()); }
  function labelWidth() {
    return parseInt(window.getComputedStyle(root).getPropertyValue("--tl-label-w"), 10) || 200;
  }

  // The days of the items and milestones; today too when it is near them.
  function dataRange() {
    var lo = null, hi = null;
    function take(a, b) {
      if (lo === null || a < lo) lo = a;
      if (hi === null || b > hi) hi = b;
    }
    Object.keys(items).forEach(function (id) {
      var it = items[id];
      if (it.sd !== null) take(it.sd, it.ed);
    });
    milestones.forEach(function (m) { take(m.day, m.day); });
    if (lo === null) return { lo: today - 30, hi: today + 90 };
    var near = Math.max(14, (hi - lo + 1) / 4);
    if (today < lo && lo - today <= near) lo = today;
    if (today > hi && today - hi <= near) hi = today;
    return { lo: lo, hi: hi };
  }

  function computeRange() {
    var range = dataRange();
    if (state.zoom === "fit") {
      // Fit: the items fill the visible width, a few days of margin on each side.
      var visible = Math.max(160, root.clientWidth - labelWidth() - 2);
      var span = range.hi - range.lo + 1;
      var margin = Math.max(3, Math.round(span * 0.03));
      state.fitPpd = Math.min(40, Math.max(0.6, visible / (span + 2 * margin)));
      state.start = range.lo - margin;
      state.end = state.start + Math.max(span + 2 * margin, Math.floor(visible / state.fitPpd));
      return;
    }
    var lo = Math.min(range.lo, today), hi = Math.max(range.hi, today);
    var scale = SCALES[state.zoom];
    var pad = { weeks: 14, months: 31, quarters: 92 }[state.zoom];
    state.start = unitStart(lo - pad, scale.major);
    var end = hi + pad, cursor = state.start;
    while (cursor <= end) cursor = nextUnit(cursor, scale.major);
    state.end = cursor;
  }

  // A title that does not fit in its bar is written beside it (unless the bar is long enough to
  // show a good part of it); packing keeps room for that label so it never runs under a bar.
  var measureCtx = document.createElement("canvas").getContext("2d");
  var widths = {};
  function textWidth(text) {
    if (widths[text] === undefined) {
      measureCtx.font = "600 12.5px " + window.getComputedStyle(document.body).fontFamily;
      widths[text] = Math.ceil(measureCtx.measureText(text).width);
    }
    return widths[text];
  }
  var OUTSIDE_MAX = 480;
  function inside(it, width, container) {
    var room = width - 24 - (it.blk ? (width > 170 ? 84 : 20) : it.late || container || it.st === "at_risk" ? 20 : 0);
    return textWidth(it.t) <= room;
  }
  function labelRoom(it) {
    return Math.min(OUTSIDE_MAX, 10 + textWidth((it.blk ? "Blocked · " : "") + it.t));
  }
  // Where a bar's title goes: inside when it fits, else beside it on the right, or on the left near
  // the end of the timeline; never past its edges (a title with no room on either side is shortened).
  function labelSpot(it, left, width, container) {
    width = Math.max(width, 6);
    if (inside(it, width, container)) return { side: "in" };
    var need = labelRoom(it);
    var right = state.width - (left + width) - 6, before = left - 6;
    if (need <= right) return { side: "right", w: need };
    if (need <= before) return { side: "left", w: need };
    if (width >= 72) return { side: "in" };
    return right >= before ? { side: "right", w: Math.max(36, right) } : { side: "left", w: Math.max(36, before) };
  }

  function packLane(lane) {
    var dated = lane.ids.filter(function (id) { return items[id] && items[id].sd !== null; });
    var inLane = {};
    dated.forEach(function (id) { inLane[id] = true; });
    var kids = {};
    dated.forEach(function (id) {
      var it = items[id];
      if (it.par && inLane[it.par] && !(items[it.par].par && inLane[items[it.par].par])) {
        (kids[it.par] = kids[it.par] || []).push(id);
      }
    });
    var blocks = [];
    function span(id) {
      var it = items[id], x0 = x(it.sd), x1 = x(it.ed + 1);
      var w = Math.max(x1 - x0, 6);
      var spot = labelSpot(it, x0, w, !!kids[id]);
      return {
        x0: spot.side === "left" ? x0 - spot.w - 6 : x0,
        x1: x1,
        reach: spot.side === "right" ? x0 + w + 6 + spot.w : x0 + w
      };
    }
    dated.forEach(function (id) {
      var it = items[id];
      if (it.par && kids[it.par] && kids[it.par].indexOf(id) >= 0) return;  // drawn inside its container
      var own = span(id);
      if (kids[id]) {
        var children = kids[id].slice().sort(function (a, b) { return items[a].sd - items[b].sd; });
        var rowsEnd = [], placed = [];
        var lo = own.x0, hi = Math.max(own.x1, own.reach);
        children.forEach(function (cid) {
          var s = span(cid), r = 0;
          while (rowsEnd[r] !== undefined && rowsEnd[r] + GAP > s.x0) r += 1;
          rowsEnd[r] = Math.max(s.x1, s.reach);
          placed.push({ id: cid, row: r });
          lo = Math.min(lo, s.x0);
          hi = Math.max(hi, s.x1, s.reach);
        });
        blocks.push({ id: id, group: true, x0: lo, x1: hi, rows: 1 + Math.max(1, rowsEnd.length), kids: placed, sd: it.sd });
      } else {
        blocks.push({ id: id, group: false, x0: own.x0, x1: own.reach, rows: 1, sd: it.sd });
      }
    });
    blocks.sort(function (a, b) { return a.x0 - b.x0 || b.rows - a.rows; });
    var ends = [];
    blocks.forEach(function (b) {
      var r = 0;
      for (;;) {
        var free = true;
        for (var k = r; k < r + b.rows; k++) {
          if (ends[k] !== undefined && ends[k] + GAP > b.x0) { free = false; break; }
        }
        if (free) break;
        r += 1;
      }
      b.row = r;
      for (var k2 = r; k2 < r + b.rows; k2++) ends[k2] = b.x1 + (b.group ? 8 : 0);
    });
    lane.blocks = blocks;
    lane.rows = Math.max(1, ends.length);
    lane.height = PAD * 2 + lane.rows * ROW - (ROW - BAR);
    if (lane.height < 56) lane.height = 56;
  }

  // ---------------------------------------------------------------- drawing

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }
  function icon(name) {
    var paths = {
      blocked: '<circle cx="12" cy="12" r="8.5"/><path d="m6 6 12 12"/>',
      alert: '<path d="M10.3 4 2 18a2 2 0 0 0 1.7 3h16.6a2 2 0 0 0 1.7-3L13.7 4a2 2 0 0 0-3.4 0z"/><path d="M12 9.5v4"/><path d="M12 17h.01"/>',
      clock: '<circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 2"/>',
      check: '<path d="M20 6 9 17l-5-5"/>',
      layers: '<path d="m12 3 9 5-9 5-9-5z"/><path d="m3 13 9 5 9-5"/>'
    };
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("class", "icon");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.innerHTML = paths[name] || "";
    return svg;
  }

  function describe(it) {
    var bits = [it.t];
    bits.push(it.sd !== null ? fmtRange(it.sd, it.ed) + " (" + (it.ed - it.sd + 1) + " days)" : "not scheduled");
    bits.push(DATA.statuses[it.st] + (it.pct ? ", " + it.pct + "% done" : ""));
    if (it.blk) {
      var waits = predsOf(it.id).map(function (d) { return titleOf(d.p); });
      bits.push("blocked: waits for " + waits.join(", "));
    }
    if (it.late) bits.push("late");
    (it.flags || []).forEach(function (f) { bits.push(f.toLowerCase()); });
    var n = deps.filter(function (d) { return d.p === it.id || d.s === it.id; }).length;
    if (n) bits.push(n + " dependenc" + (n === 1 ? "y" : "ies"));
    return bits.join("; ");
  }

  function drawBar(it, laneKey, left, top, width, container, narrow) {
    var bar = el("button", "tl-bar rm-c-" + colorOf(it, laneKey));
    bar.type = "button";
    bar.setAttribute("data-id", it.id);
    bar.setAttribute("data-start", toIso(it.sd));
    bar.setAttribute("data-end", toIso(it.ed));
    bar.setAttribute("data-lane", laneKey);
    bar.setAttribute("aria-label", describe(it));
    bar.setAttribute("aria-describedby", "tl-help-text");
    bar.title = describe(it);
    if (container) bar.classList.add("is-container");
    if (it.blk) bar.classList.add("is-blocked");
    if (it.late) bar.classList.add("is-late");
    if (it.flags && it.flags.length) bar.classList.add("is-flagged");
    if (it.st === "done") bar.classList.add("is-done");
    if (it.st === "cancelled") bar.classList.add("is-cancelled");
    if (it.id === state.selected) bar.classList.add("is-selected");
    if (grab && grab.id === it.id) bar.classList.add("is-grabbed");
    bar.tabIndex = -1;   // one bar at a time is in the tab order (roving, see focusBar)
    if (editable) bar.classList.add("is-editable");
    bar.style.left = left + "px";
    bar.style.top = top + "px";
    bar.style.width = Math.max(width, 6) + "px";
    if (narrow) bar.classList.add("is-narrow");
    if (it.blk) {
      var flag = el("span", "tl-bar-flag");
      flag.appendChild(icon("blocked"));
      if (!narrow && width > 170) flag.appendChild(document.createTextNode("Blocked"));
      bar.appendChild(flag);
    } else if (it.late) {
      var late = el("span", "tl-bar-flag tl-bar-flag-late");
      late.appendChild(icon("clock"));
      bar.appendChild(late);
    } else if (it.st === "at_risk") {
      var risk = el("span", "tl-bar-flag tl-bar-flag-risk");
      risk.appendChild(icon("alert"));
      bar.appendChild(risk);
    } else if (container) {
      bar.appendChild(icon("layers"));
    }
    if (!narrow) bar.appendChild(el("span", "tl-bar-label", it.t));
    if (it.pct > 0) {
      var progress = el("span", "tl-bar-progress");
      progress.style.width = it.pct + "%";
      bar.appendChild(progress);
    }
    if (editable) {
      bar.appendChild(el("span", "tl-handle tl-handle-start"));
      bar.appendChild(el("span", "tl-handle tl-handle-end"));
    }
    return bar;
  }

  function render() {
    var keepFocus = document.activeElement && document.activeElement.closest && document.activeElement.closest(".tl-bar");
    var focusKey = keepFocus ? barKey(keepFocus) : null;
    var scrollLeft = root.scrollLeft, scrollTop = root.scrollTop;
    computeRange();
    root.classList.toggle("is-fit", state.zoom === "fit");
    var LABEL = labelWidth();
    var width = state.width = x(state.end);
    var scale = SCALES[scaleName()];
    layout = { bars: {}, lanes: [], order: [] };

    var canvas = el("div", "tl-canvas tl-zoom-" + scaleName());
    canvas.style.width = (LABEL + width) + "px";

    // Header: the major and minor units, milestones and the today marker.
    var head = el("div", "tl-head");
    var corner = el("div", "tl-corner");
    corner.appendChild(el("span", "tl-corner-title", customLanes ? "Lanes" : DATA.roadmap.laneTitle || { team: "Teams", tag: "Tags", status: "Status" }[DATA.roadmap.laneMode] || "Lanes"));
    head.appendChild(corner);
    var scaleEl = el("div", "tl-scale");
    scaleEl.style.width = width + "px";
    // Units cut by the edges of a fitted range are drawn in part; a label shows when it has room.
    var d, n;
    function unitBox(cls, day, next, text, shortText) {
      var left = Math.max(0, x(day)), right = Math.min(width, x(next));
      if (right - left < 2) return null;
      var box = el("div", cls);
      var room = right - left - 12;
      var label = textWidth(text) <= room ? text : (shortText && textWidth(shortText) <= room ? shortText : "");
      box.style.left = left + "px";
      box.style.width = (right - left) + "px";
      box.title = text;
      return { box: box, label: label };
    }
    for (d = unitStart(state.start, scale.major); d < state.end; d = n) {
      n = nextUnit(d, scale.major);
      var major = unitBox("tl-major", d, n, unitLabel(d, scale.major, true), unitLabel(d, scale.major, false));
      if (!major) continue;
      major.box.appendChild(el("span", "tl-major-label", major.label));
      scaleEl.appendChild(major.box);
    }
    var minorDays = [];
    for (d = unitStart(state.start, scale.minor); d < state.end; d = n) {
      n = nextUnit(d, scale.minor);
      if (d >= state.start) minorDays.push(d);
      var minor = unitBox("tl-minor", d, n, unitLabel(d, scale.minor, false));
      if (!minor) continue;
      minor.box.textContent = minor.label;
      if (today >= d && today < n) minor.box.classList.add("is-current");
      scaleEl.appendChild(minor.box);
    }
    // Below the units, one row or more: the today tag and the milestones, packed so none covers another.
    var marks = milestones.slice();
    if (today >= state.start && today < state.end) marks.push({ today: true, day: today });
    var msRows = [];
    marks.sort(function (a, b) { return a.day - b.day; }).forEach(function (m) {
      var at = x(m.day), left, right, row = 0;
      if (m.today) { left = at - 26; right = at + 26; }
      else {
        var w = 24 + Math.min(textWidth(m.n), 190);
        left = at - 6; right = left + w;
        if (right > width) { right = at + 6; left = Math.max(0, right - w); m.flip = true; }
      }
      while (msRows[row] !== undefined && msRows[row] > left - 6) row += 1;
      msRows[row] = right;
      if (m.today) {
        var todayTag = el("div", "tl-today-tag", "Today");
        todayTag.style.left = at + "px";
        todayTag.style.top = (53 + row * 21) + "px";
        scaleEl.appendChild(todayTag);
        return;
      }
      var mark = el("div", "tl-ms" + (m.flip ? " is-flipped" : ""));
      mark.style.left = (m.flip ? left : at) + "px";
      if (m.flip) mark.style.width = (right - left) + "px";
      mark.style.top = (52 + row * 21) + "px";
      mark.title = m.n + " · " + fmt(m.day, true) + (m.all ? " (all roadmaps)" : "");
      mark.appendChild(el("span", "tl-ms-diamond"));
      mark.appendChild(el("span", "tl-ms-label", m.n));
      mark.setAttribute("data-testid", "milestone");
      scaleEl.appendChild(mark);
    });
    scaleEl.style.height = (56 + Math.max(1, msRows.length) * 21) + "px";
    head.appendChild(scaleEl);
    canvas.appendChild(head);

    // Body: grid lines, milestone and today lines, the lanes with their bars, the arrows.
    var body = el("div", "tl-body");
    var grid = el("div", "tl-gridlines");
    grid.style.left = LABEL + "px";
    grid.style.width = width + "px";
    minorDays.forEach(function (day) {
      var line = el("div", "tl-gridline" + (unitStart(day, scale.major) === day ? " is-major" : ""));
      line.style.left = x(day) + "px";
      grid.appendChild(line);
    });
    milestones.forEach(function (m) {
      var line = el("div", "tl-ms-line");
      line.style.left = x(m.day) + "px";
      grid.appendChild(line);
    });
    var todayLine = el("div", "tl-today");
    todayLine.style.left = x(today) + "px";
    grid.appendChild(todayLine);
    body.appendChild(grid);

    var top = 0;
    // Items of other roadmaps linked to the selected bar get a strip right under its lane (so the
    // selected bar itself never jumps when it is clicked).
    var linked = linkedElsewhere(state.selected);
    state.linkedKey = linked.join(",");
    var linkedDrawn = !linked.length;
    lanes.forEach(function (lane, laneIndex) {
      packLane(lane);
      var row = el("div", "tl-lane");
      row.setAttribute("role", "group");
      row.setAttribute("aria-label", "Lane " + lane.n);
      row.setAttribute("data-lane-key", lane.k);
      if (laneIndex % 2) row.classList.add("is-alt");
      var label = el("div", "tl-lane-label");
      if (lane.g) {
        // A portfolio: the roadmap above the lane's own name, once per roadmap.
        var first = laneIndex === 0 || lanes[laneIndex - 1].g !== lane.g;
        if (first) row.classList.add("is-group-start");
        label.appendChild(el("span", "tl-lane-group", lane.g));
        label.appendChild(el("span", "tl-lane-name", lane.n.slice(lane.g.length + 3)));
      } else {
        label.appendChild(el("span", "tl-lane-name", lane.n));
      }
      var count = lane.ids.length;
      label.appendChild(el("span", "tl-lane-count", count + (count === 1 ? " item" : " items")));
      row.appendChild(label);
      var track = el("div", "tl-track");
      track.style.width = width + "px";
      track.style.height = lane.height + "px";
      var laneBars = [];
      lane.blocks.forEach(function (b) {
        var it = items[b.id];
        var y0 = PAD + b.row * ROW;
        if (b.group) {
          var box = el("div", "tl-group rm-c-" + colorOf(it, lane.k));
          var gx0 = Math.max(0, b.x0 - 6), gx1 = Math.min(width, b.x1 + 6);
          box.style.left = gx0 + "px";
          box.style.top = (y0 - 5) + "px";
          box.style.width = (gx1 - gx0) + "px";
          box.style.height = (b.rows * ROW - (ROW - BAR) + 10) + "px";
          track.appendChild(box);
          laneBars.push(place(it, lane, track, y0, true, row));
          b.kids.forEach(function (k) { laneBars.push(place(items[k.id], lane, track, y0 + (k.row + 1) * ROW, false, row)); });
        } else {
          laneBars.push(place(it, lane, track, y0, false, row));
        }
      });
      row.appendChild(track);
      body.appendChild(row);
      layout.lanes.push({ key: lane.k, lid: lane.lid, rm: lane.rm, top: top, height: lane.height, el: row });
      // Keyboard order: the lane's bars from left to right (then top to bottom).
      laneBars.sort(function (a, b) {
        return (parseFloat(a.style.left) - parseFloat(b.style.left)) || (parseFloat(a.style.top) - parseFloat(b.style.top));
      });
      if (laneBars.length) layout.order.push({ key: lane.k, name: lane.n, bars: laneBars });
      top += lane.height;
      if (!linkedDrawn && lane.ids.indexOf(state.selected) >= 0) {
        top += drawLinkedLane(body, linked, width, top);
        linkedDrawn = true;
      }
    });
    if (!lanes.length) {
      body.appendChild(el("p", "tl-empty", "No scheduled items match. Add an item with dates, or clear the filters."));
    }

    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("class", "tl-deps");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("width", String(width));
    svg.setAttribute("height", String(Math.max(top, 1)));
    svg.style.left = LABEL + "px";
    svg.innerHTML = '<defs><marker id="tl-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 10 5 0 10z" class="tl-arrowhead"/></marker>' +
      '<marker id="tl-arrow-bad" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 10 5 0 10z" class="tl-arrowhead-bad"/></marker></defs>';
    body.appendChild(svg);
    canvas.appendChild(body);

    var loading = root.querySelector(".tl-loading");
    if (loading) loading.remove();
    var old = root.querySelector(".tl-canvas");
    if (old) root.replaceChild(canvas, old); else root.appendChild(canvas);
    // The arrows' ends from the lanes as laid out (a lane's label may make it taller than its bars).
    Object.keys(layout.bars).forEach(function (k) { var b = layout.bars[k]; b.y = b.row.offsetTop + b.yIn; });
    layout.lanes.forEach(function (lane) { lane.top = lane.el.offsetTop; });
    svg.setAttribute("height", String(Math.max(body.offsetHeight, 1)));
    root.scrollLeft = scrollLeft;
    root.scrollTop = scrollTop;
    applySelection();
    applyRoving();
    if (focusKey) {
      var again = findBar(focusKey);
      if (again) { setActive(again); again.focus({ preventScroll: !grab }); }
    }
  }

  function place(it, lane, track, y0, container, laneRow) {
    var left = x(it.sd), width = x(it.ed + 1) - left;
    var spot = labelSpot(it, left, width, container);
    var bar = drawBar(it, lane.k, left, y0, width, container, spot.side !== "in");
    track.appendChild(bar);
    if (spot.side !== "in") {
      var outside = el("span", "tl-outside-label" + (it.blk ? " is-blocked" : "") + (spot.side === "left" ? " is-left" : ""), (it.blk ? "Blocked · " : "") + it.t);
      outside.setAttribute("aria-hidden", "true");
      outside.setAttribute("data-for", it.id);
      outside.style.left = (spot.side === "left" ? left - 6 - spot.w : left + Math.max(width, 6) + 6) + "px";
      outside.style.width = spot.w + "px";
      outside.style.top = (y0 + 1) + "px";
      track.appendChild(outside);
    }
    if (!layout.bars[it.id]) {
      // y: set once the lane is on the page (a lane is as tall as its label when that is taller).
      layout.bars[it.id] = { x0: left, x1: left + Math.max(width, 6), y: 0, yIn: y0 + BAR / 2, row: laneRow, lane: lane.k };
    }
    return bar;
  }

  // ---------------------------------------------------------------- selection and dependency arrows

  // The selected bar's chain: what it waits for, directly or through others, and what waits for it.
  function chain(id) {
    var up = {}, down = {};
    function walk(seen, next) {
      var stack = [id];
      while (stack.length) {
        var at = stack.pop();
        deps.forEach(function (dep) {
          var n = next(dep, at);
          if (n !== null && n !== id && !seen[n]) { seen[n] = true; stack.push(n); }
        });
      }
    }
    walk(up, function (dep, at) { return dep.s === at ? dep.p : null; });
    walk(down, function (dep, at) { return dep.p === at ? dep.s : null; });
    return { up: up, down: down };
  }
  function related(id) {
    var c = chain(id), out = {};
    Object.keys(c.up).concat(Object.keys(c.down)).forEach(function (k) { out[k] = true; });
    return out;
  }
  function inChain(dep, id, c) {
    if (dep.p === id || dep.s === id) return true;
    return (c.up[dep.p] && c.up[dep.s]) || (c.down[dep.p] && c.down[dep.s]);
  }

  function applySelection() {
    var id = state.selected;
    var rel = id ? related(id) : {};
    root.classList.toggle("has-selection", !!id);
    root.querySelectorAll(".tl-bar").forEach(function (bar) {
      var bid = +bar.getAttribute("data-id");
      bar.classList.toggle("is-selected", bid === id);
      bar.classList.toggle("is-related", !!rel[bid]);
    });
    root.querySelectorAll(".tl-ghost").forEach(function (ghost) { ghost.classList.add("is-related"); });
    root.querySelectorAll(".tl-outside-label").forEach(function (label) {
      var bid = +label.getAttribute("data-for");
      label.classList.toggle("is-related", bid === id || !!rel[bid]);
    });
    drawArrows();
    showDetails();
  }

  function drawArrows() {
    var svg = root.querySelector(".tl-deps");
    if (!svg) return;
    svg.querySelectorAll("path.tl-dep, circle.tl-dep-dot").forEach(function (p) { p.remove(); });
    var id = state.selected;
    if (!id) return;
    var c = chain(id);
    deps.forEach(function (dep) {
      if (!inChain(dep, id, c)) return;
      var a = layout.bars[dep.p], b = layout.bars[dep.s];
      if (!a || !b) return;
      var sx = dep.k === "start_to_start" ? a.x0 : a.x1, sy = a.y;
      var tx = b.x0, ty = b.y;
      var path;
      if (dep.k === "start_to_start") {
        // From start to start: out to the left of both bars, then in.
        var lx = Math.min(sx, tx) - 14;
        path = "M" + sx + " " + sy + " H" + lx + " V" + ty + " H" + (tx - 2);
      } else if (tx - sx >= 24) {
        var mid = sx + Math.max(12, Math.min(40, (tx - sx) / 2));
        path = "M" + sx + " " + sy + " H" + mid + " V" + ty + " H" + (tx - 2);
      } else {
        var out = sx + 12, back = tx - 14;
        var between = sy === ty ? sy - BAR / 2 - 5 : (sy < ty ? ty - BAR / 2 - 4 : ty + BAR / 2 + 4);
        path = "M" + sx + " " + sy + " H" + out + " V" + between + " H" + back + " V" + ty + " H" + (tx - 2);
      }
      var p = document.createElementNS(SVG_NS, "path");
      p.setAttribute("d", path);
      p.setAttribute("class", "tl-dep" + (dep.x ? " is-violated" : ""));
      p.setAttribute("marker-end", dep.x ? "url(#tl-arrow-bad)" : "url(#tl-arrow)");
      svg.appendChild(p);
      var dot = document.createElementNS(SVG_NS, "circle");
      dot.setAttribute("cx", String(sx));
      dot.setAttribute("cy", String(sy));
      dot.setAttribute("r", "3");
      dot.setAttribute("class", "tl-dep-dot" + (dep.x ? " is-violated" : ""));
      svg.appendChild(dot);
    });
  }

  // Items of other roadmaps linked to the selected bar: drawn, while it is selected, as outlines in a
  // lane of their own at the top, so its arrows have somewhere to come from (or go to).
  function linkedElsewhere(id) {
    if (!id) return [];
    var out = [];
    deps.forEach(function (dep) {
      if (dep.p !== id && dep.s !== id) return;
      var other = dep.p === id ? dep.s : dep.p;
      if (!items[other] && ext[other] && ext[other].s && out.indexOf(other) < 0) out.push(other);
    });
    return out.sort(function (a, b) { return toDay(ext[a].s) - toDay(ext[b].s); });
  }

  function drawLinkedLane(body, ids, width, top) {
    var height = PAD * 2 + ids.length * ROW - (ROW - BAR);
    var row = el("div", "tl-lane tl-lane-linked");
    row.setAttribute("role", "group");
    row.setAttribute("aria-label", "Linked items on other roadmaps");
    var label = el("div", "tl-lane-label");
    label.appendChild(el("span", "tl-lane-name", "Other roadmaps"));
    label.appendChild(el("span", "tl-lane-count", "linked to the selected bar"));
    row.appendChild(label);
    var track = el("div", "tl-track");
    track.style.width = width + "px";
    track.style.height = height + "px";
    ids.forEach(function (id, n) {
      var info = ext[id], s = toDay(info.s), e = toDay(info.e);
      // Kept within the timeline's edges when its dates reach past the range shown.
      var left = Math.min(Math.max(0, x(s)), width - 6), w = Math.max(Math.min(width, x(e + 1)) - left, 6), y0 = PAD + n * ROW;
      // A thin dashed outline at its dates, its name above it (arrows leave and arrive below).
      var ghost = el("a", "tl-ghost");
      ghost.tabIndex = -1;   // the details panel lists the same item as a link
      ghost.href = itemUrl(id);
      ghost.style.left = left + "px";
      ghost.style.top = (y0 + 15) + "px";
      ghost.style.width = w + "px";
      ghost.setAttribute("aria-label", info.t + ", on " + info.rmn + ", " + fmtRange(s, e));
      track.appendChild(ghost);
      var text = el("span", "tl-ghost-label");
      text.setAttribute("aria-hidden", "true");
      text.appendChild(el("strong", "", info.t));
      text.appendChild(document.createTextNode(" · " + info.rmn + " · " + fmtRange(s, e)));
      var textRoom = textWidth(info.t + " · " + info.rmn + " · " + fmtRange(s, e)) + 8;
      var textLeft = Math.max(0, Math.min(left, width - textRoom));
      text.style.left = textLeft + "px";
      text.style.maxWidth = (width - textLeft) + "px";
      text.style.top = (y0 - 3) + "px";
      track.appendChild(text);
      layout.bars[id] = { x0: left, x1: left + w, y: 0, yIn: y0 + 22, row: row, lane: "linked" };
    });
    row.appendChild(track);
    body.appendChild(row);
    return height;
  }

  function depLine(dep, otherId, verb) {
    var li = el("li", "tl-dep-item" + (dep.x ? " is-violated" : ""));
    var other = items[otherId], outside = ext[otherId];
    var name;
    if (other && other.sd !== null) {
      name = el("button", "btn-link tl-dep-jump", other.t);
      name.type = "button";
      name.setAttribute("data-jump", otherId);
    } else {
      name = el("a", "tl-dep-link", other ? other.t : (outside ? outside.t : "an item"));
      name.href = itemUrl(otherId);
    }
    li.appendChild(el("span", "tl-dep-verb", verb));
    li.appendChild(name);
    var meta = [];
    if (outside) meta.push(outside.rmn);
    var info = other || outside;
    if (info) {
      var s = info.sd !== undefined ? info.sd : (info.s ? toDay(info.s) : null);
      var e = info.ed !== undefined ? info.ed : (info.e ? toDay(info.e) : null);
      if (s !== null && e !== null) meta.push(fmtRange(s, e));
      else meta.push("not scheduled");
    }
    meta.push(dep.k === "start_to_start" ? "start to start" : "finish to start");
    li.appendChild(el("span", "tl-dep-meta", meta.join(" · ")));
    if (dep.x) {
      var bad = el("span", "rm-flag rm-flag-blocked");
      bad.appendChild(icon("alert"));
      bad.appendChild(document.createTextNode("Conflict"));
      li.appendChild(bad);
    }
    return li;
  }

  function showDetails() {
    if (!details) return;
    var id = state.selected, it = id && items[id];
    details.innerHTML = "";
    if (!it) { details.hidden = true; return; }
    details.hidden = false;
    var main = el("div", "tl-details-main");
    var title = el("h3", "tl-details-title");
    var swatch = el("span", "tl-swatch rm-c-" + colorOf(it, layout.bars[id] ? layout.bars[id].lane : ""));
    swatch.setAttribute("aria-hidden", "true");
    title.appendChild(swatch);
    title.appendChild(document.createTextNode(it.t));
    main.appendChild(title);
    var facts = el("p", "tl-details-facts");
    facts.appendChild(el("span", "badge rm-status-" + it.st, DATA.statuses[it.st]));
    facts.appendChild(el("span", "", it.sd !== null ? fmtRange(it.sd, it.ed) + " · " + (it.ed - it.sd + 1) + " days" : "Not scheduled"));
    if (it.pct) facts.appendChild(el("span", "", it.pct + "% done"));
    if (it.team) facts.appendChild(el("span", "", it.team));
    if (DATA.roadmap.portfolio && DATA.roadmaps[String(it.rm)]) facts.appendChild(el("span", "", DATA.roadmaps[String(it.rm)]));
    main.appendChild(facts);
    if (it.blk || it.late) {
      var flags = el("p", "tl-details-flags");
      if (it.blk) {
        var b = el("span", "rm-flag rm-flag-blocked");
        b.appendChild(icon("blocked"));
        b.appendChild(document.createTextNode("Blocked: a predecessor ends too late or is late"));
        flags.appendChild(b);
      }
      if (it.late) {
        var l = el("span", "rm-flag rm-flag-late");
        l.appendChild(icon("clock"));
        l.appendChild(document.createTextNode("Late: past its end date and not done"));
        flags.appendChild(l);
      }
      main.appendChild(flags);
    }
    details.appendChild(main);

    var list = el("ul", "tl-dep-list");
    predsOf(id).forEach(function (dep) { list.appendChild(depLine(dep, dep.p, "Waits for")); });
    succsOf(id).forEach(function (dep) { list.appendChild(depLine(dep, dep.s, "Blocks")); });
    if (!list.children.length) list.appendChild(el("li", "muted small", "No dependencies."));
    var depBox = el("div", "tl-details-deps");
    depBox.appendChild(list);
    details.appendChild(depBox);

    var actions = el("div", "tl-details-actions");
    var open = el("a", "btn btn-sm", "Open item");
    open.href = itemUrl(id);
    open.setAttribute("data-drawer", "");
    actions.appendChild(open);
    if (editable) {
      var edit = el("button", "btn btn-sm", "Edit dates");
      edit.type = "button";
      edit.setAttribute("data-tl-edit", id);
      actions.appendChild(edit);
    }
    var close = el("button", "btn btn-sm btn-ghost", "Close");
    close.type = "button";
    close.setAttribute("data-tl-clear", "");
    actions.appendChild(close);
    details.appendChild(actions);
  }

  // quiet: while a drag starts, nothing is redrawn (the strip of linked items comes after the drop).
  function select(id, quiet) {
    if (state.selected === id) return;
    state.selected = id;
    if (!quiet && linkedElsewhere(id).join(",") !== (state.linkedKey || "")) render(); else applySelection();
  }

  // ---------------------------------------------------------------- saving moves

  var queue = {};   // item id -> {busy, next}

  function applyFlags(flags) {
    if (!flags) return;
    flags.checked.forEach(function (id) {
      if (!items[id]) return;
      items[id].blk = flags.blocked.indexOf(id) >= 0;
      items[id].late = flags.late.indexOf(id) >= 0;
    });
    flags.deps.forEach(function (f) {
      deps.forEach(function (dep) { if (dep.id === f.id) dep.x = f.x; });
    });
    refreshConflicts();
  }

  function fromServer(it, row) {
    it.sd = row.s ? toDay(row.s) : null;
    it.ed = row.e ? toDay(row.e) : null;
    it.v = row.v;
    it.st = row.st;
    it.pct = row.pct;
    it.t = row.t;
    if (customLanes && row.lane !== it.lane) moveToLane(it, row.lane);
    it.lane = row.lane;
    it.saved = { sd: it.sd, ed: it.ed, lane: it.lane };
  }

  function laneKeyOf(lid) { return lid ? "lane-" + lid : "lane-none"; }

  function moveToLane(it, lid) {
    lanes.forEach(function (lane) {
      var at = lane.ids.indexOf(it.id);
      if (at >= 0) lane.ids.splice(at, 1);
    });
    var target = lanes.filter(function (lane) { return lane.k === laneKeyOf(lid); })[0];
    if (!target) {
      target = { k: laneKeyOf(lid), n: "No lane", lid: null, rm: null, ids: [] };
      lanes.push(target);
    }
    target.ids.push(it.id);
    it.lane = lid;
  }

  // Change a bar locally (drawn at once), then save; a second change while saving waits its turn.
  function change(id, sd, ed, lid) {
    var it = items[id];
    var laneChanged = lid !== undefined && lid !== it.lane;
    it.sd = sd;
    it.ed = ed;
    if (laneChanged) moveToLane(it, lid);
    render();
    announce("“" + it.t + "” " + fmtRange(sd, ed) + (laneChanged ? ", lane " + laneName(lid) : "") + ". Saving…");
    var q = queue[id] = queue[id] || { busy: false, next: null };
    q.next = true;
    if (!q.busy) flush(id);
  }

  function laneName(lid) {
    var lane = lanes.filter(function (l) { return l.lid === lid; })[0];
    return lane ? lane.n : "none";
  }

  function flush(id) {
    var q = queue[id], it = items[id];
    if (!q.next) { q.busy = false; return; }
    q.next = null;
    q.busy = true;
    var body = { version: it.v, start_date: toIso(it.sd), end_date: toIso(it.ed) };
    if (customLanes && it.lane !== it.saved.lane) body.lane_id = it.lane;
    root.classList.add("is-saving");
    fetch(moveUrl(id), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) { return { status: response.status, json: json }; });
    }).then(function (result) {
      root.classList.remove("is-saving");
      if (result.status === 200) {
        var pending = q.next;
        var wanted = { sd: it.sd, ed: it.ed, lane: it.lane };
        fromServer(it, result.json.item);
        applyFlags(result.json.flags);
        if (pending) { it.sd = wanted.sd; it.ed = wanted.ed; if (wanted.lane !== it.lane) moveToLane(it, wanted.lane); }
        render();
        var warnings = result.json.warnings || [];
        if (!pending && warnings.length) {
          showAlert("Saved “" + it.t + "”, but: " + warnings.join(" "), "warning");
          announce("Saved: “" + it.t + "” " + fmtRange(it.sd, it.ed) + ". Warning: " + warnings.join(" "));
        } else if (!pending) announce("Saved: “" + it.t + "” " + fmtRange(it.sd, it.ed) + ".");
        flush(id);
        return;
      }
      q.next = null;
      q.busy = false;
      if (result.status === 409 && result.json.item) {
        fromServer(it, result.json.item);
        applyFlags(result.json.flags);
        render();
        var where = it.sd !== null ? fmtRange(it.sd, it.ed) : "no dates";
        showAlert("Someone else changed “" + it.t + "” before your move was saved. It is shown where they put it (" + where + "); move it again if you still need to.", "warning");
        announce("Not saved: someone else changed “" + it.t + "” first.");
        return;
      }
      revert(it);
      var detail = (result.json && result.json.detail) || "The move could not be saved.";
      showAlert("“" + it.t + "” was not moved: " + detail, "error");
      announce("Not saved: " + detail);
    }).catch(function () {
      root.classList.remove("is-saving");
      q.next = null;
      q.busy = false;
      revert(it);
      showAlert("“" + it.t + "” was not moved: the server could not be reached. Check your connection and try again.", "error");
    });
  }

  function revert(it) {
    it.sd = it.saved.sd;
    it.ed = it.saved.ed;
    if (it.lane !== it.saved.lane) moveToLane(it, it.saved.lane);
    render();
  }

  // The conflicts callout above the timeline follows the moves.
  function refreshConflicts() {
    var box = document.querySelector("[data-conflicts]");
    var bad = deps.filter(function (d) { return d.x; });
    var counter = document.querySelector("[data-conflict-count]");
    if (counter) {
      counter.hidden = !bad.length;
      var num = counter.querySelector("[data-n]");
      if (num) num.textContent = bad.length + " conflict" + (bad.length === 1 ? "" : "s");
    }
    if (!box) return;
    box.hidden = !bad.length;
    var heading = box.querySelector("[data-conflicts-title]");
    if (heading) heading.textContent = bad.length + " dependenc" + (bad.length === 1 ? "y" : "ies") + " in conflict";
    var list = box.querySelector("ul");
    if (!list) return;
    list.innerHTML = "";
    var more = box.querySelector("[data-conflicts-more]");
    if (more) more.remove();
    if (bad.length > 6) {
      more = el("p", "rm-conflicts-more", "And " + (bad.length - 6) + " more: select a flagged bar on the timeline, or open the item, to see what it waits for.");
      more.setAttribute("data-conflicts-more", "");
      box.appendChild(more);
    }
    bad.slice(0, 6).forEach(function (dep) {
      var li = el("li");
      var succ = el("a", "", titleOf(dep.s));
      succ.href = itemUrl(dep.s);
      var pred = el("a", "", titleOf(dep.p));
      pred.href = itemUrl(dep.p);
      var s = items[dep.s], p = items[dep.p] || (ext[dep.p] && { sd: ext[dep.p].s ? toDay(ext[dep.p].s) : null, ed: ext[dep.p].e ? toDay(ext[dep.p].e) : null });
      var sStart = s ? s.sd : (ext[dep.s] && ext[dep.s].s ? toDay(ext[dep.s].s) : null);
      li.appendChild(succ);
      if (!items[dep.s] && ext[dep.s]) li.appendChild(el("span", "muted", " (" + ext[dep.s].rmn + ")"));
      li.appendChild(document.createTextNode(" starts " + (sStart !== null ? fmt(sStart) : "?") + ", before "));
      li.appendChild(pred);
      if (!items[dep.p] && ext[dep.p]) li.appendChild(el("span", "muted", " (" + ext[dep.p].rmn + ")"));
      var pDay = p ? (dep.k === "start_to_start" ? p.sd : p.ed) : null;
      li.appendChild(document.createTextNode(" " + (dep.k === "start_to_start" ? "starts " : "ends ") + (pDay !== null && pDay !== undefined ? fmt(pDay) : "?") + "."));
      list.appendChild(li);
    });
  }

  // ---------------------------------------------------------------- mouse: click to select, drag to move

  var drag = null, suppressClick = false;

  function barOf(target) { return target.closest && target.closest(".tl-bar"); }

  root.addEventListener("pointerdown", function (event) {
    var bar = barOf(event.target);
    if (!bar || !editable || event.button !== 0 || event.pointerType === "touch") return;
    var id = +bar.getAttribute("data-id"), it = items[id];
    var mode = event.target.classList.contains("tl-handle-start") ? "start" : event.target.classList.contains("tl-handle-end") ? "end" : "move";
    drag = {
      id: id, bar: bar, mode: mode, x: event.clientX, y: event.clientY, started: false,
      sd: it.sd, ed: it.ed, lane: it.lane, laneKey: bar.getAttribute("data-lane"),
      left: parseFloat(bar.style.left), width: parseFloat(bar.style.width), pointer: event.pointerId
    };
  });

  root.addEventListener("pointermove", function (event) {
    if (!drag || event.pointerId !== drag.pointer) return;
    var dx = event.clientX - drag.x, dy = event.clientY - drag.y;
    if (!drag.started) {
      if (Math.abs(dx) < 4 && Math.abs(dy) < 4) return;
      drag.started = true;
      root.classList.add("is-dragging");
      select(drag.id, true);
      // Focusing the bar on pointerdown may have redrawn the timeline: take the bar now on the page.
      drag.bar = root.querySelector('.tl-bar[data-id="' + drag.id + '"][data-lane="' + drag.laneKey + '"]') || drag.bar;
      drag.left = parseFloat(drag.bar.style.left);
      drag.width = parseFloat(drag.bar.style.width);
      try { drag.bar.setPointerCapture(drag.pointer); } catch (e) { /* released already */ }
      drag.bar.classList.add("is-dragging");
      drag.tip = el("div", "tl-drag-tip");
      drag.bar.parentNode.appendChild(drag.tip);
      var outside = root.querySelector('.tl-outside-label[data-for="' + drag.id + '"]');
      if (outside) outside.hidden = true;
    }
    var days = Math.round(dx / ppd());
    var sd = drag.sd, ed = drag.ed;
    if (drag.mode === "move") { sd += days; ed += days; }
    else if (drag.mode === "start") sd = Math.min(drag.sd + days, drag.ed);
    else ed = Math.max(drag.ed + days, drag.sd);
    drag.nsd = sd;
    drag.ned = ed;
    var left = drag.left + (sd - drag.sd) * ppd();
    var width = (ed - sd + 1) * ppd();
    drag.bar.style.left = left + "px";
    drag.bar.style.width = Math.max(width, 6) + "px";
    // Another lane: only custom lanes of the item's own roadmap.
    drag.target = undefined;
    root.querySelectorAll(".tl-lane.is-drop-target").forEach(function (l) { l.classList.remove("is-drop-target"); });
    if (drag.mode === "move" && customLanes) {
      drag.bar.style.transform = "translateY(" + dy + "px)";
      var hit = null;
      layout.lanes.forEach(function (lane) {
        var box = lane.el.getBoundingClientRect();
        if (event.clientY >= box.top && event.clientY < box.bottom) hit = lane;
      });
      var it = items[drag.id];
      if (hit && hit.key !== drag.laneKey && (hit.lid === null || hit.rm === it.rm)) {
        hit.el.classList.add("is-drop-target");
        drag.target = hit.lid;
      }
    }
    drag.tip.textContent = fmtRange(sd, ed) + " · " + (ed - sd + 1) + " days" + (drag.target !== undefined ? " · to " + laneName(drag.target) : "");
    drag.tip.style.left = left + "px";
    drag.tip.style.top = (parseFloat(drag.bar.style.top) + BAR + 6 + (drag.mode === "move" && customLanes ? dy : 0)) + "px";
  });

  function endDrag(event, cancelled) {
    if (!drag || (event && event.pointerId !== drag.pointer)) return;
    var d = drag;
    drag = null;
    root.classList.remove("is-dragging");
    root.querySelectorAll(".tl-lane.is-drop-target").forEach(function (l) { l.classList.remove("is-drop-target"); });
    if (!d.started) return;
    suppressClick = true;
    window.setTimeout(function () { suppressClick = false; }, 0);
    if (d.tip) d.tip.remove();
    var moved = d.nsd !== undefined && (d.nsd !== d.sd || d.ned !== d.ed);
    if (cancelled || (!moved && d.target === undefined)) { render(); return; }
    change(d.id, d.nsd === undefined ? d.sd : d.nsd, d.ned === undefined ? d.ed : d.ned, d.target);
    var bar = root.querySelector('.tl-bar[data-id="' + d.id + '"]');
    if (bar) bar.focus({ preventScroll: true });
  }
  root.addEventListener("pointerup", function (event) { endDrag(event, false); });
  root.addEventListener("pointercancel", function (event) { endDrag(event, true); });

  root.addEventListener("click", function (event) {
    if (suppressClick) { event.preventDefault(); return; }
    var bar = barOf(event.target);
    if (bar) { select(+bar.getAttribute("data-id")); return; }
    if (event.target.closest(".tl-track, .tl-gridlines, .tl-body")) select(null);
  });
  root.addEventListener("dblclick", function (event) {
    var bar = barOf(event.target);
    if (bar) openItem(+bar.getAttribute("data-id"), bar);
  });
  root.addEventListener("focusin", function (event) {
    var bar = barOf(event.target);
    if (!bar) return;
    setActive(bar);
    if (!drag) select(+bar.getAttribute("data-id"));
  });

  // ---------------------------------------------------------------- keyboard
  // The timeline is one tab stop: the active bar has tabindex 0, the others -1 (roving tabindex).
  // Arrow keys go to the next bar in the lane or to the nearest bar in the lane above or below; a
  // bar picked up with M (or its end, with E) moves a day per arrow, a week with Shift.

  function barKey(bar) { return bar.getAttribute("data-id") + "|" + bar.getAttribute("data-lane"); }
  function findBar(key) {
    var p = key.split("|");
    return root.querySelector('.tl-bar[data-id="' + p[0] + '"][data-lane="' + p[1] + '"]') ||
      root.querySelector('.tl-bar[data-id="' + p[0] + '"]');
  }
  function setActive(bar) {
    root.querySelectorAll('.tl-bar[tabindex="0"]').forEach(function (b) { if (b !== bar) b.tabIndex = -1; });
    bar.tabIndex = 0;
    state.active = barKey(bar);
  }
  function applyRoving() {
    var current = (state.active && findBar(state.active)) ||
      (state.selected && root.querySelector('.tl-bar[data-id="' + state.selected + '"]')) ||
      (layout.order.length && layout.order[0].bars[0]) || root.querySelector(".tl-bar");
    if (current) setActive(current);
  }
  function laneOf(bar) {
    for (var i = 0; i < layout.order.length; i++) if (layout.order[i].bars.indexOf(bar) >= 0) return i;
    return -1;
  }
  function centre(bar) { return parseFloat(bar.style.left) + parseFloat(bar.style.width) / 2; }
  function neighbour(bar, event) {
    var li = laneOf(bar);
    if (li < 0) return null;
    var row = layout.order[li].bars, i = row.indexOf(bar);
    if (event.key === "ArrowRight") return row[i + 1] || null;
    if (event.key === "ArrowLeft") return row[i - 1] || null;
    if (event.key === "Home") return event.ctrlKey ? layout.order[0].bars[0] : row[0];
    if (event.key === "End") {
      if (!event.ctrlKey) return row[row.length - 1];
      var last = layout.order[layout.order.length - 1].bars;
      return last[last.length - 1];
    }
    var other = layout.order[li + (event.key === "ArrowDown" ? 1 : -1)];
    if (!other) return null;
    var cx = centre(bar), best = null;
    other.bars.forEach(function (b) { if (!best || Math.abs(centre(b) - cx) < Math.abs(centre(best) - cx)) best = b; });
    return best;
  }
  function goTo(from, to, key) {
    if (!to) {
      announce(key === "ArrowDown" ? "No lane below." : key === "ArrowUp" ? "No lane above." : "No more items this way in this lane.");
      return;
    }
    var before = laneOf(from), after = laneOf(to);
    setActive(to);
    to.focus();
    if (after !== before) announce("Lane " + layout.order[after].name + ".");
  }

  function startGrab(id, mode) {
    var it = items[id];
    grab = { id: id, mode: mode, sd: it.sd, ed: it.ed, lane: it.lane };
    render();
    announce((mode === "move" ? "Moving “" : "Changing the end of “") + it.t + "”, " + fmtRange(it.sd, it.ed) +
      ". Left or right arrow: one day; with Shift: one week" + (mode === "move" && customLanes ? "; up or down arrow: another lane" : "") +
      ". Enter saves, Escape puts it back.");
  }
  function stepGrab(event) {
    var it = items[grab.id];
    if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
      var n = (event.key === "ArrowRight" ? 1 : -1) * (event.shiftKey ? 7 : 1);
      if (grab.mode === "move") { it.sd += n; it.ed += n; }
      else it.ed = Math.max(it.sd, it.ed + n);
      render();
      announce(fmtRange(it.sd, it.ed) + ", " + (it.ed - it.sd + 1) + " days.");
      return;
    }
    if (grab.mode !== "move") return;
    if (!customLanes) {
      announce("Lanes are generated by " + DATA.roadmap.laneMode + " on this roadmap: change the item's " + DATA.roadmap.laneMode + " on its page instead.");
      return;
    }
    var options = lanes.filter(function (l) { return l.lid === null || l.rm === it.rm; });
    var here = options.map(function (l) { return l.k; }).indexOf(laneKeyOf(it.lane));
    var next = options[here + (event.key === "ArrowDown" ? 1 : -1)];
    if (!next) { announce("No lane " + (event.key === "ArrowDown" ? "below" : "above") + "."); return; }
    moveToLane(it, next.lid);
    render();
    announce("Lane " + next.n + ".");
  }
  function dropGrab(save) {
    var g = grab, it = items[g.id];
    grab = null;
    if (save && (it.sd !== g.sd || it.ed !== g.ed || it.lane !== g.lane)) {
      change(it.id, it.sd, it.ed);   // redraws and saves (a new lane is already applied)
      return;
    }
    it.sd = g.sd;
    it.ed = g.ed;
    if (it.lane !== g.lane) moveToLane(it, g.lane);
    render();
    announce(save ? "Not moved." : "Put back: “" + it.t + "” stays " + fmtRange(it.sd, it.ed) + ".");
  }

  var ARROWS = ["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown"];
  root.addEventListener("keydown", function (event) {
    var bar = barOf(event.target);
    if (!bar || event.altKey || event.metaKey) return;
    var id = +bar.getAttribute("data-id");
    if (grab) {
      if (ARROWS.indexOf(event.key) >= 0) { event.preventDefault(); stepGrab(event); return; }
      if (event.key === "Enter" || event.key === " " || event.key === "m" || event.key === "M" || event.key === "e" || event.key === "E") {
        event.preventDefault();
        dropGrab(true);
        return;
      }
      if (event.key === "Escape") { event.preventDefault(); dropGrab(false); return; }
      if (event.key === "Tab") dropGrab(true);
      return;
    }
    if (ARROWS.indexOf(event.key) >= 0 || event.key === "Home" || event.key === "End") {
      if (event.shiftKey) return;
      event.preventDefault();
      goTo(bar, neighbour(bar, event), event.key);
      return;
    }
    if (event.key === "Escape") {
      select(null);
      return;
    }
    if (event.key === "Enter") {
      event.preventDefault();
      if (editable) openDialog(id); else openItem(id, bar);
      return;
    }
    if (!editable || event.ctrlKey) return;
    if (event.key === "m" || event.key === "M") { event.preventDefault(); startGrab(id, "move"); }
    else if (event.key === "e" || event.key === "E") { event.preventDefault(); startGrab(id, "end"); }
  });
  root.addEventListener("pointerdown", function () { if (grab) dropGrab(false); }, true);

  // ---------------------------------------------------------------- the "edit dates" dialog

  var dialogFor = null;
  function openDialog(id) {
    if (!dialog) return;
    var it = items[id];
    dialogFor = id;
    var form = dialog.querySelector("form");
    form.elements.start_date.value = toIso(it.sd);
    form.elements.end_date.value = toIso(it.ed);
    dialog.querySelector("[data-tl-dialog-title]").textContent = it.t;
    var laneField = dialog.querySelector("[data-tl-dialog-lane]");
    var select = form.elements.lane_id;
    select.innerHTML = "";
    laneField.hidden = !customLanes;
    if (customLanes) {
      lanes.filter(function (l) { return l.lid === null || l.rm === it.rm; }).forEach(function (l) {
        var option = el("option", "", l.n);
        option.value = l.lid === null ? "" : String(l.lid);
        option.selected = l.lid === it.lane;
        select.appendChild(option);
      });
      if (!lanes.some(function (l) { return l.lid === null; })) {
        var none = el("option", "", "No lane");
        none.value = "";
        none.selected = !it.lane;
        select.appendChild(none);
      }
    }
    var error = dialog.querySelector("[data-tl-dialog-error]");
    error.hidden = true;
    dialog.showModal();
    form.elements.start_date.focus();
  }
  if (dialog) {
    dialog.querySelector("form").addEventListener("submit", function (event) {
      event.preventDefault();
      var form = event.target, it = items[dialogFor];
      var error = dialog.querySelector("[data-tl-dialog-error]");
      var s = form.elements.start_date.value, e = form.elements.end_date.value;
      if (!s || !e) { error.textContent = "Give both a start and an end date."; error.hidden = false; return; }
      if (e < s) { error.textContent = "The end date is before the start date."; error.hidden = false; return; }
      var lid = customLanes ? (form.elements.lane_id.value ? +form.elements.lane_id.value : null) : undefined;
      dialog.close();
      change(it.id, toDay(s), toDay(e), lid);
      var bar = root.querySelector('.tl-bar[data-id="' + it.id + '"]');
      if (bar) bar.focus();
    });
    dialog.querySelector("[data-tl-dialog-cancel]").addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("close", function () {
      var bar = dialogFor && root.querySelector('.tl-bar[data-id="' + dialogFor + '"]');
      if (bar && document.activeElement === document.body) bar.focus();
    });
  }

  // ---------------------------------------------------------------- the details panel, zoom, today

  if (details) {
    details.addEventListener("click", function (event) {
      var jump = event.target.closest("[data-jump]");
      if (jump) {
        var target = root.querySelector('.tl-bar[data-id="' + jump.getAttribute("data-jump") + '"]');
        if (target) { target.scrollIntoView({ block: "nearest", inline: "center" }); target.focus({ preventScroll: true }); }
        return;
      }
      if (event.target.closest("[data-tl-edit]")) { openDialog(+event.target.closest("[data-tl-edit]").getAttribute("data-tl-edit")); return; }
      if (event.target.closest("[data-tl-clear]")) {
        var was = state.selected;
        select(null);
        var bar = was && root.querySelector('.tl-bar[data-id="' + was + '"]');
        if (bar) bar.focus({ preventScroll: true });
        select(null);
      }
    });
  }

  function scrollToDay(day, ratio) {
    var LABEL = labelWidth();
    var visible = root.clientWidth - LABEL;
    root.scrollLeft = Math.max(0, x(day) - visible * (ratio === undefined ? 0.25 : ratio));
  }

  document.querySelectorAll("[data-zoom]").forEach(function (button) {
    button.addEventListener("click", function () {
      var LABEL = labelWidth();
      var center = state.start + Math.round((root.scrollLeft + (root.clientWidth - LABEL) / 2) / ppd());
      state.zoom = button.getAttribute("data-zoom");
      document.querySelectorAll("[data-zoom]").forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
      render();
      if (state.zoom === "fit") root.scrollLeft = 0; else scrollToDay(center, 0.5);
      announce("Zoom: " + button.textContent.trim());
    });
  });
  var todayButton = document.querySelector("[data-tl-today]");
  if (todayButton) todayButton.addEventListener("click", function () { scrollToDay(today); });

  render();
  root.scrollLeft = 0;   // fitted: everything is in view
  root.setAttribute("data-ready", "true");
  // Fixed zooms place bars by date only; "fit" follows the window's width, and a narrower screen
  // changes the lane labels' width (app.css): then the timeline is drawn again.
  var drawnLabelWidth = labelWidth(), drawnWidth = root.clientWidth, resizeTimer = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(function () {
      if (labelWidth() !== drawnLabelWidth || (state.zoom === "fit" && root.clientWidth !== drawnWidth)) {
        drawnLabelWidth = labelWidth();
        drawnWidth = root.clientWidth;
        render();
      }
    }, 150);
  });
})();
