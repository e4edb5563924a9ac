// End-to-end test of `localfeed serve`'s subscription pages in headless Chromium.
//
// Drives Debian's /usr/bin/chromium through playwright-core against `localfeed serve`
// on 127.0.0.1, with ../shared/tools/smtp-sink as the SMTP server: subscribe (searching
// a place by name), confirm from the received email, receive a digest (`localfeed run`),
// manage the subscription, unsubscribe with the page's one-click button and with an
// RFC 8058 POST. Saves a screenshot of every page into OUT_DIR.
//
// Environment: LOCALFEED_BIN (the binary), REPO (the repository), SHARED_TOOLS
// (../shared/tools), OUT_DIR (screenshots and logs), CHROMIUM (default /usr/bin/chromium).
// Exit status 0 when every step held, 1 otherwise.

import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { check, launch, run, waitFor } from './common.mjs';

const BIN = process.env.LOCALFEED_BIN;
const REPO = process.env.REPO;
const TOOLS = process.env.SHARED_TOOLS;
const OUT = process.env.OUT_DIR;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const NOW = '2024-06-10T09:00:00+08:00';
const KEY = 'browser-test-signing-key-0123456789';
const READER = 'web.reader@example.org';
const BASE = 'https://news.example.org/';


const work = fs.mkdtempSync(path.join(os.tmpdir(), 'localfeed-e2e-'));
fs.mkdirSync(OUT, { recursive: true });
const children = [];
const env = { ...process.env, LOCALFEED_NOW: NOW, LOCALFEED_DIGEST_KEY: KEY };
delete env.LOCALFEED_CONFIG;

