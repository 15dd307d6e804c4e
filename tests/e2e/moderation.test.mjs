// Chat moderation in real Chromium on a real livegate + redis-server: a viewer page and a
// moderator page (token from the seller API, passed as #token=) on one broadcast: the staff
// link, delete, pin, slow mode, mute, ban, and how the page reconnects after each close code.
// Resuming, bad tokens and guest ids: chat-resume.test.mjs.
// Run from the repository root: node --test tests/e2e/   (LIVEGATE_BIN picks the binary)
import { after } from 'node:test';
import assert from 'node:assert/strict';
import { startLivegate, launchChromium, screenshotPath, broadcast, chatToken, trackFailures, teardown } from './harness.mjs';
import { WatchPages, DESKTOP, PHONE, lineIn, say, lineAction } from './chat-pages.mjs';

const sale = broadcast({ id: 'e2e-moderation', title: 'Washington apple harvest sale', seller: 'Test Orchard' });

let server;
let browser;
let pages;
let viewer;  // the viewer page (guest "Ann")
let mod;     // the moderator page (token for "Mia")
const run = trackFailures();
const check = run.check;
const moderate = (text, item) => lineAction(mod, text, item);

run.setup(async () => {
  server = await startLivegate([sale], { auth: true });
  browser = await launchChromium();
  pages = new WatchPages(browser, server, sale.id);
  const token = await chatToken(server, sale.id, { role: 'moderator', name: 'Mia' });
  [viewer, mod] = await Promise.all([pages.open('viewer', { name: 'Ann' }),
    pages.open('moderator', { hash: `#token=${token}`, name: 'ignored' })]);
}, { timeout: 30000 });

after(() => teardown(browser, server, run));

check('a staff link: the token leaves the address bar, the page shows the moderator tools', { timeout: 10000 }, async () => {
  assert.equal(new URL(mod.url()).hash, '', 'no token in the address bar');
  assert.ok(await mod.evaluate((id) => sessionStorage.getItem(`livegate.token:${id}`), sale.id), 'the tab keeps the token');
  await mod.getByTestId('role-chip').filter({ hasText: 'Moderator: Mia' }).waitFor({ timeout: 2000 });
  assert.equal(await mod.locator('#chat-name').inputValue(), 'Mia', 'the name comes with the token');
  assert.ok(await mod.getByTestId('slow-select').isVisible(), 'staff get the slow-mode menu');
  assert.equal(await viewer.getByTestId('role-chip').isVisible(), false);
  assert.equal(await viewer.getByTestId('slow-select').isVisible(), false, 'viewers do not');
  assert.equal(await viewer.getByTestId('line-actions').count(), 0);
});

check('reconnect delays follow the close code: never after a ban, >= 5 s when full, >= 10 s after flooding', { timeout: 5000 }, async () => {
  const delays = await viewer.evaluate(async () => {
    const { RoomSocket, CLOSE } = await import('/assets/js/room-socket.js');
    const socket = new RoomSocket('x', { onWelcome() {}, onEvent() {}, onOrder() {}, onError() {}, onState() {} });
    const many = (code) => Array.from({ length: 20 }, () => socket.delayFor(code));
    return { banned: socket.delayFor(CLOSE.BANNED), gone: socket.delayFor(CLOSE.UNKNOWN_BROADCAST),
      full: many(CLOSE.TOO_MANY), flooding: many(CLOSE.FLOODING), slow: many(CLOSE.SLOW_CONSUMER), dropped: many(1006) };
  });
  assert.equal(delays.banned, null);
  assert.equal(delays.gone, null);
  for (const d of delays.full) assert.ok(d >= 5000 && d <= 10000, `4429: ${d} ms`);
  for (const d of delays.flooding) assert.ok(d >= 10000 && d <= 15000, `4029: ${d} ms`);
  for (const d of [...delays.slow, ...delays.dropped]) assert.ok(d >= 1000 && d <= 1250, `normal: ${d} ms`);
  assert.ok(new Set(delays.full).size > 1, 'with jitter');
});

