// End-to-end test of the site people read, in headless Chromium.
//
// Publishes the examples with `localfeed run` (base_url set to the server's own address,
// so every link works), starts `localfeed serve` on 127.0.0.1, then as a reader would:
// opens the front page, finds a township by typing its name, opens its page, goes up to
// its county, reads an article, searches the articles, and makes a feed of the places it
// follows from a place page's form and link. Also at a phone's width, and without
// JavaScript. Asserts on what is visible; saves screenshots into OUT_DIR.
//
// Environment: LOCALFEED_BIN (the binary), REPO (the repository), OUT_DIR (screenshots),
// CHROMIUM (default /usr/bin/chromium). Exit status 0 when every step held, 1 otherwise.

import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { check, launch, run, waitFor } from './common.mjs';

const BIN = process.env.LOCALFEED_BIN;
const REPO = process.env.REPO;
const OUT = process.env.OUT_DIR;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const NOW = '2024-06-10T09:00:00+08:00';


// A port nobody listens on now, for the server (the pages are published with its address).
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'localfeed-site-'));
fs.mkdirSync(OUT, { recursive: true });
const children = [];
const env = { ...process.env, LOCALFEED_NOW: NOW };
delete env.LOCALFEED_CONFIG;

function lf(...args) {
  return execFileSync(BIN, args, { cwd: work, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function watch(page, errors) {
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) errors.push(r.status() + ' ' + r.url());
  });
  page.on('request', (r) => {
    if (!r.url().startsWith('http://127.0.0.1:')) errors.push('external request ' + r.url());
  });
}

