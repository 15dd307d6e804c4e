// The page details viewers meet first, in real Chromium on a real livegate + redis-server: the
// keynote page (program, agenda on the viewer's clock, Q&A), the embeddable player + shop on a
// foreign page, "tap to unmute", the per-buyer limit, "new messages" while scrolled up, and the
// weight of a first visit (everything but the video must stay under 500 KB on the wire).
// Run from the repository root: node --test tests/e2e/   (LIVEGATE_BIN picks the binary)
import { after } from 'node:test';
import assert from 'node:assert/strict';
import { startLivegate, launchChromium, screenshotPath, broadcast, appleProducts, trackFailures, teardown } from './harness.mjs';

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const PAGE_WEIGHT_BUDGET = 500 * 1024;

const sale = broadcast({
  id: 'e2e-pages-sale',
  products: [{ ...appleProducts[0], per_buyer: 2 }, appleProducts[1]],
});
const keynote = broadcast({
  id: 'e2e-pages-keynote', title: 'Gateway 17 summit keynote', seller: 'Gateway 17', mode: 'keynote', products: [],
  description: 'The opening keynote, live from the main hall. Vote for the questions you want answered.',
  speakers: [{ name: 'Dana Whitfield', role: 'CEO, Gateway 17' }, { name: 'Li Wei', role: 'Head of Engineering' }],
  agenda: [
    { minute: 0, title: 'Welcome and opening', speaker: 'Priya Raman' },
    { minute: 45, title: 'Live demo of the new developer tools', speaker: 'Li Wei' },
    { minute: 70, title: 'Q&A: your top-voted questions', speaker: 'Priya Raman' },
  ],
});

let server;
let browser;
const run = trackFailures();
const check = run.check;
const problems = [];

async function open(path, { viewport = DESKTOP, locale = 'en-US' } = {}) {
  const context = await browser.newContext({ viewport, locale });
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`${path}: ${e.message}`));
  await page.goto(`${server.baseUrl}${path}`);
  return page;
}

const connected = (page) => page.getByTestId('conn-state').filter({ hasText: 'connected' }).waitFor({ timeout: 10000 });

run.setup(async () => {
  server = await startLivegate([sale, keynote], { extraYaml: 'chat:\n  messages_per_minute: 0\n  ip_messages_per_minute: 0\n' });
  browser = await launchChromium();
}, { timeout: 45000 });

after(() => teardown(browser, server, run));

check('the keynote page: program and agenda with the session on now, Q&A with a vote, no shop; zh', { timeout: 60000 }, async () => {
  const page = await open(`/keynote/${keynote.id}`);
  await connected(page);
  const program = page.getByTestId('program');
  await program.getByText('Dana Whitfield').waitFor({ timeout: 5000 });
  await program.getByText('CEO, Gateway 17').waitFor();
  const items = program.locator('.agenda-item');
  assert.equal(await items.count(), 3);
  // Minute 0 is when the broadcast opened (no starts_at): the welcome is on now, the rest later.
  assert.deepEqual(await items.evaluateAll((lis) => lis.map((li) => li.className)),
    ['agenda-item now', 'agenda-item', 'agenda-item']);
  assert.equal(await items.first().getAttribute('aria-current'), 'time');
  assert.match(await items.nth(1).locator('time').textContent(), /^\d{1,2}:\d{2}\s?(AM|PM)$/);
  assert.equal(await page.locator('.shop').isVisible(), false, 'no shop at a keynote');

  await page.getByTestId('qa-input').fill('Will the slides be shared?');
  await page.getByTestId('qa-ask').click();
  const question = page.getByTestId('qa-list').locator('li.question', { hasText: 'Will the slides be shared?' });
  await question.waitFor({ timeout: 5000 });
  const other = await open(`/keynote/${keynote.id}`, { viewport: PHONE });
  await connected(other);
  const seen = other.getByTestId('qa-list').locator('li.question', { hasText: 'Will the slides be shared?' });
  await seen.locator('.vote').click();
  await question.locator('.vote').filter({ hasText: '1' }).waitFor({ timeout: 5000 });

  await page.waitForTimeout(300);
  await page.screenshot({ path: screenshotPath('keynote.png') });
  await other.waitForTimeout(300);
  await other.screenshot({ path: screenshotPath('keynote-phone.png'), fullPage: true });
  assert.equal(await other.evaluate(() => document.documentElement.scrollWidth <= innerWidth), true, 'no sideways scroll on a phone');

  await page.locator('#lang').click();
  await program.getByText('议程').waitFor({ timeout: 2000 });
  await program.locator('.agenda-item.now .now-tag').filter({ hasText: '进行中' }).waitFor();
  await page.getByText('提问').first().waitFor();
  await page.context().close();
  await other.context().close();
});

