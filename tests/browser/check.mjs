#!/usr/bin/env node
// Headless-browser check of a built folio site.
//
//   node tests/browser/check.mjs PUBLIC_DIR [--search 'PAGE|QUERY|WANT,…|NOT'] PAGE_PATH [PAGE_PATH...]
//
// Each --search types QUERY into the header's search box of PAGE (desktop
// width) and expects a result linking to each URL in WANT and none whose
// URL starts with NOT (optional); every result must show a title, its
// section and an excerpt with the match marked, Arrow Down must move into
// the results and Escape back to the box, and axe-core must find nothing
// with the results open; Enter then opens the search page, which must list
// the WANT pages too and none of NOT (the language is carried over).
//
// Serves PUBLIC_DIR on 127.0.0.1 and loads every PAGE_PATH in Debian's
// chromium at a phone width and a desktop width. A check fails on console
// errors, uncaught page errors, failed or >= 400 requests, any request that
// would leave the machine, horizontal overflow, or any accessibility finding
// of axe-core (WCAG 2.1 A and AA, and axe's best practices), which is read
// from tests/browser/node_modules and injected into the page. A page with a
// programme filter ([data-schedule-filter]) also has its filter tried: every
// choice shows exactly the sessions it names, and with JavaScript off the
// filter stays hidden and every session is listed. Full-page screenshots go
// to tests/browser/screenshots/ so a failing CI run can be looked at afterwards.
//
// It also counts the bytes each page transfers as it opens (headers and
// bodies, lazy images below the fold not included) and which file its hero
// picture loaded: a page with a hero must load a smaller hero file at the
// phone width than at the desktop width. With BROWSER_CHECK_BYTES=FILE the
// figures are also written to FILE as JSON (scripts/bench reads them).
//
// Environment:
//   CHROMIUM               browser binary (default /usr/bin/chromium)
//   BROWSER_CHECK_TIMEOUT  overall limit in seconds (default 300)
//   BROWSER_CHECK_BYTES    where to write the transferred bytes per page (JSON)

import http from 'node:http';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { launchChromium } from './chromium.mjs';

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
// WCAG 2.0 and 2.1, levels A and AA, and axe's best practices (landmarks,
// regions, headings) that a screen reader user relies on as much.
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

const HOST = '127.0.0.1';
const SCREENSHOT_DIR = fileURLToPath(new URL('./screenshots/', import.meta.url));
const OVERALL_TIMEOUT_MS = 1000 * (Number(process.env.BROWSER_CHECK_TIMEOUT) || 300);
// Per navigation; keeps one hung page from eating the whole overall budget.
const PAGE_TIMEOUT_MS = 20_000;

