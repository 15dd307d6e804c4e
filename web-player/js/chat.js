// The chat column. Lines are text nodes only: "<script>" typed by a viewer shows as text.
import { el } from './dom.js';
import { t } from './i18n.js';

const MAX_LINES = 300;

export class ChatView {
  constructor(list, notice) {
    this.list = list;
    this.notice = notice;
    this.seen = new Set();  // stream ids: a line delivered twice (resume) shows once
    this.me = null;         // this viewer's user id, to mark their own lines
    this.noticeTimer = 0;
  }

  // The first snapshot replaces the list; later ones (after a resume) only add what is new.
  snapshot(lines) {
    if (this.seen.size === 0) this.list.replaceChildren();
    for (const line of lines) this.append(line);
  }

  append(line) {
    if (!line || typeof line.text !== 'string') return;
    if (line.id) {
      if (this.seen.has(line.id)) return;
      this.seen.add(line.id);
    }
    const atBottom = this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 40;
    const mine = this.me && line.user?.id === this.me;
    const ts = Number.isFinite(line.ts) ? new Date(line.ts) : new Date();
    this.list.append(el('li', { class: mine ? 'line mine' : 'line', dataset: { id: line.id ?? '' } },
      el('span', { class: 'who', text: line.user?.name || 'guest' }),
      mine ? el('span', { class: 'you', text: t('chat.you') }) : null,
      el('span', { class: 'text', text: line.text }),
      el('time', { class: 'when', text: ts.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }), datetime: ts.toISOString() })));
    while (this.list.children.length > MAX_LINES) {
      const first = this.list.firstElementChild;
      this.seen.delete(first.dataset.id);
      first.remove();
    }
    if (atBottom || mine) this.list.scrollTop = this.list.scrollHeight;
  }

  // A short inline notice under the list (error frames, "not connected").
  showNotice(text) {
    this.notice.textContent = text;
    this.notice.hidden = false;
    clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => { this.notice.hidden = true; }, 6000);
  }
}
