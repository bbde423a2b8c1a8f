// Debian's Chromium, headless, as both browser checks start it: without a
// sandbox (CI runs as root) and without the background connections to
// other hosts that a closed network refuses.
//
//   CHROMIUM  path of the browser (default /usr/bin/chromium)

import { chromium } from 'playwright-core';

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-default-apps',
    ],
  });
}