const VIEWPORTS = [
  // isMobile makes chromium honour <meta name="viewport"> as a phone does,
  // which is what decides whether a real phone would scroll sideways.
  { width: 375, height: 812, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
  { width: 1280, height: 900, deviceScaleFactor: 1, isMobile: false, hasTouch: false },
];

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.ics': 'text/calendar; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

function usage(message) {
  if (message) console.error(`check.mjs: ${message}`);
  console.error("usage: node tests/browser/check.mjs PUBLIC_DIR [--search 'PAGE|QUERY|WANT,…|NOT'] PAGE_PATH [PAGE_PATH...]");
  process.exit(2);
}

// ---------------------------------------------------------------------------
// Static server. Deliberately dependency-free and strict: if the site only
// works because a dev server is lenient (e.g. about trailing slashes), the
// deployed site would break, so this behaves like a plain static host.

function startServer(rootDir) {
  const root = fs.realpathSync(rootDir);

  // Checked on the real path as well, so a symlink inside PUBLIC_DIR cannot
  // be used to read files outside it.
  const inside = (p) => p === root || p.startsWith(root + path.sep);

  const server = http.createServer(async (req, res) => {
    const send = (status, body, headers = {}) => {
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        return send(405, 'method not allowed\n', { Allow: 'GET, HEAD' });
      }
      const rawPath = new URL(req.url, `http://${HOST}`).pathname;
      let decoded;
      try {
        decoded = decodeURIComponent(rawPath);
      } catch {
        return send(400, 'bad request\n');
      }
      if (decoded.includes('\0')) return send(400, 'bad request\n');

      let file = path.join(root, decoded);
      if (!inside(file)) return send(403, 'forbidden\n');

      let stat;
      try {
        stat = await fsp.stat(file);
      } catch {
        return send(404, 'not found\n');
      }
      if (stat.isDirectory()) {
        if (!rawPath.endsWith('/')) {
          // Relative links on a directory page only resolve with the slash.
          return send(301, 'moved\n', { Location: rawPath + '/' });
        }
        file = path.join(file, 'index.html');
        try {
          stat = await fsp.stat(file);
        } catch {
          return send(404, 'not found\n');
        }
      }
      if (!stat.isFile()) return send(404, 'not found\n');
      const real = await fsp.realpath(file);
      if (!inside(real)) return send(403, 'forbidden\n');

      const type = CONTENT_TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
      res.writeHead(200, { 'Content-Type': type, 'Content-Length': stat.size, 'Cache-Control': 'no-store' });
      if (req.method === 'HEAD') return res.end();
      fs.createReadStream(real)
        .on('error', () => res.destroy())
        .pipe(res);
    } catch (err) {
      if (!res.headersSent) send(500, 'internal error\n');
      else res.destroy();
      console.error(`server error for ${req.url}: ${err.message}`);
    }
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => resolve(server));
  });
}

function closeServer(server) {
  // Keep-alive sockets from chromium would otherwise hold close() open.
  server.closeAllConnections?.();
  return new Promise((resolve) => server.close(() => resolve()));
}

// ---------------------------------------------------------------------------
// Browser checks.

function slugify(pagePath) {
  let decoded = pagePath;
  try {
    decoded = decodeURIComponent(pagePath);
  } catch {
    // keep it encoded; the slug is only a file name
  }
  const slug = decoded
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug || 'index';
}

