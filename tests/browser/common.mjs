// What the browser tests share: checks that print as they pass, waiting, Chromium
// started the same way, and the run of a test's steps with its clean-up.

import fs from 'node:fs';
import { chromium } from 'playwright-core';

export function fail(msg) { throw new Error(msg); }
export function check(cond, msg) { if (!cond) fail(msg); console.log('ok - ' + msg); }
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function waitFor(what, fn, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) fail('timed out waiting for ' + what);
    await sleep(100);
  }
}

// Debian's headless Chromium, without anything that would reach the network.
export function launch(executablePath) {
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

// Runs `main`, then stops the `children` and removes `work`; exits 0 when every step
// held, 1 otherwise.
export async function run(name, main, work, children, out) {
  let status = 0;
  try {
    await main();
    console.log(name + ': all steps passed; screenshots in ' + out);
  } catch (e) {
    console.error('FAILED: ' + (e && e.stack || e));
    status = 1;
  } finally {
    for (const c of children) { try { c.kill('SIGTERM'); } catch (_) {} }
    fs.rmSync(work, { recursive: true, force: true });
  }
  process.exit(status);
}
