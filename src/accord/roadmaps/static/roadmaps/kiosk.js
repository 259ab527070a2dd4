/* Kiosk mode of a share link: rotate through its views and refresh in place when the data changes.

   The page's own URLs are derived from its address (the page carries no token): <page>/state is a
   small JSON whose "version" changes with the shared data, <page>/view/<n> the HTML of view n. A new
   fragment replaces the old one in a single DOM operation, so the screen never goes blank. A link
   that was revoked answers 404 everywhere: the page then reloads and shows the 404 page. */
(function () {
  "use strict";

  var root = document.getElementById("kiosk");
  if (!root || !window.fetch) return;
  var stage = root.querySelector("[data-kiosk-stage]");
  var progress = root.querySelector("[data-kiosk-progress]");
  var position = root.querySelector("[data-kiosk-position]");
  var live = root.querySelector("[data-kiosk-live]");
  var dots = Array.prototype.slice.call(root.querySelectorAll("[data-kiosk-dot]"));

  var base = window.location.pathname.replace(/\/+$/, "");
  var count = parseInt(root.dataset.views, 10) || 1;
  var rotate = parseInt(root.dataset.rotate, 10) || 0;
  var poll = Math.max(2, parseInt(root.dataset.poll, 10) || 5);
  var version = root.dataset.version || "";
  var current = 0;
  var request = 0; // the latest fetch of a view wins; older answers are dropped
  var rotateTimer = null;

  function gone(response) {
    // Revoked, expired, or the password is asked again: the page itself shows what to do.
    if (response.status === 404 || response.status === 401) {
      window.location.reload();
      return true;
    }
    return false;
  }

  function setLive(ok) {
    if (!live) return;
    live.classList.toggle("is-stale", !ok);
    var now = new Date();
    live.textContent = ok
      ? "Live · " + now.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })
      : "Reconnecting…";
  }

  function restartProgress() {
    if (!progress || !rotate) return;
    progress.classList.remove("is-running");
    void progress.offsetWidth; // restart the CSS animation
    progress.style.animationDuration = rotate + "s";
    progress.classList.add("is-running");
  }

  function showPosition() {
    if (position) position.textContent = "View " + (current + 1) + " of " + count;
    dots.forEach(function (dot, n) {
      dot.classList.toggle("is-current", n === current);
    });
  }

  function swap(html, entering) {
    var template = document.createElement("template");
    template.innerHTML = html;
    var view = template.content.firstElementChild;
    if (view && entering) view.classList.add("is-entering");
    stage.replaceChildren(template.content);
    root.dataset.version = version;
  }

  function load(index, entering) {
    var mine = ++request;
    return fetch(base + "/view/" + index, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "text/html" },
    })
      .then(function (response) {
        if (gone(response)) return null;
        if (!response.ok) throw new Error("view " + response.status);
        var fresh = response.headers.get("X-Share-Version");
        return response.text().then(function (html) {
          if (mine !== request) return; // a later fetch is on its way
          if (fresh) version = fresh;
          current = index;
          swap(html, entering);
          showPosition();
          setLive(true);
        });
      })
      .catch(function () {
        setLive(false);
      });
  }

  function scheduleRotation() {
    if (count < 2 || !rotate) return;
    clearTimeout(rotateTimer);
    restartProgress();
    rotateTimer = setTimeout(function () {
      load((current + 1) % count, true).then(scheduleRotation, scheduleRotation);
    }, rotate * 1000);
  }

  function check() {
    fetch(base + "/state", {
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (gone(response)) return null;
        if (!response.ok) throw new Error("state " + response.status);
        return response.json().then(function (state) {
          setLive(true);
          if (state.views !== count) {
            window.location.reload(); // a shared roadmap was deleted: start over
            return;
          }
          if (state.version !== version) {
            version = state.version;
            return load(current, false);
          }
        });
      })
      .catch(function () {
        setLive(false);
      })
      .then(function () {
        setTimeout(check, poll * 1000);
      });
  }

  setLive(true);
  showPosition();
  scheduleRotation();
  setTimeout(check, poll * 1000);
})();
