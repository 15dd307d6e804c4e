// Who a page is and what it shows after a drop, in real Chromium on a real livegate +
// redis-server: a guest keeps one id across reloads (the secret in localStorage), a staff link
// with a bad token falls back to a guest, and a page that lost its connection comes back with
// exactly the lines it missed minus the deleted ones, or with a fresh list when it missed too much.
// Run from the repository root: node --test tests/e2e/   (LIVEGATE_BIN picks the binary)
import { after } from 'node:test';
import assert from 'node:assert/strict';
import { startLivegate, launchChromium, broadcast, chatToken, trackFailures, teardown } from './harness.mjs';
import { WatchPages, lineIn, say, lineAction, connected } from './chat-pages.mjs';

const sale = broadcast({ id: 'e2e-resume', title: 'Washington apple harvest sale', seller: 'Test Orchard' });

let server;
let browser;
let pages;
let mod;  // a moderator page: says lines and deletes them
const run = trackFailures();
const check = run.check;

run.setup(async () => {
  // resume_max_lines 2: a page that missed more than two lines gets a fresh snapshot.
  server = await startLivegate([sale], { auth: true, extraYaml: 'chat:\n  resume_max_lines: 2\n' });
  browser = await launchChromium();
  pages = new WatchPages(browser, server, sale.id);
  const token = await chatToken(server, sale.id, { role: 'moderator', name: 'Mia' });
  mod = await pages.open('moderator', { hash: `#token=${token}`, video: false });
}, { timeout: 30000 });

after(() => teardown(browser, server, run));

check('a guest keeps their id across a reload: their own lines still say "you"', { timeout: 15000 }, async () => {
  const ann = await pages.open('Ann', { name: 'Ann', video: false });
  const secret = await ann.evaluate(() => localStorage.getItem('livegate.guest'));
  assert.match(secret, /^[A-Za-z0-9_-]{8,64}$/);
  await say(ann, 'Do you ship to Oregon?');
  await ann.reload();
  await connected(ann);
  await lineIn(ann, 'Do you ship to Oregon?').locator('.you').waitFor({ timeout: 5000 });
  assert.equal(await ann.evaluate(() => localStorage.getItem('livegate.guest')), secret);
  await ann.context().close();
});

check('a token that is not valid: the page says so and carries on as a guest', { timeout: 15000 }, async () => {
  const page = await pages.open('bad token', { hash: '#token=not-a-real-token', video: false });
  await page.getByTestId('chat-notice').filter({ hasText: 'This staff link is no longer valid' }).waitFor({ timeout: 5000 });
  assert.equal(new URL(page.url()).hash, '');
  assert.equal(await page.getByTestId('role-chip').isVisible(), false);
  assert.equal(await page.evaluate((id) => sessionStorage.getItem(`livegate.token:${id}`), sale.id), null, 'the tab forgot it');
  await say(page, 'Hello from a guest');
  await page.context().close();
});

// A page whose connection the test can drop and then hold: while held, the page's reconnect
// reaches nobody; release() lets its next attempt through to the server.
async function droppablePage(label) {
  let hold = false;
  let live = null;  // { ws: page side, server: server side } of the connection passing through
  let held = null;  // a connection answered by nobody while hold is on
  const page = await pages.open(label, {
    video: false,
    route: (ws) => {
      if (hold) held = ws;
      else live = { ws, server: ws.connectToServer() };
    },
  });
  return {
    page,
    async drop() {
      hold = true;
      await live.server.close().catch(() => {});
      await live.ws.close().catch(() => {});
      await page.getByTestId('conn-state').filter({ hasText: 'reconnecting' }).waitFor({ timeout: 3000 });
    },
    async release() {
      const deadline = Date.now() + 8000;
      while (!held && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.ok(held, `${label} tried to reconnect`);
      hold = false;
      await held.close().catch(() => {});
      held = null;
      await connected(page);
    },
  };
}

check('resume after a drop: a line deleted meanwhile goes, missed lines come; past the limit the list is replaced', { timeout: 30000 }, async () => {
  const [near, far] = await Promise.all([droppablePage('near'), droppablePage('far')]);
  await say(mod, 'Resume check');
  for (const { page } of [near, far]) await lineIn(page, 'Resume check').waitFor({ timeout: 5000 });

  // "far" misses three lines (more than resume_max_lines), "near" one line and a deletion.
  await far.drop();
  await say(mod, 'Missed line 1');
  await say(mod, 'Missed line 2');
  await near.drop();
  await lineAction(mod, 'Resume check', 'Delete');
  await say(mod, 'Missed line 3');
  await Promise.all([near.release(), far.release()]);

  // near: an exact resume, the missed line added and the deleted one taken out (welcome.deleted).
  await lineIn(near.page, 'Missed line 3').waitFor({ timeout: 5000 });
  assert.equal(await lineIn(near.page, 'Resume check').count(), 0, 'the deleted line went');
  assert.equal(await lineIn(near.page, 'Hello from a guest').count(), 1, 'older lines stay');
  // far: a fresh snapshot (resumed: false) replaced the list, so the deleted line went too,
  // although nobody listed it.
  await lineIn(far.page, 'Missed line 3').waitFor({ timeout: 5000 });
  assert.equal(await lineIn(far.page, 'Resume check').count(), 0, 'the snapshot replaced the list');
  for (const { page } of [near, far]) {
    const texts = await page.getByTestId('chat-list').locator('li.line .text').allTextContents();
    assert.equal(new Set(texts).size, texts.length, `no line twice: ${texts.join(' | ')}`);
    assert.deepEqual(texts.slice(-3), ['Missed line 1', 'Missed line 2', 'Missed line 3']);
    await page.context().close();
  }
});

check('no script errors or dialogs on any page', {}, () => {
  assert.deepEqual(pages.problems, []);
});
