// Redis goes away under a live room, in real Chromium on a real livegate + redis-server (AOF on,
// so stopping it is an outage, not a wipe). Chat goes on: a line said meanwhile shows at once on
// every page of that server, marked "sending…"; once Redis is back it is saved and the mark goes,
// with the line shown once under its stream id. A page opened during the outage waits and gets
// in by itself when Redis is back. A buy during the outage is refused with a "try again"
// message rather than acknowledged.
// Run from the repository root: node --test tests/e2e/   (LIVEGATE_BIN picks the binary)
import { after } from 'node:test';
import assert from 'node:assert/strict';
import { startLivegate, launchChromium, broadcast, trackFailures, teardown, waitFor, screenshotPath } from './harness.mjs';
import { WatchPages, connected, lineIn, say } from './chat-pages.mjs';

const sale = broadcast({ id: 'e2e-outage', title: 'Washington apple harvest sale', seller: 'Test Orchard' });

let server;
let browser;
let pages;
const run = trackFailures();
const check = run.check;

const redisState = async () => (await (await fetch(`${server.baseUrl}/healthz`)).json()).redis;

run.setup(async () => {
  server = await startLivegate([sale], { persistentRedis: true });
  browser = await launchChromium();
  pages = new WatchPages(browser, server, sale.id);
}, { timeout: 30000 });

after(() => teardown(browser, server, run));

check('while Redis is away the chat goes on, marked "sending…", and is saved once it is back', { timeout: 60000 }, async () => {
  const ann = await pages.open('Ann', { name: 'Ann', video: false });
  const bo = await pages.open('Bo', { name: 'Bo', video: false });
  await say(ann, 'Good morning from Yakima');
  await lineIn(bo, 'Good morning from Yakima').waitFor({ timeout: 5000 });

  await server.stopRedis();
  await waitFor(async () => (await redisState()) !== 'up', 5000, 'livegate noticing Redis is gone');
  const text = 'Are the Honeycrisp still crisp?';
  await say(ann, text);
  const held = lineIn(bo, text);
  await held.waitFor({ timeout: 5000 });
  assert.match(await held.getAttribute('class'), /\bpending\b/, 'shown on the other page, marked as not saved yet');
  assert.equal(await held.locator('.pending-mark').textContent(), 'sending…');
  assert.match(await held.getAttribute('data-id'), /^l-/);
  await bo.getByTestId('chat-list').screenshot({ path: screenshotPath('chat-outage.png') });

  // A buy is not acknowledged without Redis: the page says to try again.
  await ann.locator('button.buy').first().click();
  await ann.locator('#toast').filter({ hasText: /try again/i }).waitFor({ timeout: 5000 });

  // Someone opens the page now: the room cannot be read without Redis, so the page waits
  // ("connecting") and asks again by itself.
  const cy = await pages.open('Cy', { name: 'Cy', video: false, wait: false });
  await cy.waitForTimeout(1500);
  assert.notEqual(await cy.getByTestId('conn-state').textContent(), 'connected');
  assert.equal(await cy.getByTestId('chat-notice').textContent(), '', 'no error shown, just waiting');

  await server.startRedis();
  await waitFor(async () => (await redisState()) === 'up', 15000, 'livegate reconnecting to Redis');
  await connected(cy);
  for (const page of [ann, bo, cy]) {
    const line = lineIn(page, text);
    await waitFor(async () => !/\bpending\b/.test(await line.getAttribute('class')), 15000, 'the held line saved');
    assert.match(await line.getAttribute('data-id'), /^\d+-\d+$/, 'under its stream id now');
    assert.equal(await line.locator('.pending-mark').count(), 0);
    assert.equal(await lineIn(page, text).count(), 1, 'shown once');
  }
  // And the room carries on normally.
  await say(bo, 'Back to normal');
  await lineIn(ann, 'Back to normal').waitFor({ timeout: 5000 });
  assert.deepEqual(pages.problems, []);
});
