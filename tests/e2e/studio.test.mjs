// The seller studio (/studio) in real Chromium against a real livegate + redis-server: sign in
// (a wrong token is refused), create a broadcast and see its publish addresses and key, rotate
// the key, list a product, pin it and see the pin on a viewer page, start a flash deal, see the
// viewer's purchase on the dashboard, delete a chat line, Chinese, and a phone-sized window.
import { after } from 'node:test';
import assert from 'node:assert/strict';
import { startLivegate, launchChromium, screenshotPath, broadcast, appleProducts, trackFailures, teardown, waitFor, FAKE_CAMERA_ARGS } from './harness.mjs';
import { connected, lineIn, say, lineAction } from './chat-pages.mjs';

const sale = broadcast({ id: 'e2e-studio', title: 'Studio apple sale', products: [appleProducts[0]] });
const run = trackFailures();
const check = run.check;
let server;
let browser;
let studio;  // the seller's studio page
let viewer;  // a viewer page on the same sale
const problems = [];

const text = (page, testid) => page.getByTestId(testid).textContent();
// Opens a <details> form (a click on its summary would close one already open).
const openDetails = (page, id) => page.locator(`#${id}`).evaluate((d) => { d.open = true; });

async function openPage(label, viewport, url) {
  const context = await browser.newContext({ viewport, locale: 'en-US' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.baseUrl });
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`${label}: ${e.message}`));
  page.on('dialog', (d) => d.accept());  // the studio confirms rotate, end and delete
  await page.goto(`${server.baseUrl}${url}`);
  return page;
}

run.setup(async () => {
  server = await startLivegate([sale], { auth: { demoLogin: true } });
  browser = await launchChromium(FAKE_CAMERA_ARGS);  // Chromium's test camera for "Go live with camera"
  studio = await openPage('studio', { width: 1280, height: 800 }, '/studio');
}, { timeout: 45000 });

after(() => teardown(browser, server, run));

check('a wrong token gets a clear message; the seller token signs in', { timeout: 20000 }, async () => {
  await studio.getByTestId('demo-login').waitFor({ state: 'visible', timeout: 5000 });  // this server has demo_login
  await studio.getByTestId('token-input').fill('not-the-seller-token-at-all');
  await studio.getByTestId('sign-in').click();
  await studio.getByTestId('signin-status').filter({ hasText: 'seller token is wrong' }).waitFor({ timeout: 5000 });
  assert.equal(await studio.locator('#studio').isVisible(), false);
  await studio.getByTestId('token-input').fill(server.sellerToken);
  await studio.getByTestId('sign-in').click();
  await studio.getByTestId(`bc-${sale.id}`).waitFor({ timeout: 5000 });
  assert.equal(await studio.evaluate(() => sessionStorage.getItem('livegate.studio.token')), server.sellerToken);
  await studio.getByTestId('chat-conn').filter({ hasText: 'connected' }).waitFor({ timeout: 10000 });
});

