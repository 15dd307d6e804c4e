// Two viewers in real Chromium watch, chat and buy on a real livegate + redis-server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startLivegate, launchChromium, screenshotPath } from './harness.mjs';

const broadcast = {
  id: 'e2e-apple',
  title: 'E2E apple sale',
  seller: 'Test Orchard, Wenatchee WA',
  products: [
    { sku: 'honeycrisp-10lb', title: 'Honeycrisp apples, 10 lb box', title_zh: '蜜脆苹果 10 磅装', price_cents: 3499,
      stock: 50, max_per_order: 5, image: '/assets/img/honeycrisp.svg', description: 'Crisp and sweet, picked this week' },
    { sku: 'red-delicious-5lb', title: 'Red Delicious apples, 5 lb box', price_cents: 1599, stock: 80,
      image: '/assets/img/red-delicious.svg', description: 'The classic Washington apple' },
    { sku: 'gala-crate', title: 'Gala gift crate', title_zh: '嘎啦苹果礼盒', price_cents: 4999, stock: 20,
      max_per_order: 2, image: '/assets/img/gala-crate.svg', description: 'Hand-packed gift crate' },
  ],
};

let server;
let browser;
let pageA;
let pageB;
const pageErrors = [];

before(async () => {
  server = await startLivegate([broadcast]);
  browser = await launchChromium();
  const open = async (label) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(`${label}: ${e.message}`));
    await page.goto(`${server.baseUrl}/watch/${broadcast.id}`);
    await page.getByTestId('conn-state').filter({ hasText: 'connected' }).waitFor({ timeout: 15000 });
    return page;
  };
  pageA = await open('A');
  pageB = await open('B');
});

after(async () => {
  await browser?.close();
  if (server) {
    if (process.exitCode) console.log(`--- livegate log ---\n${server.log()}`);
    await server.stop();
  }
});

test('the live video plays past 3 seconds', async () => {
  await pageA.waitForFunction(() => document.querySelector('video').currentTime > 3, null, { timeout: 45000 });
  const t = await pageA.evaluate(() => document.querySelector('video').currentTime);
  assert.ok(t > 3, `currentTime ${t}`);
});

test('a chat line from one viewer appears for the other, as text', async () => {
  await pageA.getByTestId('chat-input').fill('Are these from this week? 这周摘的吗？');
  await pageA.getByTestId('chat-send').click();
  await pageB.getByTestId('chat-list').getByText('Are these from this week? 这周摘的吗？').waitFor({ timeout: 5000 });

  const hostile = '<script>window.__pwned = 1</script><b>bold?</b>';
  await pageB.getByTestId('chat-input').fill(hostile);
  await pageB.getByTestId('chat-input').press('Enter');
  await pageA.getByTestId('chat-list').getByText(hostile, { exact: true }).waitFor({ timeout: 5000 });
  assert.equal(await pageA.evaluate(() => window.__pwned), undefined);
  assert.equal(await pageA.locator('[data-testid=chat-list] b').count(), 0);
});

test('buy now makes one order and both viewers see the stock drop', async () => {
  await pageA.getByTestId('stock-honeycrisp-10lb').filter({ hasText: '50 left' }).waitFor();
  await pageB.getByTestId('stock-honeycrisp-10lb').filter({ hasText: '50 left' }).waitFor();
  await pageA.getByTestId('buy-honeycrisp-10lb').click();
  const toast = pageA.getByTestId('toast');
  await toast.filter({ hasText: /Order confirmed · #\d+-\d+/ }).waitFor({ timeout: 5000 });
  await pageA.getByTestId('stock-honeycrisp-10lb').filter({ hasText: '49 left' }).waitFor({ timeout: 2000 });
  await pageB.getByTestId('stock-honeycrisp-10lb').filter({ hasText: '49 left' }).waitFor({ timeout: 2000 });
  await pageB.getByTestId('sold-honeycrisp-10lb').filter({ hasText: '1 sold' }).waitFor({ timeout: 2000 });

  const api = await (await fetch(`${server.baseUrl}/api/broadcasts/${broadcast.id}`)).json();
  assert.equal(api.orders, 1);
  assert.equal(api.gmv_cents, 3499);
  assert.equal(api.products[0].stock + api.products[0].sold, 50);

  await pageA.screenshot({ path: screenshotPath('viewer.png') });
  await pageB.setViewportSize({ width: 390, height: 844 });
  await pageB.waitForTimeout(300);
  await pageB.screenshot({ path: screenshotPath('viewer-phone.png'), fullPage: true });
});

test('no script errors on the pages', () => {
  assert.deepEqual(pageErrors, []);
});
