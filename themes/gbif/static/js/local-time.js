// Adds the reader's own time next to session times written in the meeting's
// time zone: <time datetime="2021-06-23T14:00:00+02:00" data-local-time>.
// Runs locally; without it the meeting's time still reads fine.
(function () {
  "use strict";
  var times = document.querySelectorAll("[data-local-time]");
  if (!times.length || !window.Intl || !Intl.DateTimeFormat) return;
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  var format = new Intl.DateTimeFormat(undefined, {
    weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZoneName: "short"
  });
  // In a day's schedule the date is in the heading: the time is enough.
  var short = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", timeZoneName: "short" });
  Array.prototype.forEach.call(times, function (el) {
    var start = new Date(el.getAttribute("datetime"));
    if (isNaN(start)) return;
    var end = el.getAttribute("data-end") ? new Date(el.getAttribute("data-end")) : null;
    var text = (el.getAttribute("data-local-time") === "short" ? short : format).format(start);
    if (end && !isNaN(end)) {
      text += " – " + new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" }).format(end);
    }
    var local = document.createElement("span");
    local.className = "local-time";
    local.textContent = "Your time: " + text;
    local.title = zone;
    el.insertAdjacentElement("afterend", local);
  });
})();