check('a new broadcast shows its RTMP and SRT addresses and key; rotating makes a new key', { timeout: 30000 }, async () => {
  await openDetails(studio, 'bc-create');
  await studio.getByTestId('bc-id').fill('pears');
  await studio.getByTestId('bc-title').fill('Pear harvest');
  await studio.getByTestId('bc-seller').fill('Test Orchard');
  await studio.getByTestId('bc-create').click();
  await studio.getByTestId('bc-pears').and(studio.locator('[aria-current=true]')).waitFor({ timeout: 10000 });
  await studio.getByTestId('live-title').filter({ hasText: 'Pear harvest' }).waitFor({ timeout: 5000 });
  assert.match(await text(studio, 'publish-rtmp'), new RegExp(`^rtmp://127\\.0\\.0\\.1:${server.rtmpPort}/live/•+$`));
  assert.match(await text(studio, 'publish-srt'), /^srt:\/\/127\.0\.0\.1:\d+\?streamid=•+$/);
  assert.match(await text(studio, 'stream-key'), /^•+$/, 'masked until asked for');
  await studio.getByTestId('reveal-key').click();
  const key = await text(studio, 'stream-key');
  assert.match(key, /^[A-Za-z0-9]{24}$/);
  assert.ok((await text(studio, 'publish-rtmp')).endsWith(`/live/${key}`));
  await studio.getByTestId('copy-key').click();
  assert.equal(await studio.evaluate(() => navigator.clipboard.readText()), key);
  await studio.getByTestId('rotate-key').click();
  await waitFor(async () => /^[A-Za-z0-9]{24}$/.test(await text(studio, 'stream-key')) && (await text(studio, 'stream-key')) !== key,
    5000, 'a new key');
  assert.match(await text(studio, 'embed-iframe'), /<iframe src="http:\/\/127\.0\.0\.1:\d+\/embed\/pears" title="Pear harvest/);
  assert.match(await text(studio, 'embed-script'), /<script src="http:\/\/127\.0\.0\.1:\d+\/embed\.js" data-broadcast="pears" async><\/script>/);
});

check('"Go live with camera" publishes the browser camera over WHIP with the key the studio knows', { timeout: 60000 }, async () => {
  const state = async () => (await (await fetch(`${server.baseUrl}/api/broadcasts/pears`)).json()).state;
  await studio.getByTestId('camera').click();
  await waitFor(async () => (await studio.getByTestId('camera-status').getAttribute('data-kind')) === 'live', 25000,
    'the studio to say it is live');
  await waitFor(async () => (await state()) === 'live', 25000, 'pears to be live');
  assert.equal(await text(studio, 'camera'), 'Stop camera');
  await studio.getByTestId('camera').click();  // stop
  await waitFor(async () => (await state()) === 'reconnecting', 10000, 'the publisher to be gone');
  await studio.getByTestId('camera-status').filter({ hasText: 'Camera stopped' }).waitFor({ timeout: 2000 });
});

check('a product listed in the studio and pinned reaches the viewer page', { timeout: 40000 }, async () => {
  await studio.getByTestId(`bc-${sale.id}`).click();
  await studio.getByTestId(`studio-product-${appleProducts[0].sku}`).waitFor({ timeout: 5000 });
  viewer = await openPage('viewer', { width: 1280, height: 800 }, `/watch/${sale.id}`);
  await connected(viewer);
  await studio.locator('#product-editor summary').click();  // keyboard users and mice open it the same way
  await studio.getByTestId('p-sku').fill('fuji-5lb');
  await studio.getByTestId('p-title').fill('Fuji apples, 5 lb box');
  await studio.getByTestId('p-title-zh').fill('富士苹果 5 磅装');
  await studio.getByTestId('p-price').fill('18.99');
  await studio.getByTestId('p-stock').fill('40');
  await studio.getByTestId('p-image').fill('/assets/img/red-delicious.svg');
  await studio.getByTestId('p-save').click();
  await studio.getByTestId('studio-product-fuji-5lb').waitFor({ timeout: 5000 });
  await viewer.getByTestId('product-fuji-5lb').waitFor({ timeout: 5000 });
  assert.match(await viewer.getByTestId('product-fuji-5lb').textContent(), /\$18\.99/);
  // A server error is shown next to the form: the same sku again is a conflict.
  await openDetails(studio, 'product-editor');
  await studio.getByTestId('p-sku').fill('fuji-5lb');
  await studio.getByTestId('p-title').fill('Again');
  await studio.getByTestId('p-price').fill('1');
  await studio.getByTestId('p-stock').fill('1');
  await studio.getByTestId('p-save').click();
  await waitFor(async () => (await text(studio, 'product-form-status')).length > 0, 5000, 'the conflict message');
  assert.match(await text(studio, 'product-form-status'), /exists|already/);

  await studio.getByTestId('pin-fuji-5lb').click();
  await studio.getByTestId('studio-product-fuji-5lb').and(studio.locator('.pinned')).waitFor({ timeout: 5000 });
  await viewer.waitForFunction(() => document.querySelector('[data-testid=product-fuji-5lb]')?.classList.contains('pinned'),
    null, { timeout: 20000 });
});

check('a flash deal counts down in the studio and the viewer sees it', { timeout: 20000 }, async () => {
  await studio.getByTestId('deal-fuji-5lb').click();
  await studio.getByTestId('d-price').fill('12.99');
  await studio.getByTestId('d-stock').fill('5');
  await studio.getByTestId('d-start').click();
  const clock = studio.getByTestId('studio-deal-clock');
  await clock.waitFor({ timeout: 5000 });
  const first = await clock.textContent();
  assert.match(first, /^ends in [01]:\d\d$/);
  await studio.waitForFunction((before) => document.querySelector('[data-testid=studio-deal-clock]')?.textContent !== before,
    first, { timeout: 3000 });
  await viewer.getByTestId('deal-banner').waitFor({ state: 'visible', timeout: 5000 });
});

check('the viewer buys and the dashboard shows the order and GMV', { timeout: 20000 }, async () => {
  await viewer.getByTestId('deal-buy').click();
  await viewer.locator('.toast').filter({ hasText: 'Order confirmed' }).waitFor({ timeout: 5000 });
  await studio.getByTestId('kpi-orders').filter({ hasText: /^1$/ }).waitFor({ timeout: 8000 });
  assert.equal(await text(studio, 'kpi-gmv'), '$12.99');
  await studio.getByTestId('units-fuji-5lb').waitFor({ timeout: 5000 });
  assert.match(await text(studio, 'funnel-bought'), /1 · \d+%$/);
  assert.match(await studio.getByTestId('orders-chart').getAttribute('aria-label'), /1 in all/);
  await studio.getByTestId('sold-fuji-5lb').filter({ hasText: '1 sold' }).waitFor({ timeout: 5000 });
});

check('the seller deletes a viewer\'s chat line', { timeout: 20000 }, async () => {
  const line = 'Buy cheap followers at spam.example';
  await say(viewer, line);
  await lineAction(studio, line, 'Delete');
  await lineIn(viewer, line).waitFor({ state: 'detached', timeout: 5000 });
  await lineIn(studio, line).waitFor({ state: 'detached', timeout: 5000 });
  await say(viewer, 'Are the Fuji apples organic?');
  await lineIn(studio, 'Are the Fuji apples organic?').waitFor({ timeout: 5000 });
  await studio.getByTestId('chat-input').fill('Yes, certified organic!');
  await studio.getByTestId('chat-send').click();
  await lineIn(viewer, 'certified organic').waitFor({ timeout: 5000 });
  await studio.evaluate(() => window.scrollTo(0, 0));
  // The whole studio (dashboard, products, deals under the fold), without a toast passing by.
  await studio.waitForFunction(() => getComputedStyle(document.querySelector('[data-testid=toast]')).opacity === '0',
    null, { timeout: 8000 });
  await studio.screenshot({ path: screenshotPath('studio.png'), fullPage: true });
});

check('"Open it as host" opens the viewer page signed in as the seller', { timeout: 20000 }, async () => {
  const [host] = await Promise.all([studio.context().waitForEvent('page'), studio.getByTestId('host-link').click()]);
  host.on('pageerror', (e) => problems.push(`host page: ${e.message}`));
  await host.waitForURL(/\/watch\/e2e-studio/, { timeout: 5000 });
  await host.getByTestId('role-chip').filter({ hasText: 'Seller' }).waitFor({ timeout: 10000 });
  assert.equal(new URL(host.url()).hash, '', 'the token leaves the address bar');
  await host.close();
});

check('Chinese: the studio\'s own text and GMV in CNY', { timeout: 10000 }, async () => {
  await studio.getByTestId('lang').click();
  await studio.locator('#dash-heading').filter({ hasText: '实时数据' }).waitFor({ timeout: 2000 });
  assert.equal(await studio.locator('html').getAttribute('lang'), 'zh-CN');
  assert.match(await studio.locator('#products-heading').textContent(), /商品/);
  assert.match(await text(studio, 'rotate-key'), /重置密钥/);
  assert.match(await text(studio, 'kpi-gmv-cny'), /CN¥\d/);
  assert.match(await text(studio, 'studio-product-fuji-5lb'), /富士苹果/);
  await studio.screenshot({ path: screenshotPath('studio-zh.png') });
  await studio.getByTestId('lang').click();
  await studio.locator('#dash-heading').filter({ hasText: 'Live dashboard' }).waitFor({ timeout: 2000 });
});

check('phone: demo login, one column, nothing wider than the screen', { timeout: 30000 }, async () => {
  const phone = await openPage('phone', { width: 390, height: 844 }, '/studio');
  await phone.getByTestId('demo-login').click();
  await phone.getByTestId(`bc-${sale.id}`).waitFor({ timeout: 5000 });
  await phone.getByTestId(`bc-${sale.id}`).click();
  await phone.getByTestId('studio-product-fuji-5lb').waitFor({ timeout: 5000 });
  await phone.getByTestId('kpi-orders').filter({ hasText: /^1$/ }).waitFor({ timeout: 8000 });
  // The demo login is a seller JWT for this broadcast, not the operator's token: the chat panel
  // joins with it as the seller (a seller may not mint another seller token).
  const demoToken = await phone.evaluate(() => sessionStorage.getItem('livegate.studio.token'));
  assert.notEqual(demoToken, server.sellerToken);
  assert.equal(demoToken.split('.').length, 3, 'a JWT');
  await phone.getByTestId('chat-conn').filter({ hasText: 'connected' }).waitFor({ timeout: 10000 });
  // A fresh tab never saw this broadcast's key: the addresses still show (GET /api/ingest).
  await phone.getByTestId('publish-rtmp').filter({ hasText: /^rtmp:\/\/127\.0\.0\.1:\d+\/live\/<stream key>$/ }).waitFor({ timeout: 5000 });
  const widths = await phone.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  assert.ok(widths[0] <= widths[1], `page is ${widths[0]} px wide in a ${widths[1]} px window`);
  const columns = await phone.evaluate(() => getComputedStyle(document.getElementById('studio')).gridTemplateColumns.split(' ').length);
  assert.equal(columns, 1);
  await phone.screenshot({ path: screenshotPath('studio-phone.png') });
  await phone.context().close();
  assert.deepEqual(problems, []);
});