async function checkPage(browser, origin, pagePath, viewport) {
  const problems = [];
  const reasons = new Set();
  const add = (reason, detail) => {
    reasons.add(reason);
    problems.push(detail);
  };
  const originHost = new URL(origin).host;
  let hasFilter = false;
  let transfer = null;
  let screenshotting = false;

  const context = await browser.newContext({
    viewport: { width: viewport.width, height: viewport.height },
    deviceScaleFactor: viewport.deviceScaleFactor,
    isMobile: viewport.isMobile,
    hasTouch: viewport.hasTouch,
    // Service-worker fetches bypass context.route(); block them so the
    // "nothing leaves the machine" guarantee holds.
    serviceWorkers: 'block',
  });
  try {
    // Routing on the context (not the page) also covers popups and workers.
    const blocked = new Set();
    await context.route('**/*', (route) => {
      const request = route.request();
      const url = new URL(request.url());
      if (url.protocol === 'data:' || url.protocol === 'blob:' || url.host === originHost) {
        return route.continue();
      }
      blocked.add(request);
      add('external request', `external request (blocked): ${request.method()} ${request.url()}`);
      return route.abort('blockedbyclient');
    });
    await context.routeWebSocket(/.*/, (ws) => {
      if (new URL(ws.url()).host === originHost) return ws.connectToServer();
      add('external request', `external websocket (blocked): ${ws.url()}`);
      ws.close();
    });

    const page = await context.newPage();
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      // Chromium echoes every failed load as "Failed to load resource"; those
      // are already reported, with their URL, by the request listeners below.
      if (msg.text().startsWith('Failed to load resource')) return;
      const loc = msg.location();
      const where = loc && loc.url ? ` (${loc.url}:${loc.lineNumber + 1})` : '';
      add('console error', `console error: ${msg.text()}${where}`);
    });
    page.on('pageerror', (err) => {
      add('page error', `page error: ${err.message}`);
    });
    page.on('requestfailed', (request) => {
      if (blocked.has(request)) return; // reported as external already
      // A full-page screenshot makes the viewport as tall as the page, so a
      // desktop page turns portrait for a moment and starts loading the
      // hero's portrait crop, which is cancelled when it turns back.
      if (screenshotting && request.failure()?.errorText === 'net::ERR_ABORTED') return;
      const why = request.failure()?.errorText ?? 'unknown error';
      add('failed request', `request failed: ${request.method()} ${request.url()} (${why})`);
    });
    page.on('response', (response) => {
      if (response.status() >= 400) {
        add('failed request', `HTTP ${response.status()}: ${response.request().method()} ${response.url()}`);
      }
    });
    const finished = [];
    page.on('requestfinished', (request) => finished.push(request));

    try {
      await page.goto(new URL(pagePath, origin).href, { waitUntil: 'load', timeout: PAGE_TIMEOUT_MS });
      await page.waitForLoadState('networkidle', { timeout: PAGE_TIMEOUT_MS });
    } catch (err) {
      add('navigation', `navigation failed: ${err.message.split('\n')[0]}`);
    }

    try {
      const overflow = await page.evaluate((deviceWidth) => {
        // With isMobile, chromium zooms out to fit overflowing content, which
        // grows innerWidth to the content width and would hide the overflow;
        // so the width to fit is also capped by the device width itself.
        const vw = Math.min(window.innerWidth, document.documentElement.clientWidth, deviceWidth);
        const docWidth = document.documentElement.scrollWidth;
        const bodyWidth = document.body ? document.body.scrollWidth : 0;
        if (docWidth <= vw && bodyWidth <= vw) return null;
        // Name a few culprits: "page overflows" alone is slow to debug.
        // Content inside a scroll container (e.g. overflow-x:auto on a code
        // block) is clipped and does not widen the page, so it is skipped;
        // of nested offenders only the innermost is named.
        const clipped = (el) => {
          for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
            if (getComputedStyle(p).overflowX !== 'visible') return true;
          }
          return false;
        };
        const offenders = [];
        for (const el of document.body ? document.body.querySelectorAll('*') : []) {
          const r = el.getBoundingClientRect();
          if (r.width === 0 || clipped(el)) continue;
          const spills = getComputedStyle(el).overflowX === 'visible' && r.left + el.scrollWidth > vw + 0.5;
          if (r.right > vw + 0.5 || spills) offenders.push({ el, right: Math.max(r.right, r.left + el.scrollWidth) });
        }
        const culprits = offenders
          .filter((o) => !offenders.some((other) => other !== o && o.el.contains(other.el)))
          .slice(0, 3)
          .map(({ el, right }) => {
            let name = el.tagName.toLowerCase();
            if (el.id) name += `#${el.id}`;
            else if (typeof el.className === 'string' && el.className.trim()) {
              name += '.' + el.className.trim().split(/\s+/).join('.');
            }
            return `${name} (right edge ${Math.round(right)}px)`;
          });
        // A layout viewport wider than the device means no usable
        // <meta name="viewport">: phones then render a shrunken desktop page.
        const noViewportMeta = document.documentElement.clientWidth > deviceWidth;
        return { vw, docWidth, bodyWidth, culprits, noViewportMeta };
      }, viewport.width);
      if (overflow) {
        const { vw, docWidth, bodyWidth, culprits, noViewportMeta } = overflow;
        add(
          'horizontal overflow',
          `horizontal overflow: scrollWidth html=${docWidth}px body=${bodyWidth}px > viewport ${vw}px` +
            (culprits.length ? `; e.g. ${culprits.join(', ')}` : '') +
            (noViewportMeta ? '; page lacks <meta name="viewport" content="width=device-width">' : ''),
        );
      }
    } catch (err) {
      add('overflow check', `overflow check failed: ${err.message.split('\n')[0]}`);
    }

    try {
      for (const finding of await accessibilityFindings(page)) add('accessibility', finding);
    } catch (err) {
      add('accessibility', `axe-core failed to run: ${err.message.split('\n')[0]}`);
    }

    try {
      hasFilter = (await page.locator('[data-schedule-filter]').count()) > 0;
      if (hasFilter) {
        for (const problem of await tryScheduleFilter(page)) add('schedule filter', problem);
      }
    } catch (err) {
      add('schedule filter', `schedule filter check failed: ${err.message.split('\n')[0]}`);
    }

    try {
      transfer = await transferredBytes(page, finished);
    } catch (err) {
      add('bytes', `counting transferred bytes failed: ${err.message.split('\n')[0]}`);
    }

    // Taken for passing pages too, so layouts can be eyeballed from CI artifacts.
    const shot = path.join(SCREENSHOT_DIR, `${slugify(pagePath)}-${viewport.width}.png`);
    screenshotting = true;
    try {
      await page.screenshot({ path: shot, fullPage: true, timeout: PAGE_TIMEOUT_MS });
    } catch (err) {
      add('screenshot', `screenshot failed: ${err.message.split('\n')[0]}`);
    }
  } finally {
    await context.close().catch(() => {});
  }
  const filter = hasFilter ? await checkFilterWithoutScripts(browser, origin, pagePath, viewport) : [];
  for (const problem of filter) {
    reasons.add('schedule filter');
    problems.push(problem);
  }
  return { reasons: [...reasons], problems, transfer };
}

