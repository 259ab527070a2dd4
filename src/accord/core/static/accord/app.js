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

  // On narrow screens the navigation scrolls sideways: bring the current page's link into view.
  var nav = document.querySelector(".sidebar .nav");
  var current = nav && nav.querySelector("[aria-current=page]");
  if (current && nav.scrollWidth > nav.clientWidth) {
    nav.scrollLeft = current.offsetLeft - nav.offsetLeft - (nav.clientWidth - current.offsetWidth) / 2;
  }

  // Auto-submit filter forms when a select changes (htmx handles the request).
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-autosubmit]")) event.target.form.requestSubmit();
  });
})();
