// careermap pages: small enhancements only; every page works without this file.
// - tables with class "sortable" sort by a column when its header button is pressed
//   (headers that already link to a server-side sort keep their links);
// - "Print" buttons appear and print the page.
(function () {
  "use strict";
  function cellValue(row, i) {
    var cell = row.cells[i];
    if (!cell) return "";
    var v = cell.getAttribute("data-sort");
    if (v === null) v = cell.textContent.trim();
    var n = parseFloat(v);
    return isNaN(n) || !/^-?[\d.]+(e-?\d+)?$/i.test(v) ? v.toLowerCase() : n;
  }
  function sortBy(table, i, th) {
    var body = table.tBodies[0];
    if (!body) return;
    var desc = th.getAttribute("aria-sort") !== "descending";
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellValue(a, i), y = cellValue(b, i);
      var o = x < y ? -1 : x > y ? 1 : 0;
      return desc ? -o : o;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    Array.prototype.forEach.call(th.parentNode.cells, function (c) { c.setAttribute("aria-sort", "none"); });
    th.setAttribute("aria-sort", desc ? "descending" : "ascending");
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var head = table.tHead && table.tHead.rows[0];
    if (!head) return;
    Array.prototype.forEach.call(head.cells, function (th, i) {
      if (th.querySelector("a")) return;
      var b = document.createElement("button");
      b.type = "button";
      b.className = "sort";
      b.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(b);
      if (!th.hasAttribute("aria-sort")) th.setAttribute("aria-sort", "none");
      b.addEventListener("click", function () { sortBy(table, i, th); });
    });
  });
  document.querySelectorAll(".print-button").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () { window.print(); });
  });
})();