check('the embed snippet puts player and shop on a foreign page, sized to fit, and buying works there', { timeout: 60000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'en-US' });
  const host = await context.newPage();
  host.on('pageerror', (e) => problems.push(`host: ${e.message}`));
  await host.setContent(`<!doctype html><title>Cascade Ridge farm shop</title>
    <body style="font-family:sans-serif;margin:24px;background:#f6f1e7">
    <h1>Cascade Ridge Orchards</h1><p>We are live right now. Watch and shop below.</p>
    <script src="${server.baseUrl}/embed.js" data-broadcast="${sale.id}" async></script>
    <p>Thanks for supporting family orchards.</p></body>`);
  const iframe = host.locator('iframe[data-livegate-embed]');
  await iframe.waitFor({ timeout: 5000 });
  const frame = host.frameLocator('iframe[data-livegate-embed]');
  await frame.getByTestId('conn-state').filter({ hasText: 'connected' }).waitFor({ state: 'attached', timeout: 10000 });
  await frame.getByTestId('buy-honeycrisp-10lb').waitFor({ timeout: 5000 });
  assert.equal(await frame.locator('.chat').isVisible(), false, 'no chat in the embed');
  assert.equal(await frame.locator('.topbar').isVisible(), false, 'no header in the embed');
  await frame.locator('#embed-open').filter({ hasText: 'Open with chat' }).waitFor();
  // The frame told the host its height: no inner scrollbar, no empty space.
  await host.waitForFunction(() => document.querySelector('iframe').style.height !== '640px', null, { timeout: 5000 });
  const inner = await (await iframe.elementHandle()).contentFrame();
  const fits = Math.abs((await iframe.boundingBox()).height - await inner.evaluate(() => document.documentElement.scrollHeight));
  assert.ok(fits <= 2, `the frame fits its page (off by ${fits}px)`);

  await frame.getByTestId('buy-honeycrisp-10lb').click();
  await frame.getByTestId('toast').filter({ hasText: /^Order confirmed · #\S+$/ }).waitFor({ timeout: 5000 });
  await host.screenshot({ path: screenshotPath('embed.png'), fullPage: true });
  await context.close();
});

check('viewer page: tap to unmute, the per-buyer limit, and "new messages" while scrolled up', { timeout: 60000 }, async () => {
  const page = await open(`/watch/${sale.id}`);
  await connected(page);
  await page.getByTestId('limit-honeycrisp-10lb').filter({ hasText: 'limit 2 per buyer' }).waitFor({ timeout: 5000 });
  assert.equal(await page.getByTestId('limit-gala-crate').count(), 0, 'no limit shown where there is none');

  const unmute = page.getByTestId('unmute');
  await unmute.waitFor({ timeout: 20000 });  // once the muted video plays
  await unmute.click();
  assert.equal(await page.evaluate(() => document.querySelector('video').muted), false);
  await unmute.waitFor({ state: 'hidden', timeout: 2000 });

  const talker = await open(`/watch/${sale.id}`);
  await connected(talker);
  for (let i = 1; i <= 24; i += 1) {
    await talker.getByTestId('chat-input').fill(`Line ${i} about apples`);
    await talker.getByTestId('chat-input').press('Enter');
    await talker.getByTestId('chat-list').getByText(`Line ${i} about apples`, { exact: true }).waitFor({ timeout: 5000 });
  }
  const list = page.getByTestId('chat-list');
  await list.getByText('Line 24 about apples', { exact: true }).waitFor({ timeout: 5000 });
  await list.evaluate((l) => { l.scrollTop = 0; });
  for (const text of ['One more', 'And another']) {
    await talker.getByTestId('chat-input').fill(text);
    await talker.getByTestId('chat-input').press('Enter');
    await list.getByText(text, { exact: true }).waitFor({ timeout: 5000 });
  }
  const more = page.getByTestId('chat-new');
  await more.filter({ hasText: '2 new messages ↓' }).waitFor({ timeout: 2000 });
  assert.equal(await list.evaluate((l) => l.scrollTop), 0, 'the reader was not dragged down');
  await more.click();
  await more.waitFor({ state: 'hidden', timeout: 2000 });
  assert.ok(await list.evaluate((l) => l.scrollHeight - l.scrollTop - l.clientHeight < 40), 'back at the newest line');
  await page.context().close();
  await talker.context().close();
});

check(`first visit to the viewer page weighs under ${PAGE_WEIGHT_BUDGET / 1024} KB on the wire, video aside`, { timeout: 60000 }, async () => {
  const context = await browser.newContext({ viewport: PHONE, locale: 'en-US' });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const urls = new Map();
  const bytes = new Map();
  cdp.on('Network.responseReceived', (e) => urls.set(e.requestId, e.response.url));
  cdp.on('Network.loadingFinished', (e) => bytes.set(e.requestId, e.encodedDataLength));
  await page.goto(`${server.baseUrl}/watch/${sale.id}`);
  await connected(page);
  await page.waitForLoadState('networkidle').catch(() => {});  // live video never idles: best effort
  await page.waitForTimeout(1500);
  let total = 0;
  const rows = [];
  for (const [id, size] of bytes) {
    const url = urls.get(id) ?? '';
    if (!url.startsWith('http')) continue;  // data: URLs (Chromium's own control icons) cost nothing
    if (/\/(live|vod)\//.test(new URL(url).pathname)) continue;  // the video itself
    total += size;
    rows.push(`${String(size).padStart(7)}  ${new URL(url).pathname}`);
  }
  console.log(`viewer page first load: ${(total / 1024).toFixed(1)} KB transferred besides video\n${rows.sort().reverse().join('\n')}`);
  assert.ok(total < PAGE_WEIGHT_BUDGET, `${total} bytes`);
  const hls = [...urls.values()].find((u) => u.endsWith('/vendor/hls.min.js'));
  assert.ok(hls, 'hls.js was loaded');
  await context.close();
  assert.deepEqual(problems, []);
});