function lf(...args) {
  return execFileSync(BIN, args, { cwd: work, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

// Minimal MIME reading: headers unfolded, base64 parts decoded.
function readMail(file) {
  const raw = fs.readFileSync(file, 'utf8');
  const [head] = raw.split(/\r?\n\r?\n/);
  const headers = head.replace(/\r?\n[ \t]+/g, ' ');
  let text = '';
  for (const part of raw.split(/Content-Transfer-Encoding: base64/i).slice(1)) {
    const body = part.split(/\r?\n\r?\n/)[1] || '';
    const b64 = body.split(/\r?\n--/)[0].replace(/\s+/g, '');
    text += Buffer.from(b64, 'base64').toString('utf8') + '\n';
  }
  return { file, raw, headers, text };
}

function mails(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f.endsWith('.eml')).sort().map((f) => readMail(path.join(dir, f)));
}

async function main() {
  fs.cpSync(path.join(REPO, 'examples'), path.join(work, 'examples'), { recursive: true });
  const mailDir = path.join(work, 'mail');
  const sink = spawn(path.join(TOOLS, 'smtp-sink'), ['--dir', mailDir, '--ready-file', path.join(work, 'sink.port'),
    '--pidfile', path.join(work, 'sink.pid'), '--timeout', '600'], { stdio: 'ignore' });
  children.push(sink);
  const ready = await waitFor('smtp-sink', () => {
    const f = path.join(work, 'sink.port');
    return fs.existsSync(f) && fs.readFileSync(f, 'utf8').trim();
  });
  const smtpPort = ready.match(/(\d+)\s*$/)[1];
  let cfg = fs.readFileSync(path.join(REPO, 'config.toml'), 'utf8');
  cfg = cfg.replace(/^smtp_url = .*$/m, `smtp_url = "smtp://127.0.0.1:${smtpPort}"`)
    .replace(/^password_env = .*$/m, 'password_env = ""');
  fs.writeFileSync(path.join(work, 'config.toml'), cfg);

  lf('run');
  // The place with the most articles, from the published feeds (no name is hard-coded).
  const feeds = path.join(work, 'feeds');
  const counted = fs.readdirSync(feeds).filter((d) => /^\d{6}$/.test(d)).map((d) => {
    const rss = fs.readFileSync(path.join(feeds, d, 'rss.xml'), 'utf8');
    return [d, (rss.match(/<item>/g) || []).length];
  }).sort((a, b) => b[1] - a[1]);
  check(counted.length > 0 && counted[0][1] > 0, 'the first run published a county feed with articles');
  const code = counted[0][0];

  const server = spawn(BIN, ['serve', '--listen', '127.0.0.1:0'], { cwd: work, env, stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(server);
  let log = '';
  server.stderr.on('data', (d) => { log += d.toString(); });
  const port = await waitFor('serve', () => (log.match(/listening on http:\/\/127\.0\.0\.1:(\d+)\//) || [])[1]);
  const site = `http://127.0.0.1:${port}/`;
  const local = (u) => u.replace(BASE, site);

  const browser = await launch(CHROMIUM);
  try {
    const context = await browser.newContext({ viewport: { width: 1000, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
    });
    page.on('response', (r) => {
      if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) errors.push(r.status() + ' ' + r.url());
    });
    const shot = async (name) => page.screenshot({ path: path.join(OUT, name + '.png'), fullPage: true });

    // 1. Subscribe: search a place by name, add it, choose a schedule.
    const places = await (await context.request.get(site + 'api/places?q=' + code)).json();
    const name = places.find((p) => p.code === code).name;
    await page.goto(site + 'subscribe');
    await shot('01-subscribe');
    await page.fill('#email', READER);
    await page.fill('#q', name);
    await page.waitForSelector(`#results button[data-code="${code}"]`);
    await shot('02-search');
    await page.click(`#results button[data-code="${code}"]`);
    check(await page.isChecked(`#chosen input[value="${code}"]`), 'search by name adds the place');
    await page.selectOption('#schedule', 'immediate');
    await Promise.all([page.waitForNavigation(), page.click('#submit')]);
    await shot('03-check-email');
    check((await page.textContent('h2')).includes('请查收邮件'), 'the form answers "check your email"');

    const toReader = () => mails(mailDir).filter((m) => /^To: web\.reader@example\.org/im.test(m.headers));
    const confirmMail = await waitFor('the confirmation mail', () => toReader()[0]);
    check(!/List-Unsubscribe/i.test(confirmMail.headers), 'the confirmation mail is not a list message');
    execFileSync(path.join(TOOLS, 'check-mail'), ['--no-unsubscribe', confirmMail.file], { stdio: 'inherit' });
    console.log('ok - check-mail finds no error in the confirmation mail');
    const pending = lf('subscribers', 'list').split('\n').filter((l) => l.includes(READER));
    check(pending.length === 1 && pending[0].includes('pending confirmation'),
      'nothing is subscribed before confirmation (the address is listed as pending only)');
    lf('run');
    check(toReader().length === 1, 'no digest goes to an unconfirmed address');

    // 2. Confirm from the email.
    const link = (confirmMail.text.match(/https:\/\/news\.example\.org\/confirm\?token=[^\s"<]+/) || [])[0];
    check(!!link, 'the confirmation mail carries a link');
    await page.goto(local(link));
    await shot('04-confirm');
    await Promise.all([page.waitForNavigation(), page.click('#confirm')]);
    await shot('05-confirmed');
    check((await page.textContent('h2')).includes('订阅成功'), 'the link confirms the subscription');
    const stored = lf('subscribers', 'list').split('\n').filter((l) => l.includes(READER));
    check(stored.length === 1 && !stored[0].includes('pending'), 'the subscriber is stored, confirmed');

    // 3. Receive a digest.
    lf('run');
    const digest = await waitFor('the digest', () => toReader().find((m) => /List-Unsubscribe-Post/i.test(m.headers)));
    check(/To: web\.reader@example\.org/i.test(digest.headers), 'the digest goes to the subscriber');
    const unsubUrl = (digest.headers.match(/List-Unsubscribe: <(https:[^>]+)>/i) || [])[1];
    const manageUrl = (digest.text.match(/https:\/\/news\.example\.org\/subscription\?token=[^\s"<&]+/) || [])[0];
    check(!!unsubUrl && !!manageUrl, 'the digest carries unsubscribe and manage links');

    // 4. Manage: change the schedule.
    await page.goto(local(manageUrl));
    await shot('06-manage');
    await page.selectOption('#schedule', 'weekly mon 07:30');
    await Promise.all([page.waitForNavigation(), page.click('#save')]);
    await shot('07-saved');
    check(lf('subscribers', 'list').includes('weekly mon 07:30'), 'the manage page changes the schedule');

    // 5. Unsubscribe: a GET shows a button and changes nothing; the button unsubscribes.
    await page.goto(local(unsubUrl));
    await shot('08-unsubscribe');
    check(!lf('subscribers', 'list').includes('unsubscribed'), 'opening the unsubscribe link changes nothing');
    await Promise.all([page.waitForNavigation(), page.click('#unsubscribe')]);
    await shot('09-unsubscribed');
    check(lf('subscribers', 'list').includes('unsubscribed'), 'the one-click button unsubscribes');

    // 6. Back through the manage page, then an RFC 8058 one-click POST as a mail client sends it.
    await page.goto(local(manageUrl));
    await Promise.all([page.waitForNavigation(), page.click('#save')]);
    check(!lf('subscribers', 'list').includes('unsubscribed'), 'saving the manage page subscribes again');
    const resp = await context.request.post(local(unsubUrl), {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      data: 'List-Unsubscribe=One-Click',
    });
    check(resp.status() === 200 && (await resp.body()).length === 0, 'the one-click POST answers 200 with no page');
    check(lf('subscribers', 'list').includes('unsubscribed'), 'the one-click POST unsubscribes');

    // 7. The manage page shows the state; its own button unsubscribes after saving again.
    await page.goto(local(manageUrl));
    await shot('10-manage-unsubscribed');
    check((await page.textContent('body')).includes('已退订'), 'the manage page shows the unsubscription');
    await Promise.all([page.waitForNavigation(), page.click('#save')]);
    await Promise.all([page.waitForNavigation(), page.click('#manage-unsubscribe')]);
    await shot('11-manage-unsubscribe');
    check(lf('subscribers', 'list').includes('unsubscribed'), "the manage page's button unsubscribes");
    check(errors.length === 0, 'no script errors in the pages: ' + errors.join('; '));
  } finally {
    await browser.close();
  }
}

await run('browser end-to-end', main, work, children, OUT);
