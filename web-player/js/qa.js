// Keynote Q&A: viewers ask questions and vote for the ones they want answered; the list is
// ranked live (most votes first, equal votes oldest first, answered ones greyed at the bottom).
// Staff mark questions answered or remove them. One vote per question: the votes this browser
// gave are kept in localStorage per broadcast (the server refuses a second one anyway).
//
// A server without Q&A answers "unsupported": the panel then says so once and stops offering
// the ask box, and nothing else on the page changes.
import { el } from './dom.js';
import { t, errorText, onLangChange } from './i18n.js';
import { authorNodes } from './chat.js';
import { stored, store } from './storage.js';

const MAX_REMEMBERED_VOTES = 500;

function loadVotes(key) {
  try {
    const list = JSON.parse(stored('local', key) ?? '[]');
    return new Set(Array.isArray(list) ? list.filter((id) => typeof id === 'string') : []);
  } catch {
    return new Set();
  }
}

// Ranked: open before answered; more votes first; equal votes, older first.
function byRank(a, b) {
  return (a.answered - b.answered) || (b.votes - a.votes) || (a.ts - b.ts) || (a.id < b.id ? -1 : 1);
}

// Questions merge whatever order their events arrive in: votes only grow while a question is
// open, and answered never goes back.
function merge(old, q) {
  if (!old) return q;
  return { ...q, votes: Math.max(old.votes, q.votes), answered: old.answered || q.answered };
}

function normalize(q) {
  if (!q || typeof q.id !== 'string' || typeof q.text !== 'string') return null;
  return { ...q, votes: Math.max(0, Number(q.votes) || 0), answered: Boolean(q.answered), ts: Number(q.ts) || 0 };
}

