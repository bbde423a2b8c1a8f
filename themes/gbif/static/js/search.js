// Searches the site in the reader's browser, from the index folio writes
// with the site (search-index/<lang>/): no server is asked anything but
// the site's own files, and no other host. Each query word loads only the
// shard of terms that starts with its first two letters, and the titles of
// the pages it finds; the excerpt comes from the found page itself (its
// `data-search-body`), with the words that matched marked.
//
// Words are folded as folio folds them (lower case, no accents, a dot
// between digits kept: "4.3"). A word matches the terms it begins
// ("sequenc" finds "sequencing") and, when the site has the word itself,
// the terms with the same stem ("activities" finds "activity").
//
// Every form with `data-search` gets results as the reader types, in its
// `[data-search-results]` list; Arrow Down moves into the results, Arrow
// Up and Down between them, Escape back to the box and closes the list.
(function () {
  "use strict";
  var root = document.documentElement;
  var base = root.getAttribute("data-search-index");
  var forms = document.querySelectorAll("form[data-search]");
  if (!base || !forms.length) return;
  // The index of the page's language; the search page, reached from a
  // page in another language, is told which (`?lang=es`).
  var asked = new URLSearchParams(window.location.search).get("lang");
  var onSearchPage = document.querySelector("form[data-search-page]") !== null;
  var lang = onSearchPage && asked && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(asked)
    ? asked
    : root.getAttribute("lang") || "en";
  var MAX_RESULTS = 20;
  var cache = {};

  function load(path) {
    if (!cache[path]) {
      cache[path] = fetch(base + lang + "/" + path)
        .then(function (r) { return r.ok ? r.json() : null; })
        .catch(function () { return null; });
    }
    return cache[path];
  }

  function fold(text) {
    return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
  }

  // The terms of a text, as folio's index has them.
  function terms(text) {
    var out = [];
    var word = "";
    var chars = Array.from(fold(text));
    function end() {
      if (word.slice(-1) === ".") word = word.slice(0, -1);
      if (word && Array.from(word).length <= 40) out.push(word);
      word = "";
    }
    chars.forEach(function (c) {
      if (word.slice(-1) === "." && !/[0-9]/.test(c)) end();
      if (/[\p{Alphabetic}\p{N}]/u.test(c)) word += c;
      else if (c === "." && /[0-9]$/.test(word)) word += c;
      else end();
    });
    end();
    return out;
  }

  function shardOf(term) {
    return Array.from(term).slice(0, 2).join("").replace(/\./g, "_");
  }

  // term -> pages: {page: weight} of one query word, with the set of terms that matched.
  function lookUp(word) {
    return load(encodeURIComponent(shardOf(word)) + ".json").then(function (shard) {
      var pages = {};
      var matched = [];
      if (!shard) return { pages: pages, matched: matched };
      var exact = shard.filter(function (e) { return e[0] === word; })[0];
      var stem = exact ? (exact[1] || exact[0]) : null;
      function take(prefix) {
        shard.forEach(function (e) {
          var same = stem !== null && (e[1] || e[0]) === stem;
          if (!same && e[0].indexOf(prefix) !== 0) return;
          matched.push(e[0]);
          var page = 0;
          e[2].forEach(function (delta, i) {
            page += delta;
            var weight = e[3][i];
            if (!(page in pages) || pages[page] < weight) pages[page] = weight;
          });
        });
      }
      take(word);
      // A word the site does not have, such as a plural of one it has:
      // its shorter forms, down to four letters.
      var letters = Array.from(word);
      for (var cut = 1; !matched.length && cut <= 3 && letters.length - cut >= 4; cut++) {
        take(letters.slice(0, letters.length - cut).join(""));
      }
      return { pages: pages, matched: matched };
    });
  }

  function search(query) {
    var words = terms(query).filter(function (w, i, all) { return all.indexOf(w) === i; });
    if (!words.length) return Promise.resolve({ results: [], matched: [] });
    return Promise.all([load("index.json")].concat(words.map(lookUp))).then(function (found) {
      var summary = found[0];
      if (!summary) return { results: [], matched: [] };
      var perWord = found.slice(1);
      var candidates = Object.keys(perWord[0].pages);
      perWord.slice(1).forEach(function (w) {
        candidates = candidates.filter(function (p) { return p in w.pages; });
      });
      var chunks = {};
      candidates.forEach(function (p) { chunks[Math.floor(p / summary.chunk)] = true; });
      // Ranking: each word's weight on the page, saturating, by how rare
      // the word is on the site (BM25's shape, with the page's length).
      var scored = candidates.map(function (p) {
        var score = 0;
        perWord.forEach(function (w) {
          var df = Object.keys(w.pages).length;
          var idf = Math.log(1 + (summary.pages - df + 0.5) / (df + 0.5));
          score += idf * w.pages[p] / (w.pages[p] + 1.2);
        });
        return { page: Number(p), score: score };
      });
      scored.sort(function (a, b) { return b.score - a.score || a.page - b.page; });
      var top = scored.slice(0, MAX_RESULTS);
      var wanted = {};
      top.forEach(function (r) { wanted[Math.floor(r.page / summary.chunk)] = true; });
      return Promise.all(Object.keys(wanted).map(function (c) {
        return load("pages-" + c + ".json").then(function (rows) { return [c, rows]; });
      })).then(function (loaded) {
        var rows = {};
        loaded.forEach(function (pair) { rows[pair[0]] = pair[1] || []; });
        var matched = [];
        perWord.forEach(function (w) { matched = matched.concat(w.matched); });
        return {
          total: scored.length,
          matched: matched,
          results: top.map(function (r) {
            var row = rows[Math.floor(r.page / summary.chunk)][r.page % summary.chunk];
            return row && { url: row[0], title: row[1], section: row[2] };
          }).filter(Boolean)
        };
      });
    });
  }

  // The found page's searchable text, as the index read it.
  var texts = {};
  function pageText(url) {
    if (!texts[url]) {
      texts[url] = fetch(url).then(function (r) { return r.ok ? r.text() : ""; }).then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var body = doc.querySelector("[data-search-body]");
        if (!body) return "";
        body.querySelectorAll("[data-search-ignore], script, style, .heading-anchor").forEach(function (e) { e.remove(); });
        // Blocks end in a space, so that "Goal" and the text after it stay two words.
        body.querySelectorAll("p, li, dt, dd, div, section, header, h1, h2, h3, h4, h5, h6, td, th, br, figcaption")
          .forEach(function (e) { e.append(" "); });
        return body.textContent.replace(/\s+/g, " ").trim();
      }).catch(function () { return ""; });
    }
    return texts[url];
  }

  // An excerpt of about 30 words around the first place where most of
  // the matched terms are, with those words marked.
  function excerpt(text, matched, into) {
    var want = {};
    matched.forEach(function (t) { want[t] = true; });
    var words = text.split(" ");
    var hits = words.map(function (w) {
      return terms(w).some(function (t) { return want[t]; });
    });
    var best = 0, bestCount = -1;
    for (var i = 0; i < words.length; i++) {
      if (!hits[i]) continue;
      var count = 0;
      for (var j = i; j < Math.min(words.length, i + 30); j++) if (hits[j]) count++;
      if (count > bestCount) { best = i; bestCount = count; }
    }
    var start = Math.max(0, best - 8);
    var end = Math.min(words.length, start + 30);
    if (start > 0) into.appendChild(document.createTextNode("… "));
    for (var k = start; k < end; k++) {
      if (k > start) into.appendChild(document.createTextNode(" "));
      if (hits[k]) {
        var mark = document.createElement("mark");
        mark.textContent = words[k];
        into.appendChild(mark);
      } else {
        into.appendChild(document.createTextNode(words[k]));
      }
    }
    if (end < words.length) into.appendChild(document.createTextNode(" …"));
  }

  function enhance(form) {
    var input = form.querySelector("input[type=search]");
    var list = form.querySelector("[data-search-results]");
    var status = form.querySelector("[data-search-status]");
    if (!input || !list || !status) return;
    var latest = 0;
    var timer;
    // The form's words in the page's language (English where it has none).
    var english = {
      noMatch: "No page matches “{query}”.",
      oneMatch: "1 page matches “{query}”.",
      matches: "{count} pages match “{query}”.",
      firstListed: "{count} pages match “{query}”; the first {shown} are listed."
    };
    function say(key) {
      return form.dataset[key] || english[key];
    }

    function close() {
      list.hidden = true;
      list.textContent = "";
    }

    function run() {
      var query = input.value;
      var ticket = ++latest;
      if (!query.trim()) {
        close();
        status.textContent = "";
        return;
      }
      search(query).then(function (found) {
        if (ticket !== latest) return;
        list.textContent = "";
        found.results.forEach(function (result) {
          var item = document.createElement("li");
          item.className = "search-result";
          var link = document.createElement("a");
          link.href = result.url;
          link.className = "search-result__title";
          link.textContent = result.title;
          item.appendChild(link);
          if (result.section) {
            var section = document.createElement("span");
            section.className = "search-result__section";
            section.textContent = result.section;
            item.appendChild(section);
          }
          var text = document.createElement("p");
          text.className = "search-result__excerpt";
          item.appendChild(text);
          list.appendChild(item);
          pageText(result.url).then(function (body) {
            if (ticket === latest && body) excerpt(body, found.matched, text);
          });
        });
        list.hidden = found.results.length === 0;
        var total = found.total || 0;
        var said = total === 0 ? "noMatch"
          : total === 1 ? "oneMatch"
          : total > found.results.length ? "firstListed"
          : "matches";
        status.textContent = say(said)
          .replace("{query}", query.trim())
          .replace("{count}", total)
          .replace("{shown}", found.results.length);
      });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(run, 120);
    });
    form.addEventListener("submit", function (event) {
      // On the search page the results are here already; elsewhere the
      // form goes to the search page, which lists them on its own.
      if (form.hasAttribute("data-search-page")) {
        event.preventDefault();
        clearTimeout(timer);
        run();
      }
    });
    form.addEventListener("keydown", function (event) {
      var links = Array.prototype.slice.call(list.querySelectorAll("a"));
      var at = links.indexOf(document.activeElement);
      if (event.key === "ArrowDown" && links.length) {
        event.preventDefault();
        links[Math.min(at + 1, links.length - 1)].focus();
      } else if (event.key === "ArrowUp" && at >= 0) {
        event.preventDefault();
        if (at === 0) input.focus(); else links[at - 1].focus();
      } else if (event.key === "Escape") {
        if (!form.hasAttribute("data-search-page")) close();
        input.focus();
      }
    });
    // A list that drops down under the header box closes when the reader
    // moves on.
    if (!form.hasAttribute("data-search-page")) {
      form.addEventListener("focusout", function (event) {
        if (!form.contains(event.relatedTarget)) close();
      });
    }
    var initial = new URLSearchParams(window.location.search).get("q");
    if (form.hasAttribute("data-search-page") && initial) {
      input.value = initial;
      run();
    }
    form.hidden = false;
  }

  Array.prototype.forEach.call(forms, enhance);
})();
