// Which Chromium the tests, the benchmark and the screenshot use, and with which flags.
// Playwright must not download a browser here: take a local one, in this order.
import { existsSync } from 'node:fs';

export function chromiumExecutable() {
  const candidates = [process.env.CHROME_PATH, '/usr/bin/chromium', '/usr/bin/google-chrome'];
  // undefined: Playwright's own browser, for users who ran `npx playwright install chromium`.
  return candidates.find((p) => p && existsSync(p));
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Without it navigator.gpu exists but requestAdapter() returns null on Linux.
  '--enable-unsafe-webgpu',
];