export class QaPanel {
  // root: the panel section; send(frame) → false when not connected.
  constructor(root, { broadcastId, send }) {
    this.root = root;
    this.send = send;
    this.list = root.querySelector('.qa-list');
    this.empty = root.querySelector('.qa-empty');
    this.form = root.querySelector('.qa-form');
    this.input = root.querySelector('.qa-form input');
    this.notice = root.querySelector('.qa-notice');
    this.votesKey = `livegate.votes:${broadcastId}`;
    this.voted = loadVotes(this.votesKey);
    this.questions = new Map();  // id -> question
    this.items = new Map();      // id -> { li, ... }
    this.me = null;
    this.staff = false;
    this.supported = true;
    this.pendingVote = null;
    this.noticeTimer = 0;
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.ask();
    });
    onLangChange(() => this.redraw());
  }

  show(on) {
    this.root.hidden = !on;
  }

  get visible() {
    return !this.root.hidden;
  }

  setViewer({ me, staff }) {
    if (me === this.me && staff === this.staff) return;
    this.me = me;
    this.staff = staff;
    this.redraw();
  }

  // The welcome's board: it replaces what the page had (questions removed meanwhile are gone).
  snapshot(questions) {
    const fresh = new Map();
    for (const raw of questions) {
      const q = normalize(raw);
      if (q) fresh.set(q.id, merge(this.questions.get(q.id), q));
    }
    this.questions = fresh;
    this.render();
  }

  update(raw) {
    const q = normalize(raw);
    if (!q) return;
    this.questions.set(q.id, merge(this.questions.get(q.id), q));
    if (this.pendingVote === q.id) this.pendingVote = null;
    this.render();
  }

  remove(id) {
    if (!this.questions.delete(id)) return;
    this.render();
  }

  ask() {
    const text = this.input.value.trim();
    if (!text || !this.supported) return;
    if (!this.send({ type: 'ask', text })) return this.say(t('chat.offline'));
    this.lastAsked = text;
    this.input.value = '';
  }

  vote(id) {
    const q = this.questions.get(id);
    if (!q || q.answered || this.voted.has(id) || !this.supported) return;
    if (!this.send({ type: 'vote', question: id })) return this.say(t('chat.offline'));
    this.pendingVote = id;
    this.remember(id, true);
    this.render();
  }

  remember(id, voted) {
    if (voted) this.voted.add(id);
    else this.voted.delete(id);
    while (this.voted.size > MAX_REMEMBERED_VOTES) this.voted.delete(this.voted.values().next().value);
    store('local', this.votesKey, JSON.stringify([...this.voted]));  // without storage the server still refuses a second vote
  }

  // An error frame that answers one of our Q&A requests.
  refused(error) {
    // already_voted and answered may carry the question as it stands: show that.
    if (error.question && typeof error.question === 'object') this.update(error.question);
    const q = this.pendingVote && this.questions.get(this.pendingVote);
    switch (error.code) {
      case 'unsupported':
        if (this.pendingVote) this.remember(this.pendingVote, false);
        this.pendingVote = null;
        this.supported = false;
        this.form.hidden = true;
        this.say(t('qa.unsupported'), 0);
        break;
      case 'already_voted':
        this.pendingVote = null;  // the vote stands (from another tab or visit)
        break;
      case 'answered':
        if (q) q.answered = true;
        this.pendingVote = null;
        this.say(errorText(error));
        break;
      case 'unknown_question':
        if (this.pendingVote) this.questions.delete(this.pendingVote);
        this.pendingVote = null;
        this.say(errorText(error));
        break;
      default:
        if (this.pendingVote) this.remember(this.pendingVote, false);
        this.pendingVote = null;
        if (this.lastAsked && !this.input.value) this.input.value = this.lastAsked;
        this.say(errorText(error));
    }
    this.lastAsked = null;
    this.render();
  }

  // ms = 0: stays.
  say(text, ms = 6000) {
    this.notice.textContent = text;  // a live region that stays in the page; empty = not shown
    clearTimeout(this.noticeTimer);
    if (ms) this.noticeTimer = setTimeout(() => { this.notice.textContent = ''; }, ms);
  }

  redraw() {
    for (const item of this.items.values()) item.li.remove();
    this.items.clear();
    this.render();
  }

  // Items are kept per id and only moved when the ranking changes, so a vote button keeps the
  // keyboard focus while the list reorders around it.
  render() {
    const ranked = [...this.questions.values()].sort(byRank);
    const focused = this.list.contains(document.activeElement) ? document.activeElement : null;
    for (const [id, item] of this.items) {
      if (!this.questions.has(id)) {
        item.li.remove();
        this.items.delete(id);
      }
    }
    ranked.forEach((q, i) => {
      const item = this.items.get(q.id) ?? this.item(q);
      this.paint(item, q);
      if (this.list.children[i] !== item.li) this.list.insertBefore(item.li, this.list.children[i] ?? null);
    });
    if (focused && focused.isConnected && document.activeElement !== focused) focused.focus();
    this.empty.hidden = ranked.length > 0;
  }

  item(q) {
    const vote = el('button', { type: 'button', class: 'vote', 'data-testid': 'vote' },
      el('span', { class: 'vote-arrow', 'aria-hidden': 'true' }),
      el('span', { class: 'vote-count' }));
    vote.addEventListener('click', () => this.vote(q.id));
    const text = el('p', { class: 'q-text' });
    const meta = el('p', { class: 'q-meta' });
    const tools = el('div', { class: 'q-tools' });
    const li = el('li', { class: 'question', dataset: { id: q.id }, 'data-testid': `question-${q.id}` },
      vote, el('div', { class: 'q-body' }, text, meta, tools));
    const item = { li, vote, text, meta, tools, drawn: '' };
    this.items.set(q.id, item);
    return item;
  }

  paint(item, q) {
    const voted = this.voted.has(q.id);
    const state = JSON.stringify([q.text, q.votes, q.answered, voted, q.user?.name, q.user?.role, this.staff, this.me, this.supported]);
    if (item.drawn === state) return;
    item.drawn = state;
    item.li.classList.toggle('answered', q.answered);
    item.li.classList.toggle('mine', Boolean(this.me && q.user?.id === this.me));
    item.vote.querySelector('.vote-count').textContent = q.votes.toLocaleString();
    item.vote.disabled = voted || q.answered || !this.supported;
    item.vote.setAttribute('aria-pressed', String(voted));
    item.vote.setAttribute('aria-label', t(voted ? 'qa.voted' : 'qa.vote', q.text, q.votes));
    item.text.textContent = q.text;
    item.meta.replaceChildren(...authorNodes(q.user),
      ...(q.answered ? [el('span', { class: 'answered-tag', text: t('qa.answered') })] : []));
    if (!this.staff) return item.tools.replaceChildren();
    const answer = q.answered ? null
      : el('button', { type: 'button', class: 'q-answer', 'aria-label': t('qa.markAnsweredLabel', q.text), text: t('qa.markAnswered') });
    answer?.addEventListener('click', () => this.send({ type: 'answer', question: q.id }));
    const remove = el('button', { type: 'button', class: 'q-remove', 'aria-label': t('qa.removeLabel', q.text), text: t('qa.remove') });
    remove.addEventListener('click', () => this.send({ type: 'remove_question', question: q.id }));
    item.tools.replaceChildren(...[answer, remove].filter(Boolean));
  }
}