check('the moderator deletes a line (keyboard only): it disappears on the viewer page', { timeout: 15000 }, async () => {
  const text = 'Buy cheap followers at spam.example';
  await say(viewer, text);
  const line = lineIn(mod, text);
  await line.waitFor({ timeout: 5000 });
  await line.getByTestId('line-actions').focus();
  await mod.keyboard.press('Enter');
  const menu = mod.getByTestId('line-menu');
  await menu.waitFor({ state: 'visible', timeout: 2000 });
  assert.equal(await menu.getByRole('menuitem').first().evaluate((b) => b === document.activeElement), true, 'focus moves into the menu');
  assert.deepEqual(await menu.getByRole('menuitem').allTextContents(), ['Delete', 'Pin', 'Mute 5 min', 'Ban']);
  await mod.keyboard.press('ArrowDown');
  await mod.keyboard.press('ArrowUp');
  await mod.keyboard.press('Enter');  // Delete
  await lineIn(viewer, text).waitFor({ state: 'detached', timeout: 5000 });
  await lineIn(mod, text).waitFor({ state: 'detached', timeout: 5000 });
  assert.equal(await menu.isVisible(), false);
});

check('a pinned line shows above the chat on both pages, with its author; staff lines carry a badge', { timeout: 15000 }, async () => {
  const question = 'Can I pick my box up at the orchard on Saturday?';
  await say(viewer, question);
  await moderate(question, 'Pin');
  for (const page of [viewer, mod]) {
    const banner = page.getByTestId('pinned-message');
    await banner.filter({ hasText: question }).waitFor({ timeout: 5000 });
    assert.match(await banner.textContent(), /Pinned\s*Ann/);
  }
  assert.equal(await viewer.getByTestId('unpin').count(), 0, 'viewers cannot unpin');
  assert.ok(await mod.getByTestId('unpin').isVisible());

  const answer = 'Yes! Saturdays 9 to 12 at the farm stand.';
  await say(mod, answer);
  const badge = lineIn(viewer, answer).locator('.role-badge');
  await badge.waitFor({ timeout: 5000 });
  assert.equal(await badge.textContent(), 'Moderator');
  assert.equal(await lineIn(viewer, question).locator('.role-badge').count(), 0, 'no badge for viewers');
});

check('slow mode 10 s: the viewer sends one line, the next is refused with a countdown', { timeout: 20000 }, async () => {
  await mod.getByTestId('slow-select').selectOption('10');
  const indicator = viewer.getByTestId('slow-indicator');
  await indicator.filter({ hasText: 'Slow mode: one message every 10 s' }).waitFor({ timeout: 5000 });
  await say(viewer, 'Do you ship to Oregon?');
  const second = 'Also, is the gala crate organic?';
  await viewer.getByTestId('chat-input').fill(second);
  await viewer.getByTestId('chat-send').click();
  const send = viewer.getByTestId('chat-send');
  await send.filter({ hasText: /^Wait \d+ s$/ }).waitFor({ timeout: 5000 });
  assert.equal(await send.isDisabled(), true);
  const seconds = Number((await send.textContent()).match(/\d+/)[0]);
  assert.ok(seconds >= 1 && seconds <= 10, `countdown ${seconds} s`);
  await viewer.getByTestId('chat-notice').filter({ hasText: /^Slow mode is on\. You can send again in \d+ s\.$/ }).waitFor({ timeout: 2000 });
  assert.equal(await viewer.getByTestId('chat-input').inputValue(), second, 'the refused line is back in the input');
  assert.equal(await lineIn(mod, second).count(), 0, 'the refused line reached nobody');

  // Pictures for the docs: the viewer with the pinned line, a moderator's line, slow mode and
  // the countdown; the moderator with a line's menu open; the viewer on a phone.
  await viewer.screenshot({ path: screenshotPath('moderation-viewer.png') });
  const line = lineIn(mod, 'Do you ship to Oregon?');
  await line.hover();
  await line.getByTestId('line-actions').click();
  await mod.getByTestId('line-menu').waitFor({ state: 'visible' });
  await mod.screenshot({ path: screenshotPath('moderation-staff.png') });
  await mod.keyboard.press('Escape');
  assert.equal(await line.getByTestId('line-actions').evaluate((b) => b === document.activeElement), true, 'Escape gives focus back');
  await viewer.setViewportSize(PHONE);
  await viewer.evaluate(() => document.querySelector('.chat').scrollIntoView({ block: 'end' }));
  await viewer.waitForTimeout(200);  // let the layout settle
  await send.filter({ hasText: /^Wait \d+ s$/ }).waitFor({ timeout: 2000 });
  await viewer.screenshot({ path: screenshotPath('moderation-viewer-phone.png') });
  await viewer.setViewportSize(DESKTOP);

  await mod.getByTestId('slow-select').selectOption('0');
  await indicator.waitFor({ state: 'hidden', timeout: 5000 });
  await send.filter({ hasText: /^Send$/ }).waitFor({ timeout: 2000 });  // no need to wait it out
  assert.equal(await send.isDisabled(), false);
});

