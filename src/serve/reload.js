// folio serve: live reload. Injected into every HTML response of the dev
// server (never into built files). Each request to the events URL is answered
// with one event; EventSource reconnects by itself with Last-Event-ID.
(() => {
  "use strict";
  const build = __FOLIO_BUILD__;
  const server = "__FOLIO_SERVER__";
  const scrollKey = "folio-scroll:" + location.pathname;

  // Put the page back where it was before the reload.
  const saved = sessionStorage.getItem(scrollKey);
  if (saved) {
    sessionStorage.removeItem(scrollKey);
    try {
      const { x, y } = JSON.parse(saved);
      const restore = () => window.scrollTo(x, y);
      restore();
      if (document.readyState !== "complete") window.addEventListener("load", restore, { once: true });
    } catch (_) {}
  }

  const reload = () => {
    sessionStorage.setItem(scrollKey, JSON.stringify({ x: window.scrollX, y: window.scrollY }));
    location.reload();
  };

  const decode = (path) => {
    try {
      return decodeURIComponent(path);
    } catch (_) {
      return path;
    }
  };

  // New stylesheets replace the old ones once loaded, so nothing flashes.
  const swapStyles = (paths, id) => {
    let swapped = 0;
    for (const link of document.querySelectorAll('link[rel~="stylesheet"][href]')) {
      const url = new URL(link.href, location.href);
      if (url.origin !== location.origin || !paths.includes(decode(url.pathname))) continue;
      url.searchParams.set("folio-reload", id);
      const fresh = link.cloneNode();
      fresh.href = url.href;
      const done = () => link.remove();
      fresh.addEventListener("load", done, { once: true });
      fresh.addEventListener("error", done, { once: true });
      link.after(fresh);
      swapped++;
    }
    // A stylesheet this page does not link directly (an @import): reload.
    if (swapped === 0) reload();
  };

  // The page is named so that, after a change, the server renders it first.
  const events = new EventSource(
    "/__folio/events?since=" + build + "&server=" + server + "&page=" + encodeURIComponent(location.pathname),
  );
  events.onmessage = (event) => {
    let change;
    try {
      change = JSON.parse(event.data);
    } catch (_) {
      return;
    }
    if (change.reload === "css" && Array.isArray(change.css)) swapStyles(change.css, event.lastEventId);
    else reload();
  };
  window.addEventListener("pagehide", () => events.close());
  // Back from the back/forward cache, the events connection is gone.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) location.reload();
  });
})();
