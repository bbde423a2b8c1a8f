#!/usr/bin/env node
// Headless-browser check of `folio serve`'s live reload.
//
//   node tests/browser/serve-reload.mjs
//
// Copies the bundled site to a scratch folder, starts `folio serve --port 0`
// on it, opens a page in Debian's chromium and edits files on disk; the page
// must follow by itself, with no action of this script:
//   - a Markdown edit shows the new text (and keeps the scroll position);
//   - a stylesheet edit is swapped in without reloading the page;
//   - a broken edit shows the error overlay over the last good page, and
//     fixing it removes the overlay.
// Prints one line per check and a final `N passed, M failed`; exits 0 or 1.
//
// Environment:
//   FOLIO                  the folio binary (default target/release/folio)
//   CHROMIUM               browser binary (default /usr/bin/chromium)
//   BROWSER_CHECK_TIMEOUT  overall limit in seconds (default 90)

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './chromium.mjs';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const FOLIO = process.env.FOLIO || path.join(REPO, 'target/release/folio');
const OVERALL_TIMEOUT_MS = 1000 * (Number(process.env.BROWSER_CHECK_TIMEOUT) || 90);
// How long the page may take to follow one edit.
const FOLLOW_TIMEOUT_MS = 15_000;
const PAGE = '/meetings/2021-global-nodes-meeting/sessions/';
const MARKDOWN = 'content/meetings/2021-global-nodes-meeting/sessions.md';
const STYLESHEET = 'themes/gbif/static/css/folio.css';

function copySite(dir) {
  for (const name of ['site.yaml', 'content', 'assets', 'themes', 'templates', 'data']) {
    const from = path.join(REPO, name);
    if (fs.existsSync(from)) fs.cpSync(from, path.join(dir, name), { recursive: true });
  }
}

// Starts the server and resolves with its URL, read from its
// `Serving on http://127.0.0.1:PORT/` line.
function startServer(root) {
  const child = spawn(FOLIO, ['serve', '--port', '0', '--root', root], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  child.stderr.on('data', (d) => lines.push(String(d).trimEnd()));
  const url = new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout });
    rl.on('line', (line) => {
      lines.push(line);
      const m = /^Serving on (http:\/\/\S+\/)/.exec(line);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`folio serve exited (${code}): ${lines.join(' | ')}`)));
    child.once('error', reject);
  });
  return { child, url, lines };
}

function stopServer(child) {
  if (!child || child.exitCode !== null) return Promise.resolve(child?.exitCode);
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', (code) => {
      clearTimeout(force);
      resolve(code);
    });
    child.kill('SIGINT');
  });
}