check('mute 5 min: the viewer waits with a countdown; Undo lets them chat again', { timeout: 15000 }, async () => {
  await say(viewer, 'FIRST!!! FIRST!!!');
  await moderate('FIRST!!! FIRST!!!', 'Mute 5 min');
  const send = viewer.getByTestId('chat-send');
  await send.filter({ hasText: /^Wait (5 min|4:5\d)$/ }).waitFor({ timeout: 5000 });
  assert.equal(await send.isDisabled(), true);
  await viewer.getByTestId('chat-notice').filter({ hasText: /^A moderator muted you\. You can chat again in (5 min|4:5\d)\.$/ }).waitFor({ timeout: 2000 });
  const note = mod.getByTestId('chat-list').locator('li.note', { hasText: 'Ann is muted for 5 min' });
  await note.waitFor({ timeout: 5000 });
  await note.getByRole('button', { name: 'Let Ann chat again' }).click();
  await send.filter({ hasText: /^Send$/ }).waitFor({ timeout: 5000 });
  assert.equal(await send.isDisabled(), false);
  await mod.getByTestId('chat-list').locator('li.note', { hasText: 'Ann can chat again' }).waitFor({ timeout: 2000 });
  await say(viewer, 'Sorry, got excited about the apples');
});

check('ban: the viewer is told they were removed, the page does not reconnect, nor after a reload', { timeout: 20000 }, async () => {
  const line = lineIn(mod, 'Sorry, got excited about the apples');
  await line.hover();
  await line.getByTestId('line-actions').click();
  const menu = mod.getByTestId('line-menu');
  await menu.getByRole('menuitem', { name: 'Ban', exact: true }).click();
  await menu.getByText('Ban Ann from this chat?').waitFor({ timeout: 2000 });
  const opened = pages.sockets.get(viewer);
  await menu.getByRole('menuitem', { name: 'Ban', exact: true }).click();

  const removed = viewer.getByTestId('chat-removed');
  await removed.filter({ hasText: 'You were removed from this chat' }).waitFor({ timeout: 5000 });
  await viewer.getByTestId('conn-state').filter({ hasText: 'removed' }).waitFor({ timeout: 2000 });
  assert.equal(await viewer.locator('#chat-form').isVisible(), false, 'no chat form');
  await mod.getByTestId('chat-list').locator('li.note', { hasText: 'Ann was banned from the chat' }).waitFor({ timeout: 2000 });
  await viewer.waitForTimeout(2500);  // the usual reconnect would come after 1 to 1.25 s
  assert.equal(pages.sockets.get(viewer), opened, 'no new connection after the ban');

  // The guest secret makes the reload the same user: still banned, and still no retry loop.
  await viewer.reload();
  await removed.filter({ hasText: 'You were removed from this chat' }).waitFor({ timeout: 10000 });
  const afterReload = pages.sockets.get(viewer);
  await viewer.waitForTimeout(1500);
  assert.equal(pages.sockets.get(viewer), afterReload);
  assert.equal(await viewer.getByTestId('video').isVisible(), true, 'the video stays');
});

check('no script errors or dialogs on any page', {}, () => {
  assert.deepEqual(pages.problems, []);
});
