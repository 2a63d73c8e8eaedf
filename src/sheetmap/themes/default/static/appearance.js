/* sheetmap: light or dark. Follows the system unless the visitor chose with the toggle
   (kept in localStorage) or the embed's URL says ?appearance=light|dark.
   Loaded in <head> so the chosen colours apply before the first paint. */
(function () {
  "use strict";
  var root = document.documentElement;
  var key = "sheetmap-appearance";
  var system = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  var stored = null;
  root.classList.remove("no-js");
  root.classList.add("js");
  try { stored = window.localStorage.getItem(key); } catch (e) { /* storage blocked: follow the system */ }
  var asked = /[?&]appearance=(light|dark)(&|$)/.exec(window.location.search);
  var choice = asked ? asked[1] : stored;
  if (choice === "light" || choice === "dark") root.setAttribute("data-theme", choice);

  function isDark() {
    var set = root.getAttribute("data-theme");
    return set ? set === "dark" : !!(system && system.matches);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("appearance");
    if (!button) return;
    function show() { button.setAttribute("aria-pressed", isDark() ? "true" : "false"); }
    button.hidden = false;
    show();
    button.addEventListener("click", function () {
      var next = isDark() ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try { window.localStorage.setItem(key, next); } catch (e) { /* the choice lasts for this page only */ }
      show();
    });
    if (system && system.addEventListener) system.addEventListener("change", show);
  });
})();
