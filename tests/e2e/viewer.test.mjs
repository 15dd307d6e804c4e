// Viewers in real Chromium watch, chat and buy on a real livegate + redis-server.
// Run from the repository root: node --test tests/e2e/   (LIVEGATE_BIN picks the binary)
import { after } from 'node:test';
import assert from 'node:assert/strict';
import { startLivegate, launchChromium, screenshotPath, broadcast, appleProducts, trackFailures, teardown } from './harness.mjs';

const sale = broadcast({
  products: [
    appleProducts[0],
    { sku: 'red-delicious-5lb', title: 'Red Delicious apples, 5 lb box', title_zh: '红元帅苹果 5 磅装', price_cents: 1599,
      stock: 80, image: '/assets/img/red-delicious.svg', description: 'The classic deep-red Washington apple' },
    appleProducts[1],
  ],
});
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

let server;
let browser;
let pageA;
let pageB;
const run = trackFailures();  // after() prints the servers' output when a test failed
const check = run.check;
const pageProblems = [];  // script errors and alert() dialogs on any page


async function openViewer(label, { route } = {}) {
  const context = await browser.newContext({ viewport: DESKTOP, locale: 'en-US' });
  const page = await context.newPage();
  page.on('pageerror', (e) => pageProblems.push(`${label}: ${e.message}`));
  page.on('dialog', (d) => { pageProblems.push(`${label}: dialog "${d.message()}"`); d.dismiss().catch(() => {}); });
  if (route) await page.routeWebSocket(/\/ws\//, route);
  await page.goto(`${server.baseUrl}/watch/${sale.id}`);
  await page.getByTestId('conn-state').filter({ hasText: 'connected' }).waitFor({ timeout: 10000 });
  return page;
}

const stockOf = async (sku) => {
  const body = await (await fetch(`${server.baseUrl}/api/broadcasts/${sale.id}`)).json();
  return { orders: body.orders, gmv: body.gmv_cents, product: body.products.find((p) => p.sku === sku) };
};

run.setup(async () => {
  server = await startLivegate([sale]);
  browser = await launchChromium();
  pageA = await openViewer('A');
  pageB = await openViewer('B');
}, { timeout: 45000 });

after(() => teardown(browser, server, run));

check('the live video plays: currentTime passes 3 s', { timeout: 35000 }, async () => {
  await pageA.getByTestId('video').waitFor();
  await pageA.waitForFunction(() => document.querySelector('[data-testid=video]').currentTime > 3, null,
    { timeout: 30000, polling: 250 });
  const t = await pageA.evaluate(() => document.querySelector('[data-testid=video]').currentTime);
  assert.ok(t > 3, `currentTime ${t}`);
  await pageA.getByText('LIVE', { exact: true }).waitFor({ timeout: 2000 });
  assert.equal(await pageA.getByTestId('qa').isVisible(), false, 'a sale has a shop, no Q&A panel');
});

check('a chat line from one viewer appears for the other, always as text', { timeout: 15000 }, async () => {
  const hello = 'Are these picked this week? 这周摘的吗？';
  await pageA.getByTestId('chat-input').fill(hello);
  await pageA.getByTestId('chat-send').click();
  await pageB.getByTestId('chat-list').getByText(hello).waitFor({ timeout: 5000 });
  assert.equal(await pageA.getByTestId('chat-input').inputValue(), '', 'the input is cleared after sending');

  const hostile = '<script>alert(1)</script>';
  await pageB.getByTestId('chat-input').fill(hostile);
  await pageB.getByTestId('chat-input').press('Enter');
  await pageA.getByTestId('chat-list').getByText(hostile, { exact: true }).waitFor({ timeout: 5000 });
  await pageB.getByTestId('chat-list').getByText(hostile, { exact: true }).waitFor({ timeout: 5000 });
  for (const page of [pageA, pageB]) {
    assert.equal(await page.locator('[data-testid=chat-list] script').count(), 0, 'no script element in the chat');
  }
  assert.deepEqual(pageProblems, []);
});

check('buy now: one order, a toast with its id, and the stock drops on both pages', { timeout: 20000 }, async () => {
  const sku = 'honeycrisp-10lb';
  for (const page of [pageA, pageB]) await page.getByTestId(`stock-${sku}`).filter({ hasText: '50 left' }).waitFor({ timeout: 5000 });
  await pageA.getByTestId(`buy-${sku}`).click();
  const toast = pageA.getByTestId('toast').filter({ hasText: /^Order confirmed · #\S+$/ });
  await toast.waitFor({ timeout: 5000 });
  for (const page of [pageA, pageB]) {
    await page.getByTestId(`stock-${sku}`).filter({ hasText: '49 left' }).waitFor({ timeout: 2500 });
    await page.getByTestId(`sold-${sku}`).filter({ hasText: '1 sold' }).waitFor({ timeout: 2500 });
  }
  const { orders, gmv, product } = await stockOf(sku);
  assert.equal(orders, 1);
  assert.equal(gmv, 3499);
  assert.equal(product.stock, 49);
  assert.equal(product.stock + product.sold, 50);
  const orderId = (await toast.textContent()).split('#')[1];
  assert.ok(orderId.length > 0);

  // The picture for the docs: with the toast faded in completely.
  await pageA.waitForFunction(() => getComputedStyle(document.querySelector('[data-testid=toast]')).opacity === '1',
    null, { timeout: 2000 });
  await pageA.screenshot({ path: screenshotPath('viewer.png') });
  await pageB.setViewportSize(PHONE);
  await pageB.getByTestId(`product-${sku}`).waitFor();
  await pageB.waitForTimeout(300);  // let the layout settle
  await pageB.screenshot({ path: screenshotPath('viewer-phone.png') });
});

check('a buy whose ack is lost goes again with the same key after the reconnect: still one order', { timeout: 25000 }, async () => {
  const sku = 'gala-crate';
  const sentKeys = [];
  const answers = [];
  let connections = 0;
  let lostAck = null;
  // Between page C and livegate: everything passes, except that the first order ack is
  // swallowed and the connection cut, as a network drop would.
  const pageC = await openViewer('C', {
    route: (ws) => {
      connections += 1;
      const upstream = ws.connectToServer();
      ws.onMessage((message) => {
        const frame = JSON.parse(message);
        if (frame.type === 'buy') sentKeys.push(frame.key);
        upstream.send(message);
      });
      upstream.onMessage((message) => {
        const frame = JSON.parse(message);
        if (frame.type === 'order') {
          if (!lostAck) {
            lostAck = frame;
            upstream.close().catch(() => {});
            ws.close().catch(() => {});
            return;
          }
          answers.push(frame);
        }
        ws.send(message);
      });
    },
  });
  await pageC.getByTestId(`stock-${sku}`).filter({ hasText: '20 left' }).waitFor({ timeout: 5000 });
  await pageC.getByTestId(`buy-${sku}`).click();
  const toast = pageC.getByTestId('toast').filter({ hasText: /^Order confirmed · #\S+$/ });
  await toast.waitFor({ timeout: 12000 });

  assert.ok(lostAck, 'the first ack was intercepted');
  assert.equal(lostAck.status, 'ok');
  assert.ok(connections >= 2, `the page reconnected (${connections} connections)`);
  assert.ok(sentKeys.length >= 2, `the buy was sent again (${sentKeys.length} sends)`);
  assert.equal(new Set(sentKeys).size, 1, `every send used the same key: ${sentKeys.join(', ')}`);
  assert.equal(answers[0]?.status, 'duplicate');
  assert.equal(answers[0]?.order_id, lostAck.order_id);
  assert.equal(await toast.textContent(), `Order confirmed · #${lostAck.order_id}`);

  for (const page of [pageA, pageC]) await page.getByTestId(`stock-${sku}`).filter({ hasText: '19 left' }).waitFor({ timeout: 2500 });
  const { orders, product } = await stockOf(sku);
  assert.equal(orders, 2, 'one order for the honeycrisp click, one for this one');
  assert.equal(product.sold, 1);
  assert.equal(product.stock, 19);
  await pageC.context().close();
});

check('no script errors or dialogs on any page', {}, () => {
  assert.deepEqual(pageProblems, []);
});