async function main() {
  fs.cpSync(path.join(REPO, 'examples'), path.join(work, 'examples'), { recursive: true });
  const port = await freePort();
  const site = `http://127.0.0.1:${port}/`;
  const cfg = fs.readFileSync(path.join(REPO, 'config.toml'), 'utf8')
    .replace(/^base_url = "http:\/\/127\.0\.0\.1:8080\/"$/m, `base_url = "${site}"`);
  fs.writeFileSync(path.join(work, 'config.toml'), cfg);
  lf('run');
  check(fs.existsSync(path.join(work, 'feeds/330523/index.html')), 'the run published a page per place');

  const server = spawn(BIN, ['serve', '--listen', `127.0.0.1:${port}`], { cwd: work, env, stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(server);
  let log = '';
  server.stderr.on('data', (d) => { log += d.toString(); });
  await waitFor('serve', () => log.includes('listening on http://127.0.0.1:'));

  const browser = await launch(CHROMIUM);
  try {
    const errors = [];
    for (const [label, viewport] of [['desktop', { width: 1280, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
      const context = await browser.newContext({ viewport, locale: 'zh-CN', isMobile: label === 'phone', hasTouch: label === 'phone' });
      const page = await context.newPage();
      watch(page, errors);
      const shot = async (name) => page.screenshot({ path: path.join(OUT, `${name}-${label}.png`), fullPage: true });
      const fits = async (what) => check(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1),
        `${label}: ${what} fits the width (no sideways scrolling)`);

      // 1. The front page: newest headlines, places, the place search.
      await page.goto(site);
      await shot('20-front');
      check((await page.textContent('h1')).includes('本地新闻'), `${label}: the front page shows the site's name`);
      check(await page.isVisible('text=最新消息'), `${label}: the front page shows the newest headlines`);
      check((await page.locator('#headlines h3').count()) > 0, `${label}: headlines are listed`);
      await fits('the front page');

      // 2. Find a township by typing its name, open its page.
      await page.locator('#place-q').pressSequentially('递铺');
      await page.waitForSelector('#place-results a');
      await shot('21-place-search');
      const hit = page.locator('#place-results a', { hasText: '递铺街道' });
      check(await hit.isVisible(), `${label}: typing 递铺 finds 递铺街道`);
      check((await page.textContent('#place-results')).includes('浙江省 湖州市 安吉县'), `${label}: the result says where it is`);
      await Promise.all([page.waitForNavigation(), hit.click()]);
      check((await page.textContent('h1')) === '递铺街道', `${label}: the township's page opens`);
      check((await page.textContent('nav.crumbs')).includes('安吉县'), `${label}: its breadcrumbs name the county`);
      check((await page.textContent('#articles')).includes('社区议事厅'), `${label}: the township's page lists its articles`);
      await shot('22-township');
      await fits('the place page');

      // 3. Up to the county, then an article.
      await Promise.all([page.waitForNavigation(), page.click('nav.crumbs >> text=安吉县')]);
      check((await page.textContent('h1')) === '安吉县', `${label}: the breadcrumb leads to the county`);
      check((await page.textContent('#below')).includes('递铺街道'), `${label}: the county lists the places below it`);
      await shot('23-county');
      const first = page.locator('#articles h3 a').first();
      const title = (await first.textContent()).trim();
      await Promise.all([page.waitForNavigation(), first.click()]);
      check((await page.textContent('article h1')).trim() === title, `${label}: the article "${title}" opens`);
      check((await page.locator('article p').count()) > 1, `${label}: the article's text is shown`);
      await shot('24-article');
      await fits('the article page');

      // 4. Search the articles from the front page.
      await page.goto(site);
      await page.fill('#article-q', '议事');
      await Promise.all([page.waitForNavigation(), page.press('#article-q', 'Enter')]);
      check((await page.textContent('#summary')).includes('找到 1 篇与“议事”有关的文章'), `${label}: the article search finds 议事`);
      check((await page.textContent('#results mark')) === '议事', `${label}: the found word is marked`);
      await shot('25-search');
      await fits('the search page');
      await Promise.all([page.waitForNavigation(), page.click('#results h3 a')]);
      check((await page.textContent('article h1')).includes('社区议事厅'), `${label}: a search result opens its article`);

      // 5. A feed made to order from the county page: its link, and its form with a township.
      await page.goto(site + '330523/index.html');
      const href = await page.getAttribute('#follow-link', 'href');
      const own = await context.request.get(href);
      check(own.status() === 200 && own.headers()['content-type'].startsWith('application/rss+xml'),
        `${label}: the county's made-to-order feed link answers a feed`);
      check((await own.text()).includes('<title>安吉县 · 本地新闻</title>'), `${label}: the feed is titled by its place`);
      await page.check('#follow-form input[value="330523001"]');
      await page.fill('#follow-form input[name="q"]', '议事');
      await page.selectOption('#follow-form select[name="format"]', 'atom');
      await shot('26-follow');
      const [resp] = await Promise.all([
        page.waitForResponse((r) => r.url().includes('/feed.xml?')),
        page.click('#follow-form button[type="submit"]').catch(() => {}),
      ]);
      const url = new URL(resp.url());
      check(url.searchParams.getAll('places').join(',') === '330523,330523001' && url.searchParams.get('format') === 'atom',
        `${label}: the form asks for the county and its township as Atom`);
      const feed = await (await context.request.get(resp.url())).text();
      const entries = feed.split('<entry>').length - 1;
      check(feed.includes('<title type="text">安吉县、递铺街道 · 本地新闻（含“议事”）</title>') && entries === 1,
        `${label}: the made-to-order feed holds the one article about 议事, once (${entries})`);
      await context.close();
    }

    // 6. Without JavaScript the front page still lists the places (the search box hides).
    const nojs = await browser.newContext({ viewport: { width: 1000, height: 900 }, javaScriptEnabled: false, locale: 'zh-CN' });
    const page = await nojs.newPage();
    watch(page, errors);
    await page.goto(site);
    check(await page.isHidden('#place-search'), 'without JavaScript the place search box is not shown');
    check((await page.textContent('#places')).includes('浙江省'), 'without JavaScript the places are listed');
    // The disclosure triangle, not the place's link beside it.
    await page.click('#f-33 > details > summary', { position: { x: 4, y: 10 } });
    await page.click('#f-3305 > details > summary', { position: { x: 4, y: 10 } });
    check(await page.isVisible('#f-330523 a'), 'the place tree opens to the county');
    await page.screenshot({ path: path.join(OUT, '27-front-nojs.png'), fullPage: true });
    await nojs.close();
    check(errors.length === 0, 'no script errors, failed or external requests: ' + errors.join('; '));
  } finally {
    await browser.close();
  }
}

await run('site in the browser', main, work, children, OUT);
