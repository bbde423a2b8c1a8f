#!/usr/bin/env node
// Headless-browser check of a built folio site.
//
//   node tests/browser/check.mjs PUBLIC_DIR PAGE_PATH [PAGE_PATH...]
//
// Serves PUBLIC_DIR on 127.0.0.1 and loads every PAGE_PATH in Debian's
// chromium at a phone width and a desktop width. A check fails on console
// errors, uncaught page errors, failed or >= 400 requests, any request that
// would leave the machine, or horizontal overflow. Full-page screenshots go to
// tests/browser/screenshots/ so a failing CI run can be looked at afterwards.
//
// Environment:
//   CHROMIUM               browser binary (default /usr/bin/chromium)
//   BROWSER_CHECK_TIMEOUT  overall limit in seconds (default 60)

import http from 'node:http';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './chromium.mjs';

const HOST = '127.0.0.1';
const SCREENSHOT_DIR = fileURLToPath(new URL('./screenshots/', import.meta.url));
const OVERALL_TIMEOUT_MS = 1000 * (Number(process.env.BROWSER_CHECK_TIMEOUT) || 60);
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
  console.error('usage: node tests/browser/check.mjs PUBLIC_DIR PAGE_PATH [PAGE_PATH...]');
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
      const why = request.failure()?.errorText ?? 'unknown error';
      add('failed request', `request failed: ${request.method()} ${request.url()} (${why})`);
    });
    page.on('response', (response) => {
      if (response.status() >= 400) {
        add('failed request', `HTTP ${response.status()}: ${response.request().method()} ${response.url()}`);
      }
    });

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

    // Taken for passing pages too, so layouts can be eyeballed from CI artifacts.
    const shot = path.join(SCREENSHOT_DIR, `${slugify(pagePath)}-${viewport.width}.png`);
    try {
      await page.screenshot({ path: shot, fullPage: true, timeout: PAGE_TIMEOUT_MS });
    } catch (err) {
      add('screenshot', `screenshot failed: ${err.message.split('\n')[0]}`);
    }
  } finally {
    await context.close().catch(() => {});
  }
  return { reasons: [...reasons], problems };
}

// ---------------------------------------------------------------------------

async function main() {
  const args = process.argv.slice(2);
  if (args.includes('-h') || args.includes('--help')) usage();
  if (args.length < 2) usage('need PUBLIC_DIR and at least one PAGE_PATH');
  const [publicDir, ...pagePaths] = args;
  if (!fs.existsSync(publicDir) || !fs.statSync(publicDir).isDirectory()) {
    usage(`PUBLIC_DIR ${publicDir} is not a directory`);
  }
  for (const p of pagePaths) {
    if (!p.startsWith('/')) usage(`PAGE_PATH must start with "/": ${p}`);
  }

  const total = pagePaths.length * VIEWPORTS.length;
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
        const { reasons, problems } = await checkPage(browser, origin, pagePath, viewport);
        // A check that finished after the deadline was already counted as failed.
        if (timedOut) return;
        if (problems.length === 0) {
          passed++;
          console.log(`ok  ${pagePath} @${viewport.width}`);
        } else {
          console.log(`FAIL ${pagePath} @${viewport.width}: ${reasons.join(', ')}`);
          for (const p of problems) console.log(`    - ${p}`);
        }
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

  // Every check that did not report (setup error, timeout) counts as failed.
  const failed = total - passed;
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

main();
