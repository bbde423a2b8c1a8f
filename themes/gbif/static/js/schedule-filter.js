// Filters a meeting's programme by day and by format, in the page itself:
// no server is asked anything. Without this script the form stays hidden
// and every session stays listed. The choice is kept in the address
// (?day=2021-06-30&format=regional) so that a filtered programme can be shared.
(function () {
  "use strict";
  var form = document.querySelector("[data-schedule-filter]");
  if (!form) return;
  var items = Array.prototype.slice.call(document.querySelectorAll(".schedule .schedule-item"));
  var days = Array.prototype.slice.call(document.querySelectorAll(".schedule-day"));
  var status = form.querySelector(".schedule-filter__status");
  var params = new URLSearchParams(window.location.search);
  // The status line in the page's language, written by the template.
  var none = form.getAttribute("data-none") || "No session matches this choice.";
  var showing = form.getAttribute("data-showing") || "Showing {shown} of {total} sessions.";

  function chosen(name) {
    var input = form.querySelector('input[name="' + name + '"]:checked');
    return input ? input.value : "";
  }

  function apply() {
    var day = chosen("day");
    var format = chosen("format");
    var shown = 0;
    items.forEach(function (item) {
      var match = (!day || item.getAttribute("data-day") === day) &&
        (!format || item.getAttribute("data-category") === format);
      item.hidden = !match;
      if (match) shown++;
    });
    days.forEach(function (block) {
      block.hidden = !block.querySelector(".schedule-item:not([hidden])");
    });
    var filtered = day || format;
    status.textContent = filtered
      ? (shown === 0 ? none : showing.replace("{shown}", shown).replace("{total}", items.length))
      : "";
    try {
      var query = new URLSearchParams(window.location.search);
      if (day) query.set("day", day); else query.delete("day");
      if (format) query.set("format", format); else query.delete("format");
      var search = query.toString();
      history.replaceState(null, "", window.location.pathname + (search ? "?" + search : "") + window.location.hash);
    } catch (e) {
      // Some hosts (file: pages) refuse to change the address; the filter still works.
    }
  }

  ["day", "format"].forEach(function (name) {
    var wanted = params.get(name);
    if (!wanted) return;
    var input = form.querySelector('input[name="' + name + '"][value="' + (window.CSS && CSS.escape ? CSS.escape(wanted) : wanted) + '"]');
    if (input) input.checked = true;
  });
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.hidden = false;
  apply();
})();
