// Keynote Q&A in real Chromium on a real livegate + redis-server: viewers ask and vote, the list
// re-ranks live on every page, staff mark questions answered and remove them.
//
// Until the server speaks Q&A (welcome.room.questions, ask/vote/answer/remove_question), a stand-in
// between the pages and the server answers those frames with the documented shapes (see QaStandIn);
// every other frame goes to the real server. As soon as the server's welcome carries questions,
// the stand-in steps aside and the same test runs against the server alone.
// Run from the repository root: node --test tests/e2e/   (LIVEGATE_BIN picks the binary)
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { startLivegate, launchChromium, screenshotPath, broadcast, chatToken, trackFailures } from './harness.mjs';
import { WatchPages, DESKTOP, connected } from './chat-pages.mjs';

const keynote = broadcast({
  id: 'e2e-keynote', title: 'Gateway 17 keynote', seller: 'Gateway 17', mode: 'keynote', products: [],
});

const QA_TYPES = new Set(['ask', 'vote', 'answer', 'remove_question']);
const STAFF = new Set(['seller', 'moderator']);

// The Q&A part of the protocol, played between the pages and a server that lacks it. Decides
// once, at the first welcome, whether it is needed (active) or not.
class QaStandIn {
  constructor() {
    this.active = null;
    this.questions = new Map();  // id -> question event
    this.voters = new Map();     // id -> Set of user ids
    this.next = 1;
    this.links = new Set();
  }

  route = (ws) => {
    const server = ws.connectToServer();
    const link = { ws, user: null };
    this.links.add(link);
    ws.onMessage((message) => {
      const frame = JSON.parse(message);
      if (this.active && QA_TYPES.has(frame.type)) return this.handle(link, frame);
      return server.send(message);
    });
    server.onMessage((message) => {
      const frame = JSON.parse(message);
      if (frame.type === 'welcome') {
        link.user = frame.user;
        this.active ??= !Array.isArray(frame.room?.questions);
        if (this.active) frame.room.questions = this.ranked();
        return ws.send(JSON.stringify(frame));
      }
      return ws.send(message);
    });
  };

  ranked() {
    return [...this.questions.values()].sort((a, b) => (a.answered - b.answered) || (b.votes - a.votes) || (a.ts - b.ts));
  }

  publish(event) {
    for (const link of this.links) {
      try {
        link.ws.send(JSON.stringify({ type: 'batch', events: [event] }));
      } catch {
        this.links.delete(link);  // that page left
      }
    }
  }

  handle(link, frame) {
    const fail = (code) => link.ws.send(JSON.stringify({ type: 'error', code, message: code }));
    if (frame.type === 'ask') {
      const q = { type: 'question', id: `q${this.next++}`, text: String(frame.text).trim(), user: link.user,
        ts: Date.now(), votes: 0, answered: false };
      this.questions.set(q.id, q);
      this.voters.set(q.id, new Set());
      return this.publish(q);
    }
    const q = this.questions.get(frame.question);
    if (frame.type !== 'vote' && !STAFF.has(link.user?.role)) return fail('forbidden');
    if (!q) return fail('unknown_question');
    if (frame.type === 'vote') {
      if (q.answered) return fail('answered');
      if (this.voters.get(q.id).has(link.user.id)) return fail('already_voted');
      this.voters.get(q.id).add(link.user.id);
      q.votes += 1;
      return this.publish({ ...q });
    }
    if (frame.type === 'answer') {
      q.answered = true;
      return this.publish({ ...q });
    }
    this.questions.delete(q.id);
    return this.publish({ type: 'question_deleted', id: q.id });
  }
}

let server;
let browser;
let pages;
const standIn = new QaStandIn();
const run = trackFailures();
const check = run.check;

// The question texts on a page, top to bottom.
const order = (page) => page.getByTestId('qa-list').locator('.q-text').allTextContents();
const question = (page, text) => page.getByTestId('qa-list').locator('li.question', { hasText: text });

async function ask(page, text) {
  await page.getByTestId('qa-input').fill(text);
  await page.getByTestId('qa-ask').click();
}

before(async () => {
  try {
    server = await startLivegate([keynote], { auth: true });
    browser = await launchChromium();
    pages = new WatchPages(browser, server, keynote.id);
  } catch (e) {
    run.failed = true;
    throw e;
  }
}, { timeout: 30000 });

after(async () => {
  await browser?.close().catch(() => {});
  if (server) {
    if (run.failed) console.error(`--- livegate and redis output ---\n${server.log()}\n--- end ---`);
    await server.stop();
  }
});

check('a keynote shows questions instead of the shop; a server without Q&A gets a quiet notice', { timeout: 20000 }, async (t) => {
  const welcomes = [];
  const context = await browser.newContext({ viewport: DESKTOP, locale: 'en-US' });
  const page = await context.newPage();
  page.on('pageerror', (e) => pages.problems.push(`plain: ${e.message}`));
  page.on('websocket', (ws) => ws.on('framereceived', ({ payload }) => {
    if (String(payload).startsWith('{"type":"welcome"')) welcomes.push(JSON.parse(payload));
  }));
  await page.goto(`${server.baseUrl}/watch/${keynote.id}`);
  await connected(page);
  assert.equal(await page.getByTestId('qa').isVisible(), true, 'the Q&A panel is there');
  assert.equal(await page.locator('.shop').isVisible(), false, 'no shop at a keynote');
  await page.getByText('No questions yet. Ask the first one!').waitFor({ timeout: 2000 });
  if (Array.isArray(welcomes[0]?.room?.questions)) {
    t.diagnostic('the server speaks Q&A: nothing to degrade');
  } else {
    await ask(page, 'Is anyone there?');
    await page.getByTestId('qa-notice').filter({ hasText: 'Questions are not open on this server yet.' }).waitFor({ timeout: 5000 });
    assert.equal(await page.getByTestId('qa-input').isVisible(), false, 'no ask box when it cannot work');
    assert.equal(await page.getByTestId('chat-notice').textContent(), '', 'the chat is not bothered');
  }
  await context.close();
});

check('viewers ask and vote, the list re-ranks on every page, votes are remembered, staff answer and remove', { timeout: 40000 }, async (t) => {
  const token = await chatToken(server, keynote.id, { role: 'moderator', name: 'Mia' });
  const route = standIn.route;
  const [ann, bo, mod] = await Promise.all([pages.open('Ann', { name: 'Ann', route }),
    pages.open('Bo', { name: 'Bo', route, video: false }), pages.open('moderator', { hash: `#token=${token}`, route })]);
  if (standIn.active) t.diagnostic('Q&A frames answered by the test stand-in: the server does not speak Q&A yet');

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

  await ask(bo, 'Will there be a recording with Chinese subtitles?');
  await question(ann, 'Chinese subtitles').waitFor({ timeout: 5000 });
  // The picture for the docs, only of the real thing.
  const shot = standIn.active ? path.join(os.tmpdir(), 'keynote-qa-stand-in.png') : screenshotPath('keynote-qa.png');
  await ann.screenshot({ path: shot });
  await mod.screenshot({ path: standIn.active ? path.join(os.tmpdir(), 'keynote-qa-staff-stand-in.png') : screenshotPath('keynote-qa-staff.png') });
  t.diagnostic(`screenshots: ${shot}`);
  for (const page of [ann, bo, mod]) await page.context().close();
});

check('no script errors or dialogs on any page', {}, () => {
  assert.deepEqual(pages.problems, []);
});
