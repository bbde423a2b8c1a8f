// Click-to-load players for video links, for sites that set
// `extra.video_embeds: true`. Nothing is requested from the video host
// until the reader presses "Play here".
(function () {
  "use strict";
  // The button's words in the page's language, written by the template.
  var script = document.currentScript;
  var playHere = (script && script.getAttribute("data-play-here")) || "Play here";
  var playTitleHere = (script && script.getAttribute("data-play-title-here")) || "Play {title} here (loads the player from the video host)";
  function player(url) {
    var m = url.match(/vimeo\.com\/(?:video\/)?(\d+)(?:\/([0-9a-f]+))?/);
    if (m) return "https://player.vimeo.com/video/" + m[1] + (m[2] ? "?h=" + m[2] : "");
    m = url.match(/(?:youtube\.com\/watch\?v=|youtu\.be\/)([\w-]{6,})/);
    if (m) return "https://www.youtube-nocookie.com/embed/" + m[1];
    return null;
  }
  Array.prototype.forEach.call(document.querySelectorAll("a.video-link[data-video]"), function (link) {
    var src = player(link.getAttribute("data-video"));
    if (!src) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "video-load";
    button.textContent = playHere;
    button.setAttribute("aria-label", playTitleHere.replace("{title}", link.textContent));
    button.addEventListener("click", function () {
      var frame = document.createElement("iframe");
      frame.className = "video-frame";
      frame.src = src;
      frame.title = link.textContent;
      frame.allow = "fullscreen; picture-in-picture";
      frame.loading = "lazy";
      button.replaceWith(frame);
    });
    link.insertAdjacentElement("afterend", button);
  });
})();
