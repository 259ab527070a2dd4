// Drawers, dialogs and tabs (see accord/core/overlays.py). Progressive: without this file every
// drawer link opens its full page, every dialog button its form page, and tabs are in-page links.
//
//   <a href="/w/x/ideas/5" data-drawer>            the detail in the side drawer (its fragment is the
//                                                  href's path + "/drawer", or data-drawer="<url>")
//   <a href="/w/x/roadmaps/new" data-dialog>       the form in a modal dialog (or data-dialog="<url>")
//   <button data-overlay-close>                    closes the drawer or dialog it is in
//   <div data-tabs> [role=tab][aria-controls] ...  tabs; the selected one is the address's #fragment
//   <select data-follows="id_other">               keeps only the optgroup whose data-value is the
//                                                  other select's value (a roadmap's lanes)
//   <input type="hidden" data-return-here>         in a drawer: set to the address under the drawer
(function () {
  "use strict";

  // ---------------------------------------------------------------- tabs

  function initTabs(root) {
    var tabs = Array.prototype.slice.call(root.querySelectorAll("[role=tab]"));
    var panels = tabs.map(function (tab) { return document.getElementById(tab.getAttribute("aria-controls")); });
    if (!tabs.length) return;

    function select(index, focus, remember) {
      tabs.forEach(function (tab, n) {
        var on = n === index;
        tab.setAttribute("aria-selected", on ? "true" : "false");
        tab.tabIndex = on ? 0 : -1;
        if (panels[n]) panels[n].hidden = !on;
      });
      if (focus) tabs[index].focus();
      if (remember && panels[index]) {
        history.replaceState(history.state, "", "#" + panels[index].id);  // a link to this tab
      }
    }
    // The tab of the address's fragment: a panel's id, or the id of something inside a panel (#decide).
    function fromHash() {
      var id = decodeURIComponent(window.location.hash.slice(1));
      var target = id && document.getElementById(id);
      if (!target) return { index: -1 };
      for (var n = 0; n < panels.length; n++) {
        if (panels[n] && panels[n].contains(target)) return { index: n, target: panels[n] === target ? null : target };
      }
      return { index: -1 };
    }
    function follow() {
      var found = fromHash();
      if (found.index < 0) return false;
      select(found.index);
      if (found.target) found.target.scrollIntoView({ block: "start" });
      return true;
    }

    root.addEventListener("click", function (event) {
      var tab = event.target.closest && event.target.closest("[role=tab]");
      if (!tab || tabs.indexOf(tab) < 0) return;
      event.preventDefault();
      select(tabs.indexOf(tab), true, true);
    });
    root.addEventListener("keydown", function (event) {
      var index = tabs.indexOf(event.target);
      if (index < 0) return;
      var last = tabs.length - 1;
      var next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: last }[event.key];
      if (next === undefined) return;
      event.preventDefault();
      select(next > last ? 0 : next < 0 ? last : next, true, true);
    });
    window.addEventListener("hashchange", follow);
    if (!follow()) select(Math.max(0, tabs.findIndex(function (t) { return t.getAttribute("aria-selected") === "true"; })));
    root.classList.add("tabs-ready");
  }
  document.querySelectorAll("[data-tabs]").forEach(initTabs);

  // ---------------------------------------------------------------- a select that follows another

  function followOther(select) {
    var other = document.getElementById(select.getAttribute("data-follows"));
    if (!other) return;
    var chosen = select.selectedOptions[0];
    Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
      var mine = group.getAttribute("data-value") === other.value;
      group.hidden = !mine;
      group.disabled = !mine;
    });
    if (chosen && chosen.parentElement.disabled) select.value = "";
  }
  function initFollowers(root) {
    root.querySelectorAll("select[data-follows]").forEach(followOther);
  }
  document.addEventListener("change", function (event) {
    var id = event.target.id;
    if (!id) return;
    document.querySelectorAll("select[data-follows='" + id + "']").forEach(followOther);
  });
  initFollowers(document);

  // ---------------------------------------------------------------- drawer and dialog

  var drawer = document.getElementById("accord-drawer");
  var dialog = document.getElementById("accord-dialog");
  if (!drawer || !dialog || !window.htmx || typeof drawer.showModal !== "function") return;

  var LOADING = '<p class="overlay-loading muted small" role="status">Loading…</p>';
  var FAILED = {
    403: "Your role may not open this.",
    404: "This is not here any more, or not in this workspace.",
  };
  var openers = { drawer: null, dialog: null };
  var base = null;           // the address of the page under the drawer
  var leaving = false;       // the drawer closed itself: the next popstate is ours, back to `base`

  function bodyOf(overlay) { return overlay.querySelector("[data-overlay-body]"); }

  function fragmentOf(href) {
    var url = new URL(href, window.location.href);
    return url.pathname.replace(/\/$/, "") + "/drawer" + url.search;
  }

  function show(overlay, opener) {
    if (overlay.open) return;
    openers[overlay.getAttribute("data-overlay")] = opener || document.activeElement;
    overlay.showModal();
  }

  function load(overlay, url) {
    var body = bodyOf(overlay);
    body.innerHTML = LOADING;
    body.setAttribute("data-url", url);
    return htmx.ajax("GET", url, { target: body, swap: "innerHTML" });
  }

  function openDrawer(pageUrl, opener, url) {
    url = url || fragmentOf(pageUrl);
    var state = history.state && history.state.accordDrawer ? history.state : null;
    if (!drawer.open || !state) base = window.location.href;
    history.pushState({ accordDrawer: url, accordBase: base, accordDepth: state ? state.accordDepth + 1 : 1 }, "", pageUrl);
    show(drawer, opener);
    load(drawer, url);
  }

  // Go to a page of Accord. The same address with another #fragment (a goal's #kr-12, an idea's #scores)
  // would only scroll the page as it is: load it instead, so that the change just made shows.
  function go(href) {
    var url = new URL(href, window.location.href);
    if (url.origin === window.location.origin && url.pathname === window.location.pathname &&
        url.search === window.location.search) {
      history.replaceState(null, "", url.href);
      window.location.reload();
    } else {
      window.location.assign(url.href);
    }
  }

  function openDialog(url, opener) {
    show(dialog, opener);
    load(dialog, url);
  }

  function focusInto(overlay) {
    var body = bodyOf(overlay);
    var target = body.querySelector("[aria-invalid=true]") || body.querySelector("[data-error-summary]");
    if (!target && overlay === dialog) {
      target = body.querySelector("[autofocus]") ||
        body.querySelector("form input:not([type=hidden]):not([disabled]), form select:not([disabled]), form textarea:not([disabled])");
    }
    target = target || body.querySelector("h2[tabindex]") || body.querySelector("[data-overlay-close]");
    if (target) target.focus();
  }

  // A form in the dialog is sent by htmx into the dialog: refused, it comes back with its messages
  // (422); accepted, the server answers HX-Redirect. Forms asking for a confirmation leave the page.
  function prepareForms(body) {
    body.querySelectorAll("form").forEach(function (form) {
      if ((form.getAttribute("method") || "get").toLowerCase() !== "post" || form.hasAttribute("data-confirm")) return;
      form.setAttribute("hx-post", form.getAttribute("action") || body.getAttribute("data-url"));
      form.setAttribute("hx-target", "#" + body.id);
      form.setAttribute("hx-swap", "innerHTML");
    });
  }

  function restoreFocus(name) {
    var opener = openers[name];
    openers[name] = null;
    if (opener && opener.isConnected && typeof opener.focus === "function") opener.focus();
    else if (!document.querySelector("dialog[open]")) {
      var main = document.getElementById("content");
      if (main) main.focus();
    }
  }

  [drawer, dialog].forEach(function (overlay) {
    overlay.addEventListener("close", function () {
      bodyOf(overlay).innerHTML = "";
      restoreFocus(overlay.getAttribute("data-overlay"));
      var state = history.state;
      if (overlay === drawer && state && state.accordDrawer) {
        // Closed by Escape, its button or the backdrop: leave the drawer's address(es) too.
        leaving = true;
        history.go(-(state.accordDepth || 1));
      }
    });
  });
  drawer.addEventListener("click", function (event) {
    if (event.target === drawer) drawer.close();  // the backdrop
  });

  // Back and forward: an address the drawer pushed opens it again; leaving it closes the drawer and
  // keeps the page below as it is (htmx would otherwise restore it from its history cache).
  window.addEventListener("popstate", function (event) {
    var state = event.state;
    if (state && state.accordDrawer) {
      base = state.accordBase;
      show(drawer, null);
      load(drawer, state.accordDrawer);
      event.stopImmediatePropagation();
      return;
    }
    if (drawer.open || leaving) {
      leaving = false;
      if (dialog.open) dialog.close();  // a form opened from the drawer goes with it
      if (drawer.open) drawer.close();
      if (base && window.location.href === base) event.stopImmediatePropagation();
      base = null;
    }
  }, true);
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;  // back from another page: nothing stays open over this one
    if (!(history.state && history.state.accordDrawer) && drawer.open) drawer.close();
    if (dialog.open) dialog.close();
  });

  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    var el = event.target.closest && event.target.closest("[data-drawer], [data-dialog], [data-overlay-close]");
    var link = !el && event.target.closest && event.target.closest("a[href]");
    if (link && drawer.contains(link)) {
      // The drawer's address is its full page's: a link to that page (or to one of its tabs, #scores)
      // would only change the fragment and leave the list on screen. Load the page itself instead.
      var url = new URL(link.href, window.location.href);
      if (url.origin === window.location.origin && url.pathname === window.location.pathname &&
          url.search === window.location.search) {
        event.preventDefault();
        go(url.href);
      }
      return;
    }
    if (!el) return;
    if (el.hasAttribute("data-overlay-close")) {
      var overlay = el.closest("dialog");
      if (overlay) {
        event.preventDefault();
        overlay.close();
      }
    } else if (el.hasAttribute("data-drawer") && el.getAttribute("href")) {
      event.preventDefault();
      openDrawer(el.href, el, el.getAttribute("data-drawer") || fragmentOf(el.href));
    } else if (el.hasAttribute("data-dialog")) {
      event.preventDefault();
      openDialog(el.getAttribute("data-dialog") || el.getAttribute("href"), el);
    }
  });

  // An accepted form answers HX-Redirect: follow it with go() rather than htmx's location.href.
  document.addEventListener("htmx:beforeOnLoad", function (event) {
    var target = event.detail.target;
    var redirect = event.detail.xhr.getResponseHeader("HX-Redirect");
    if (!redirect || !target || !target.matches || !target.matches("[data-overlay-body]")) return;
    event.preventDefault();
    go(redirect);
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    var status = event.detail.xhr.status;
    if (!target || !target.matches("[data-overlay-body]") || status < 400 || status === 400 || status === 422) return;
    event.detail.shouldSwap = true;
    event.detail.isError = false;
    event.detail.serverResponse = '<div class="overlay-failed"><p class="alert alert-error" role="alert">' +
      (FAILED[status] || "Something went wrong on our side; try again in a moment.") +
      '</p><button class="btn" type="button" data-overlay-close>Close</button></div>';
  });
  document.addEventListener("htmx:sendError", function (event) {
    var target = event.detail.target;
    if (target && target.matches && target.matches("[data-overlay-body]")) {
      target.innerHTML = '<div class="overlay-failed"><p class="alert alert-error" role="alert">No connection to Accord; ' +
        'check your network and try again.</p><button class="btn" type="button" data-overlay-close>Close</button></div>';
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var body = event.detail.target;
    if (!body || !body.matches || !body.matches("[data-overlay-body]")) return;
    var overlay = body.closest("dialog");
    if (overlay === dialog) {
      prepareForms(body);
      htmx.process(body);
    }
    body.querySelectorAll("input[data-return-here]").forEach(function (input) {
      input.value = base || window.location.href;
    });
    initFollowers(body);
    focusInto(overlay);
  });

  window.AccordOverlays = {
    openDrawer: function (pageUrl, opener) { openDrawer(new URL(pageUrl, window.location.href).href, opener); },
    openDialog: openDialog,
  };
})();
