/* sheetmap serve: reload this page as soon as the site is rebuilt. Served only by
   `sheetmap serve`, never part of a built site. The page's version is in this script's URL. */
(function () {
  "use strict";
  var me = document.currentScript;
  var version = me ? new URL(me.src).searchParams.get("v") : null;
  if (version === null) return;
  function wait() {
    fetch("/__sheetmap__/wait?v=" + encodeURIComponent(version), { cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (now) {
        if (now.trim() !== version) window.location.reload();
        else wait();
      })
      .catch(function () {
        /* the server is stopped or restarting: ask again shortly */
        window.setTimeout(wait, 1000);
      });
  }
  wait();
})();