// What the page transferred (response headers and bodies of every finished
// request) and the hero picture it chose: { total, hero: { url, bytes } }.
async function transferredBytes(page, finished) {
  let total = 0;
  const bytesOf = new Map();
  for (const request of finished) {
    const sizes = await request.sizes();
    const bytes = sizes.responseHeadersSize + sizes.responseBodySize;
    total += bytes;
    bytesOf.set(request.url(), bytes);
  }
  const heroUrl = await page.evaluate(() => document.querySelector('.hero__image')?.currentSrc || null);
  const hero = heroUrl ? { url: new URL(heroUrl).pathname, bytes: bytesOf.get(heroUrl) ?? 0 } : null;
  return { total, hero };
}

// axe-core's violations on the page as it stands, one line per rule with the
// first few elements it found.
async function accessibilityFindings(page) {
  await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async (tags) => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(' ')}${n.failureSummary ? ` (${n.failureSummary.split('\n').slice(1).join(' ').trim()})` : ''}`),
    }));
  }, AXE_TAGS);
  return violations.map(
    (v) => `axe ${v.id} (${v.impact}): ${v.help}: ${v.nodes.length} element(s), e.g. ${v.nodes.slice(0, 3).join('; ')}`,
  );
}

// Tries every choice of the programme filter: each day, each format, and
// each day with each format. What is shown must be exactly the sessions whose
// data-day and data-category match, the days left empty must be hidden, and
// the status line must give the count.
async function tryScheduleFilter(page) {
  const problems = [];
  if (!(await page.locator('[data-schedule-filter]').isVisible())) {
    return ['the schedule filter stays hidden although scripts run'];
  }
  const values = (name) =>
    page.$$eval(`[data-schedule-filter] input[name="${name}"]`, (inputs) => inputs.map((i) => i.value));
  const days = await values('day');
  const formats = (await values('format')).length ? await values('format') : [''];
  const choose = async (name, value) => {
    const input = page.locator(`[data-schedule-filter] input[name="${name}"][value="${value}"]`);
    if (await input.count()) await input.check();
  };
  let total = null;
  for (const day of days) {
    for (const format of formats) {
      await choose('day', day);
      await choose('format', format);
      const state = await page.evaluate(([day, format]) => {
        const items = [...document.querySelectorAll('.schedule .schedule-item')];
        const shown = (el) => el.checkVisibility();
        const wrong = items.filter((item) => {
          const wanted = (!day || item.dataset.day === day) && (!format || item.dataset.category === format);
          return wanted !== shown(item);
        });
        const emptyDays = [...document.querySelectorAll('.schedule-day')].filter(
          (d) => shown(d) && !d.querySelector('.schedule-item:not([hidden])'),
        );
        return {
          total: items.length,
          shown: items.filter(shown).length,
          wrong: wrong.map((i) => i.querySelector('.schedule-item__title')?.textContent.trim()),
          emptyDays: emptyDays.length,
          status: document.querySelector('.schedule-filter__status')?.textContent ?? '',
          address: window.location.search,
        };
      }, [day, format]);
      const what = `day=${day || 'all'} format=${format || 'all'}`;
      if (!day && !format) total = state.shown;
      if (state.wrong.length) problems.push(`${what}: wrongly shown or hidden: ${state.wrong.slice(0, 3).join('; ')}`);
      if (state.emptyDays) problems.push(`${what}: ${state.emptyDays} day heading(s) shown with no session under them`);
      if ((day || format) && !state.status.includes(String(state.shown === 0 ? 'No session' : state.shown))) {
        problems.push(`${what}: the status line says "${state.status}" for ${state.shown} shown`);
      }
      if (day && !state.address.includes(`day=${day}`)) {
        problems.push(`${what}: the address does not keep the choice (${state.address})`);
      }
      // A single day or a single format always has sessions: it was listed from them.
      if ((!day || !format) && (day || format) && state.shown === 0) problems.push(`${what}: shows nothing`);
    }
  }
  await choose('day', '');
  await choose('format', '');
  if (total === 0) problems.push('the unfiltered programme shows no session');
  return problems;
}

// With JavaScript off a programme filter must stay hidden (it could not
// work) and every session must be listed.
async function checkFilterWithoutScripts(browser, origin, pagePath, viewport) {
  const context = await browser.newContext({
    viewport: { width: viewport.width, height: viewport.height },
    javaScriptEnabled: false,
    serviceWorkers: 'block',
  });
  try {
    await context.route('**/*', (route) =>
      new URL(route.request().url()).host === new URL(origin).host ? route.continue() : route.abort('blockedbyclient'),
    );
    const page = await context.newPage();
    await page.goto(new URL(pagePath, origin).href, { waitUntil: 'load', timeout: PAGE_TIMEOUT_MS });
    if (!(await page.locator('[data-schedule-filter]').count())) return [];
    const state = await page.evaluate(() => ({
      filterShown: document.querySelector('[data-schedule-filter]').checkVisibility(),
      items: document.querySelectorAll('.schedule .schedule-item').length,
      shown: [...document.querySelectorAll('.schedule .schedule-item')].filter((i) => i.checkVisibility()).length,
    }));
    const problems = [];
    if (state.filterShown) problems.push('without JavaScript the schedule filter is shown, though it cannot work');
    if (state.shown !== state.items) problems.push(`without JavaScript only ${state.shown} of ${state.items} sessions are listed`);
    return problems;
  } catch (err) {
    return [`schedule filter check without JavaScript failed: ${err.message.split('\n')[0]}`];
  } finally {
    await context.close().catch(() => {});
  }
}

// Types a query into the header's search box and checks what it lists.
async function trySearch(browser, origin, spec) {
  const [pagePath, query, want = '', not = ''] = spec.split('|');
  const wanted = want.split(',').filter(Boolean);
  const problems = [];
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });
  try {
    await context.route('**/*', (route) =>
      new URL(route.request().url()).host === new URL(origin).host ? route.continue() : route.abort('blockedbyclient'),
    );
    const page = await context.newPage();
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    await page.goto(new URL(pagePath, origin).href, { waitUntil: 'load', timeout: PAGE_TIMEOUT_MS });
    const box = page.locator('header form[data-search] input[type=search]');
    await box.click();
    await box.pressSequentially(query, { delay: 20 });
    // Each key press searches again; the status names the query it answers
    // (in the page's language), so wait for the full query's answer before
    // reading the list, or a slow machine reads a prefix's results.
    const statusLine = page.locator('header form[data-search] [data-search-status]');
    await page.waitForFunction(
      ([selector, q]) => document.querySelector(selector)?.textContent.includes(q),
      ['header form[data-search] [data-search-status]', query],
      { timeout: PAGE_TIMEOUT_MS },
    ).catch(() => {});
    const results = page.locator('header form[data-search] [data-search-results] li');
    await results.first().waitFor({ state: 'visible', timeout: PAGE_TIMEOUT_MS });
    // Excerpts come from the found pages; wait until each has its marks.
    await page.waitForFunction(
      () => [...document.querySelectorAll('header [data-search-results] li')].every((li) => li.querySelector('mark')),
      null,
      { timeout: PAGE_TIMEOUT_MS },
    ).catch(() => problems.push(`"${query}": not every result got an excerpt with the match marked`));
    const listed = await results.evaluateAll((items) =>
      items.map((li) => ({
        url: new URL(li.querySelector('a').href).pathname,
        title: li.querySelector('.search-result__title')?.textContent.trim() ?? '',
        section: li.querySelector('.search-result__section')?.textContent.trim() ?? '',
        marked: [...li.querySelectorAll('mark')].map((m) => m.textContent),
      })),
    );
    for (const url of wanted) {
      if (!listed.some((r) => r.url === url)) {
        problems.push(`"${query}" does not list ${url}; it lists ${listed.map((r) => r.url).join(', ')}`);
      }
    }
    for (const r of listed) {
      if (not && r.url.startsWith(not)) problems.push(`"${query}" lists ${r.url}, a page of another language`);
      if (!r.title) problems.push(`"${query}": a result without a title (${r.url})`);
      if (!r.section) problems.push(`"${query}": ${r.url} is listed without its section`);
    }
    const status = await statusLine.textContent();
    // The status names the query, in the page's language.
    if (!status.includes(query)) problems.push(`"${query}": the status says "${status}"`);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `search-${slugify(query)}.png`) });
    for (const finding of await accessibilityFindings(page)) problems.push(`with results open: ${finding}`);
    await box.press('ArrowDown');
    const focused = await page.evaluate(() => document.activeElement?.closest('[data-search-results]') !== null);
    if (!focused) problems.push('Arrow Down does not move into the results');
    await page.keyboard.press('Escape');
    const back = await page.evaluate(() => ({
      onBox: document.activeElement?.matches('input[type=search]') ?? false,
      closed: document.querySelector('header [data-search-results]').hidden,
    }));
    if (!back.onBox || !back.closed) problems.push('Escape does not close the results and return to the box');
    // Enter opens the search page, which lists the same language's pages.
    await box.press('Enter');
    await page.waitForURL(/\/search\/\?/, { timeout: PAGE_TIMEOUT_MS });
    const onPage = page.locator('form[data-search-page] [data-search-results] li a');
    await onPage.first().waitFor({ state: 'visible', timeout: PAGE_TIMEOUT_MS });
    const paged = await onPage.evaluateAll((links) => links.map((a) => new URL(a.href).pathname));
    for (const url of wanted) {
      if (!paged.includes(url)) problems.push(`the search page for "${query}" does not list ${url}; it lists ${paged.join(', ')}`);
    }
    for (const url of paged) {
      if (not && url.startsWith(not)) problems.push(`the search page for "${query}" lists ${url}, a page of another language`);
    }
    console.log(`    "${query}" lists: ${listed.map((r) => `${r.url} (${r.section})`).join(', ')}; the search page: ${paged.join(', ')}`);
  } catch (err) {
    problems.push(`search check failed: ${err.message.split('\n')[0]}`);
  } finally {
    await context.close().catch(() => {});
  }
  return problems;
}

// ---------------------------------------------------------------------------

async function main() {
  const args = process.argv.slice(2);
  if (args.includes('-h') || args.includes('--help')) usage();
  const searches = [];
  for (let i = args.indexOf('--search'); i >= 0; i = args.indexOf('--search')) {
    if (!args[i + 1]) usage('--search needs PAGE|QUERY|WANT|NOT');
    searches.push(args[i + 1]);
    args.splice(i, 2);
  }
  if (args.length < 1 || (args.length < 2 && !searches.length)) usage('need PUBLIC_DIR and at least one PAGE_PATH');
  const [publicDir, ...pagePaths] = args;
  if (!fs.existsSync(publicDir) || !fs.statSync(publicDir).isDirectory()) {
    usage(`PUBLIC_DIR ${publicDir} is not a directory`);
  }
  for (const p of pagePaths) {
    if (!p.startsWith('/')) usage(`PAGE_PATH must start with "/": ${p}`);
  }

  const total = pagePaths.length * VIEWPORTS.length + searches.length;
  const bytes = {};
  let passed = 0;
  let server;
  let browser;
  let timer;
  let timedOut = false;

  const run = async () => {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    server = await startServer(publicDir);
    const origin = `http://${HOST}:${server.address().port}`;
    browser = await launchChromium();
    for (const pagePath of pagePaths) {
      for (const viewport of VIEWPORTS) {
        const { reasons, problems, transfer } = await checkPage(browser, origin, pagePath, viewport);
        // A check that finished after the deadline was already counted as failed.
        if (timedOut) return;
        if (transfer) {
          (bytes[pagePath] ??= {})[viewport.width] = transfer;
          const hero = transfer.hero ? `; hero ${transfer.hero.bytes} bytes (${path.basename(transfer.hero.url)})` : '';
          console.log(`    ${pagePath} @${viewport.width}: ${transfer.total} bytes transferred${hero}`);
          const phone = bytes[pagePath][VIEWPORTS[0].width]?.hero;
          const desktop = bytes[pagePath][VIEWPORTS[1].width]?.hero;
          if (phone && desktop && viewport === VIEWPORTS[1] && !(phone.bytes < desktop.bytes)) {
            reasons.push('hero size');
            problems.push(
              `the phone loads a hero of ${phone.bytes} bytes (${phone.url}), not less than the desktop's ${desktop.bytes} (${desktop.url})`,
            );
          }
        }
        if (problems.length === 0) {
          passed++;
          console.log(`ok  ${pagePath} @${viewport.width}`);
        } else {
          console.log(`FAIL ${pagePath} @${viewport.width}: ${reasons.join(', ')}`);
          for (const p of problems) console.log(`    - ${p}`);
        }
      }
    }
    for (const spec of searches) {
      const problems = await trySearch(browser, origin, spec);
      if (timedOut) return;
      if (problems.length === 0) {
        passed++;
        console.log(`ok  search ${spec}`);
      } else {
        console.log(`FAIL search ${spec}`);
        for (const p of problems) console.log(`    - ${p}`);
      }
    }
  };

  const deadline = new Promise((resolve) => {
    timer = setTimeout(() => {
      timedOut = true;
      resolve();
    }, OVERALL_TIMEOUT_MS);
  });

  try {
    await Promise.race([run(), deadline]);
    if (timedOut) {
      console.log(`FAIL overall timeout of ${OVERALL_TIMEOUT_MS / 1000}s exceeded; unfinished checks count as failed`);
    }
  } catch (err) {
    console.log(`FAIL setup: ${err.message.split('\n')[0]}`);
  } finally {
    clearTimeout(timer);
    // If closing itself hangs, still exit instead of stalling CI.
    const forceExit = setTimeout(() => {
      console.error('check.mjs: cleanup hung; exiting');
      process.exit(1);
    }, 10_000);
    forceExit.unref();
    if (browser) await browser.close().catch(() => {});
    if (server) await closeServer(server);
  }

  if (process.env.BROWSER_CHECK_BYTES) {
    fs.writeFileSync(process.env.BROWSER_CHECK_BYTES, JSON.stringify(bytes, null, 1) + '\n');
  }
  // The closing note: what a phone and a desktop downloaded for each page
  // with a hero, side by side.
  const [phoneWidth, desktopWidth] = VIEWPORTS.map((v) => v.width);
  for (const [pagePath, byWidth] of Object.entries(bytes)) {
    const phone = byWidth[phoneWidth];
    const desktop = byWidth[desktopWidth];
    if (!phone?.hero || !desktop?.hero) continue;
    console.log(
      `hero of ${pagePath}: ${phone.hero.bytes} bytes at ${phoneWidth} px (${path.basename(phone.hero.url)}), ` +
        `${desktop.hero.bytes} bytes at ${desktopWidth} px (${path.basename(desktop.hero.url)}); ` +
        `the page in all: ${phone.total} and ${desktop.total} bytes`,
    );
  }
  // Every check that did not report (setup error, timeout) counts as failed.
  const failed = total - passed;
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

main();
