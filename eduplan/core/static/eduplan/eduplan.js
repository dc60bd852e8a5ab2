// Behaviour every page shares, kept out of the templates so that the
// Content-Security-Policy needs no inline script or style:
// - a <select data-autosubmit> submits its form when it changes;
// - an element with data-width="N" is N% wide (progress bars);
// - the districts map lays out its grid and tiles from data-columns/data-rows and
//   data-row/data-col/data-colour (set through the CSSOM, which the policy allows).
(function () {
  "use strict";

  function autosubmit(event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
      target.form.submit();
    }
  }

  function layout(root) {
    root.querySelectorAll("[data-width]").forEach(function (el) {
      var width = parseFloat(el.getAttribute("data-width"));
      if (!isNaN(width)) {
        el.style.width = Math.max(0, Math.min(100, width)) + "%";
      }
    });
    root.querySelectorAll(".district-map[data-columns]").forEach(function (map) {
      var columns = parseInt(map.getAttribute("data-columns"), 10);
      var rows = parseInt(map.getAttribute("data-rows"), 10);
      if (columns > 0) { map.style.gridTemplateColumns = "repeat(" + columns + ", minmax(0, 1fr))"; }
      if (rows > 0) { map.style.gridTemplateRows = "repeat(" + rows + ", auto)"; }
    });
    root.querySelectorAll(".district-tile[data-row]").forEach(function (tile) {
      tile.style.gridRow = tile.getAttribute("data-row");
      tile.style.gridColumn = tile.getAttribute("data-col");
      tile.style.background = tile.getAttribute("data-colour") || "";
    });
  }

  document.addEventListener("change", autosubmit);
  document.addEventListener("DOMContentLoaded", function () { layout(document); });
  document.addEventListener("htmx:afterSwap", function (event) { layout(event.target); });
})();
