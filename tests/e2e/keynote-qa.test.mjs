// Keynote Q&A in real Chromium on a real livegate + redis-server: viewers ask and vote, the list
// re-ranks live on every page, staff mark questions answered and remove them.
// Run from the repository root: node --test tests/e2e/   (LIVEGATE_BIN picks the binary)
import { after } from 'node:test';
import assert from 'node:assert/strict';
import { startLivegate, launchChromium, screenshotPath, broadcast, chatToken, trackFailures, teardown } from './harness.mjs';
import { WatchPages, connected } from './chat-pages.mjs';

const keynote = broadcast({
  id: 'e2e-keynote', title: 'Gateway 17 keynote', seller: 'Gateway 17', mode: 'keynote', products: [],
});

// A node without Q&A (an older server during a rolling upgrade), played by a route in front of
// the real one: no questions in the welcome, and "unsupported" for Q&A frames.
function olderServer(ws) {
  const server = ws.connectToServer();
  ws.onMessage((message) => {
    if (JSON.parse(message).type !== 'ask') return server.send(message);
    return ws.send(JSON.stringify({ type: 'error', code: 'unsupported', message: 'this room does not take that message' }));
  });
  server.onMessage((message) => {
    const frame = JSON.parse(message);
    if (frame.type === 'welcome') delete frame.room.questions;
    ws.send(JSON.stringify(frame));
  });
}

let server;
let browser;
let pages;
const run = trackFailures();
const check = run.check;

// The question texts on a page, top to bottom.
const order = (page) => page.getByTestId('qa-list').locator('.q-text').allTextContents();
const question = (page, text) => page.getByTestId('qa-list').locator('li.question', { hasText: text });

async function ask(page, text) {
  await page.getByTestId('qa-input').fill(text);
  await page.getByTestId('qa-ask').click();
}

run.setup(async () => {
  server = await startLivegate([keynote], { auth: true });
  browser = await launchChromium();
  pages = new WatchPages(browser, server, keynote.id);
}, { timeout: 30000 });

after(() => teardown(browser, server, run));

check('a keynote shows questions instead of the shop', { timeout: 15000 }, async () => {
  const page = await pages.open('first', { video: false });
  assert.equal(await page.getByTestId('qa').isVisible(), true, 'the Q&A panel is there');
  assert.equal(await page.locator('.shop').isVisible(), false, 'no shop at a keynote');
  await page.getByText('No questions yet. Ask the first one!').waitFor({ timeout: 2000 });
  assert.equal(await page.getByTestId('chat-input').getAttribute('placeholder'), 'Say something…');
  await page.context().close();
});

check('a node without Q&A: asking gets a quiet notice and the ask box goes away', { timeout: 15000 }, async () => {
  const page = await pages.open('older server', { video: false, route: olderServer });
  await ask(page, 'Is anyone there?');
  await page.getByTestId('qa-notice').filter({ hasText: 'Questions are not open on this server yet.' }).waitFor({ timeout: 5000 });
  assert.equal(await page.getByTestId('qa-input').isVisible(), false, 'no ask box when it cannot work');
  assert.equal(await page.getByTestId('chat-notice').textContent(), '', 'the chat is not bothered');
  await page.context().close();
});

check('viewers ask and vote, the list re-ranks on every page, votes are remembered, staff answer and remove', { timeout: 40000 }, async () => {
  const token = await chatToken(server, keynote.id, { role: 'moderator', name: 'Mia' });
  const [ann, bo, mod] = await Promise.all([pages.open('Ann', { name: 'Ann' }),
    pages.open('Bo', { name: 'Bo', video: false }), pages.open('moderator', { hash: `#token=${token}` })]);

  const recorded = 'Will the keynote be recorded?';
  const beta = 'When does the public beta open?';
  const chinese = 'Is there a Chinese live stream?';
  await ask(ann, recorded);
  await question(ann, recorded).waitFor({ timeout: 5000 });
  await ask(bo, beta);
  await question(ann, beta).waitFor({ timeout: 5000 });
  await ask(ann, chinese);
  for (const page of [ann, bo, mod]) await question(page, chinese).waitFor({ timeout: 5000 });
  assert.deepEqual(await order(ann), [recorded, beta, chinese], 'no votes yet: oldest first');
  assert.equal(await ann.getByTestId('qa-input').inputValue(), '', 'the ask box is cleared');

  await question(bo, chinese).getByTestId('vote').click();
  const boVote = question(bo, chinese).getByTestId('vote');
  assert.equal(await boVote.getAttribute('aria-pressed'), 'true');
  assert.equal(await boVote.isDisabled(), true, 'one vote per question');
  await ann.waitForFunction((text) => document.querySelector('[data-testid=qa-list] .q-text')?.textContent === text, chinese, { timeout: 5000 });
  await question(ann, beta).getByTestId('vote').click();
  await question(mod, chinese).getByTestId('vote').click();
  await question(ann, chinese).locator('.vote-count').filter({ hasText: /^2$/ }).waitFor({ timeout: 5000 });
  await question(bo, beta).locator('.vote-count').filter({ hasText: /^1$/ }).waitFor({ timeout: 5000 });
  for (const page of [ann, bo, mod]) assert.deepEqual(await order(page), [chinese, beta, recorded]);
  assert.match(await question(ann, chinese).getByTestId('vote').getAttribute('aria-label'), /^Vote for “Is there a Chinese live stream\?”, 2 votes$/);

  await bo.reload();
  await connected(bo);
  await question(bo, chinese).waitFor({ timeout: 5000 });
  assert.equal(await question(bo, chinese).getByTestId('vote').getAttribute('aria-pressed'), 'true', 'the vote is remembered');
  assert.equal(await question(bo, beta).getByTestId('vote').isDisabled(), false);

  assert.equal(await ann.getByRole('button', { name: /^Mark .* as answered$/ }).count(), 0, 'viewers get no staff buttons');
  await question(mod, chinese).getByRole('button', { name: /^Mark “.*” as answered$/ }).click();
  await ann.waitForFunction((text) => document.querySelector('[data-testid=qa-list] li:last-child .q-text')?.textContent === text, chinese, { timeout: 5000 });
  assert.deepEqual(await order(ann), [beta, recorded, chinese], 'answered questions go last');
  assert.match(await question(ann, chinese).getAttribute('class'), /\banswered\b/);
  assert.equal(await question(ann, chinese).locator('.answered-tag').textContent(), 'Answered');
  assert.equal(await question(ann, chinese).getByTestId('vote').isDisabled(), true);

  await question(mod, recorded).getByRole('button', { name: 'Remove' }).click();
  for (const page of [ann, bo, mod]) await question(page, recorded).waitFor({ state: 'detached', timeout: 5000 });
  assert.deepEqual(await order(bo), [beta, chinese]);

  // Presence across nodes: watching now, and distinct viewers so far (Bo's reload is still Bo).
  await ann.getByTestId('viewers').filter({ hasText: /^\d+ watching · \d+ viewers so far$/ }).waitFor({ timeout: 5000 });

  await ask(bo, 'Will there be a recording with Chinese subtitles?');
  await question(ann, 'Chinese subtitles').waitFor({ timeout: 5000 });
  // Pictures for the docs: a viewer who voted, and the moderator's view with the staff buttons.
  await ann.screenshot({ path: screenshotPath('keynote-qa.png') });
  await mod.screenshot({ path: screenshotPath('keynote-qa-staff.png') });
  for (const page of [ann, bo, mod]) await page.context().close();
});

check('no script errors or dialogs on any page', {}, () => {
  assert.deepEqual(pages.problems, []);
});
