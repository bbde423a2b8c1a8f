// Adds the reader's own time next to session times written in the meeting's
// time zone: <time datetime="2021-06-23T14:00:00+02:00" data-local-time>.
// Runs locally; without it the meeting's time still reads fine. A reader
// whose clock is already on the meeting's offset gets nothing added.
(function () {
  "use strict";
  // Dates in the page's language (<html lang>), and the label the template
  // wrote in it; the browser's own language only when the page has none.
  var script = document.currentScript;
  var label = (script && script.getAttribute("data-your-time")) || "Your time:";
  var locale = document.documentElement.lang || undefined;
  var times = document.querySelectorAll("[data-local-time]");
  if (!times.length || !window.Intl || !Intl.DateTimeFormat) return;
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  var format = new Intl.DateTimeFormat(locale, {
    weekday: "short", day: "numeric", month: "short", hour: "numeric", minute: "2-digit", timeZoneName: "short"
  });
  // In a day's schedule the date is in the heading: the time is enough,
  // unless the reader's day is another one.
  var short = new Intl.DateTimeFormat(locale, { hour: "numeric", minute: "2-digit", timeZoneName: "short" });
  var clock = new Intl.DateTimeFormat(locale, { hour: "numeric", minute: "2-digit" });
  // "12:00 – 1:30 PM UTC": the zone once, after the end. formatRange is
  // missing only in old browsers, which get the start's zone instead.
  function span(fmt, start, end) {
    if (!end || isNaN(end)) return fmt.format(start);
    if (fmt.formatRange) return fmt.formatRange(start, end);
    return fmt.format(start) + " – " + clock.format(end);
  }
  // "+02:00" at the end of the datetime attribute, in minutes east of UTC.
  function writtenOffset(text) {
    var m = /([+-])(\d\d):(\d\d)$/.exec(text);
    return m ? (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : null;
  }
  function localDay(date) {
    return date.getFullYear() + "-" + date.getMonth() + "-" + date.getDate();
  }
  var added = 0;
  Array.prototype.forEach.call(times, function (el) {
    var written = el.getAttribute("datetime");
    var start = new Date(written);
    if (isNaN(start)) return;
    var offset = writtenOffset(written);
    if (offset !== null && -start.getTimezoneOffset() === offset) return;
    var end = el.getAttribute("data-end") ? new Date(el.getAttribute("data-end")) : null;
    var shortForm = el.getAttribute("data-local-time") === "short";
    var meetingDay = new Date(start.getTime() + (offset || 0) * 60000);
    var sameDay = localDay(start) === meetingDay.getUTCFullYear() + "-" + meetingDay.getUTCMonth() + "-" + meetingDay.getUTCDate();
    var text = span(shortForm && sameDay ? short : format, start, end);
    var local = document.createElement("span");
    local.className = "local-time";
    local.textContent = label + " " + text;
    local.title = zone;
    el.insertAdjacentElement("afterend", local);
    added++;
  });
  if (added) {
    Array.prototype.forEach.call(document.querySelectorAll(".schedule__your-zone"), function (note) {
      note.hidden = false;
    });
  }
})();