async function main() {
  const results = [];
  const check = async (name, fn) => {
    try {
      const note = await fn();
      results.push(true);
      console.log(`ok  ${name}${note ? ` (${note})` : ''}`);
    } catch (err) {
      results.push(false);
      console.log(`FAIL ${name}: ${String(err.message || err).split('\n')[0]}`);
    }
  };
  const expected = 5;

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'folio-serve-reload-'));
  let server;
  let browser;
  let timer;
  const run = async () => {
    if (!fs.existsSync(FOLIO)) throw new Error(`${FOLIO} not found: run cargo build --release first`);
    copySite(dir);
    const mdPath = path.join(dir, MARKDOWN);
    const cssPath = path.join(dir, STYLESHEET);
    const original = fs.readFileSync(mdPath, 'utf8');
    const css = fs.readFileSync(cssPath, 'utf8');

    server = startServer(dir);
    const origin = await server.url;
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 700 } });
    // Nothing may leave the machine.
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      return url.origin === new URL(origin).origin || url.protocol === 'data:' ? route.continue() : route.abort();
    });
    const page = await context.newPage();
    const pageErrors = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(new URL(PAGE, origin).href, { waitUntil: 'load' });

    await check('a Markdown edit appears by itself, scroll position kept', async () => {
      const marker = `Edited while serving ${Date.now()}`;
      await page.evaluate(() => window.scrollTo(0, 600));
      const scrolled = await page.evaluate(() => window.scrollY);
      if (scrolled < 100) throw new Error(`the page is too short to scroll (scrollY ${scrolled})`);
      const saved = Date.now();
      fs.writeFileSync(mdPath, original.replace(/\n---\n/, `\n---\n\n${marker}\n`));
      await page.waitForFunction((text) => document.body.innerText.includes(text), marker, {
        timeout: FOLLOW_TIMEOUT_MS,
        polling: 10,
      });
      const ms = Date.now() - saved;
      await page.waitForFunction((y) => Math.abs(window.scrollY - y) <= 2, scrolled, { timeout: FOLLOW_TIMEOUT_MS });
      return `${ms} ms from save to new text, scrollY ${scrolled} kept`;
    });

    await check('a stylesheet edit is swapped in without a reload', async () => {
      const count = () => page.evaluate(() => document.querySelectorAll('link[rel~="stylesheet"]').length);
      const before = await count();
      await page.evaluate(() => {
        window.__folioNoReload = true;
      });
      fs.writeFileSync(cssPath, `${css}\nbody { outline: 3px solid rgb(1, 2, 3); }\n`);
      await page.waitForFunction(() => getComputedStyle(document.body).outlineColor === 'rgb(1, 2, 3)', null, {
        timeout: FOLLOW_TIMEOUT_MS,
        polling: 10,
      });
      if (!(await page.evaluate(() => window.__folioNoReload === true))) throw new Error('the page was reloaded');
      // The old link goes once the new one has loaded.
      await page.waitForFunction((n) => document.querySelectorAll('link[rel~="stylesheet"]').length === n, before, {
        timeout: FOLLOW_TIMEOUT_MS,
      });
    });

    await check('a broken edit shows the error overlay over the last good page', async () => {
      fs.writeFileSync(mdPath, '---\ntitle: Sessions\nnever closed\n');
      const overlay = page.locator('#folio-build-errors[role="alert"]');
      await overlay.waitFor({ state: 'visible', timeout: FOLLOW_TIMEOUT_MS });
      const text = await overlay.innerText();
      if (!text.includes('sessions.md')) throw new Error(`the overlay does not name the file: ${text}`);
      if (!(await page.evaluate(() => document.body.innerText.includes('Edited while serving')))) {
        throw new Error('the last good page is not shown under the overlay');
      }
    });

    await check('fixing the file removes the overlay', async () => {
      fs.writeFileSync(mdPath, original.replace(/\n---\n/, '\n---\n\nFixed again.\n'));
      await page.waitForFunction(
        () => !document.getElementById('folio-build-errors') && document.body.innerText.includes('Fixed again.'),
        null,
        { timeout: FOLLOW_TIMEOUT_MS, polling: 10 },
      );
    });

    await check('no page errors', async () => {
      if (pageErrors.length) throw new Error(pageErrors.join('; '));
    });
  };

  const deadline = new Promise((resolve) => {
    timer = setTimeout(() => {
      console.log(`FAIL overall timeout of ${OVERALL_TIMEOUT_MS / 1000}s exceeded`);
      resolve();
    }, OVERALL_TIMEOUT_MS);
  });
  try {
    await Promise.race([run(), deadline]);
  } catch (err) {
    console.log(`FAIL setup: ${String(err.message || err).split('\n')[0]}`);
  } finally {
    clearTimeout(timer);
    const forceExit = setTimeout(() => {
      console.error('serve-reload.mjs: cleanup hung; exiting');
      process.exit(1);
    }, 15_000);
    forceExit.unref();
    if (browser) await browser.close().catch(() => {});
    if (server) {
      const code = await stopServer(server.child);
      if (code !== 0) {
        results.push(false);
        console.log(`FAIL folio serve exited with ${code} on Ctrl-C; its output: ${server.lines.join(' | ')}`);
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const passed = results.filter(Boolean).length;
  const failed = Math.max(expected, results.length) - passed;
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

main();
