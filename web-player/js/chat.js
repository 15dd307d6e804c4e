// The chat column. Lines are text nodes only: "<script>" typed by a viewer shows as text.
import { el } from './dom.js';

export class ChatView {
  constructor(list, notice) {
    this.list = list;
    this.notice = notice;
    this.seen = new Set();  // stream ids: a line delivered twice (resume) shows once
    this.noticeTimer = 0;
  }

  reset(lines) {
    this.list.replaceChildren();
    this.seen.clear();
    for (const line of lines) this.append(line);
  }

  append(line) {
    if (this.seen.has(line.id)) return;
    this.seen.add(line.id);
    const nearBottom = this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 60;
    const time = new Date(line.ts).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    this.list.append(el('li', { class: 'line', dataset: { id: line.id } },
      el('span', { class: 'who', text: line.user?.name ?? 'guest' }),
      el('span', { class: 'text', text: line.text }),
      el('time', { class: 'when', text: time, datetime: new Date(line.ts).toISOString() })));
    while (this.list.children.length > 300) this.list.firstElementChild.remove();
    if (nearBottom) this.list.scrollTop = this.list.scrollHeight;
  }

  showNotice(text) {
    this.notice.textContent = text;
    this.notice.hidden = false;
    clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => { this.notice.hidden = true; }, 5000);
  }
}
