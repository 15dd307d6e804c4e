// The quality selector in real Chromium: an ABR broadcast offers Auto + one entry per rung and
// switching really changes the picture; a passthrough broadcast shows no selector.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startLivegate, launchChromium, broadcast, screenshotPath, trackFailures } from './harness.mjs';

const abr = broadcast({ id: 'e2e-abr', title: 'E2E ABR sale', source: { type: 'test', width: 640, height: 360, fps: 15 },
  abr: ['360p', '180p'] });
const single = broadcast({ id: 'e2e-single', title: 'E2E single', source: { type: 'test', width: 320, height: 180, fps: 15, video_bitrate_kbps: 300 } });

let server;
let browser;
const run = trackFailures();  // after() prints the servers' output when a test failed

before(async () => {
  server = await startLivegate([abr, single]);
  browser = await launchChromium();
}, { timeout: 45000 });

after(async () => {
  await browser?.close().catch(() => {});
  if (server) {
    if (run.failed) console.error(`--- livegate and redis output ---\n${server.log()}\n--- end ---`);
    await server.stop();
  }
});

async function open(id) {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' })).newPage();
  await page.goto(`${server.baseUrl}/watch/${id}`);
  await page.waitForFunction(() => document.querySelector('[data-testid=video]').currentTime > 2, null,
    { timeout: 30000, polling: 250 });
  return page;
}

run.check('an ABR broadcast offers Auto and each rung; choosing one switches the picture', { timeout: 60000 }, async () => {
  const page = await open(abr.id);
  const select = page.getByTestId('quality');
  await select.waitFor({ state: 'visible', timeout: 10000 });
  const labels = await select.locator('option').allTextContents();
  assert.equal(labels.length, 3, labels.join(' | '));
  assert.match(labels[0], /^Auto/);
  assert.deepEqual(labels.slice(1), ['360p', '180p']);
  await select.selectOption({ label: '180p' });
  await page.waitForFunction(() => document.querySelector('[data-testid=video]').videoHeight === 180, null,
    { timeout: 20000, polling: 250 });
  await page.screenshot({ path: screenshotPath('viewer-abr.png') });
  await select.selectOption({ index: 0 });  // back to Auto
  await page.locator('#lang').click();
  assert.match(await select.locator('option').first().textContent(), /^自动/);
});

run.check('a passthrough broadcast has one level and no selector', { timeout: 45000 }, async () => {
  const page = await open(single.id);
  assert.equal(await page.getByTestId('quality').isVisible(), false);
});
