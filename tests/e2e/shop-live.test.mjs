// The shop while live, in real Chromium against real livegate + redis-server: the seller lists a
// product and starts a flash deal over the REST API; viewers see the product appear, the deal
// banner count down on the server's clock and buy at the deal price; a pin shows only when the
// viewer's video reaches the pinned moment; Chinese readers see CNY.
import { after } from 'node:test';
import assert from 'node:assert/strict';
import { startLivegate, launchChromium, screenshotPath, broadcast, appleProducts, trackFailures, teardown } from './harness.mjs';

const sale = broadcast({ products: [appleProducts[0]] });
const run = trackFailures();
const check = run.check;
let server;
let browser;
let page;
const problems = [];

async function seller(method, path, body) {
  const r = await fetch(`${server.baseUrl}/api/broadcasts/${sale.id}${path}`, {
    method,
    headers: { authorization: `Bearer ${server.sellerToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: await r.json() };
}

run.setup(async () => {
  server = await startLivegate([sale], { auth: true });
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  page = await context.newPage();
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${server.baseUrl}/watch/${sale.id}`);
  await page.getByTestId('conn-state').filter({ hasText: 'connected' }).waitFor({ timeout: 10000 });
}, { timeout: 45000 });

after(() => teardown(browser, server, run));

check('a product the seller lists appears at once', { timeout: 15000 }, async () => {
  const { status, body } = await seller('POST', '/products', {
    sku: 'fuji-5lb', title: 'Fuji apples, 5 lb box', title_zh: '富士苹果 5 磅装', price_cents: 1899, stock: 40,
    image: '/assets/img/red-delicious.svg', description: 'Sweet and dense, from the upper valley',
  });
  assert.equal(status, 201, JSON.stringify(body));
  await page.getByTestId('product-fuji-5lb').waitFor({ timeout: 5000 });
});

check('a flash deal counts down on the server clock and sells at the deal price', { timeout: 30000 }, async () => {
  const { status, body } = await seller('POST', '/deals', {
    sku: 'fuji-5lb', price_cents: 1299, stock: 5, per_buyer: 1, duration_seconds: 60,
  });
  assert.equal(status, 201, JSON.stringify(body));
  const banner = page.getByTestId('deal-banner');
  await banner.waitFor({ state: 'visible', timeout: 5000 });
  const clock = page.getByTestId('deal-clock');
  const first = await clock.textContent();
  assert.match(first, /^[01]:\d\d$/);
  await page.waitForFunction((before) => document.querySelector('[data-testid=deal-clock]').textContent !== before,
    first, { timeout: 3000 });
  assert.match(await banner.textContent(), /\$12\.99.*\$18\.99/);
  await page.screenshot({ path: screenshotPath('shop-flash-deal.png') });
  await page.getByTestId('deal-buy').click();
  await page.locator('.toast').filter({ hasText: 'Order confirmed' }).waitFor({ timeout: 5000 });
  await page.waitForFunction(() => /4 at this price/.test(document.querySelector('[data-testid=deal-banner]').textContent),
    null, { timeout: 5000 });
  // One per buyer: the second click is refused by Redis, and the viewer is told.
  await page.getByTestId('deal-buy').click();
  await page.locator('.toast').filter({ hasText: 'as many as one buyer may' }).waitFor({ timeout: 5000 });
  const stats = await seller('GET', '/stats');
  assert.equal(stats.body.gmv_cents, 1299);
});

check('a pin shows when the video reaches the pinned moment', { timeout: 40000 }, async () => {
  await page.waitForFunction(() => document.querySelector('[data-testid=video]').currentTime > 1, null, { timeout: 30000 });
  const onScreen = await page.evaluate(() => window.__livegatePlayingDate?.() ?? null);
  // Pinned 4 s after what the viewer sees now: not yet shown, then shown when playback gets there.
  const at = (onScreen ?? Date.now()) + 4000;
  const { status } = await seller('POST', '/pins', { sku: 'fuji-5lb', media_ms: at });
  assert.equal(status, 200);
  const card = page.getByTestId('product-fuji-5lb');
  if (onScreen !== null) {
    await page.waitForTimeout(1000);
    assert.equal(await card.evaluate((c) => c.classList.contains('pinned')), false, 'pinned before its moment');
  }
  await page.waitForFunction(() => document.querySelector('[data-testid=product-fuji-5lb]').classList.contains('pinned'),
    null, { timeout: 15000 });
});

check('Chinese readers see titles and CNY', { timeout: 15000 }, async () => {
  await page.locator('#lang').click();
  const card = page.getByTestId('product-fuji-5lb');
  await card.filter({ hasText: '富士苹果' }).waitFor({ timeout: 5000 });
  assert.match(await card.textContent(), /CN¥134\.83/);
  // The picture without the English toast of the click before the switch.
  await page.waitForFunction(() => getComputedStyle(document.querySelector('[data-testid=toast]')).opacity === '0',
    null, { timeout: 8000 });
  await page.screenshot({ path: screenshotPath('shop-flash-deal-zh.png') });
  assert.deepEqual(problems, []);
});
