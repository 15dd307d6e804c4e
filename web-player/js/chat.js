// The chat column. Lines are text nodes only: "<script>" typed by a viewer shows as text.
// Staff (seller, moderators) get an actions button on each line (see line-menu.js) and short
// notes in the list when someone is muted or banned.
import { el } from './dom.js';
import { t } from './i18n.js';

const MAX_LINES = 300;
const MAX_GONE = 1000;

export const isStaffRole = (role) => role === 'seller' || role === 'moderator';

// "Ann", plus a "Moderator" / "Seller" badge for staff: the name part of a line, the pinned
// banner and a question.
export function authorNodes(user) {
  const role = user?.role;
  const nodes = [el('span', { class: 'who', text: user?.name || 'guest' })];
  if (isStaffRole(role)) nodes.push(el('span', { class: 'role-badge', dataset: { role }, text: t(`role.${role}`) }));
  return nodes;
}

export class ChatView {
  // onActions(button, line): a staff member opened the actions of a line. newLines: a
  // NewLinesButton that counts lines arriving while the reader is scrolled up (optional).
  constructor(list, notice, { onActions = () => {}, newLines = null } = {}) {
    this.list = list;
    this.notice = notice;
    this.onActions = onActions;
    this.newLines = newLines;
    this.lines = new Map();  // stream id -> { line, li }: a line delivered twice (resume) shows once
    this.gone = new Set();   // deleted ids: a late copy of a deleted line stays out
    this.names = new Map();  // user id -> last name seen, for the moderation notes
    this.me = null;          // this viewer's user id, to mark their own lines
    this.staff = false;
    this.started = false;
    this.noticeTimer = 0;
  }

  // Who is looking; lines are drawn again when that changes (staff get the actions button).
  setViewer({ me, staff }) {
    const changed = me !== this.me || staff !== this.staff;
    this.me = me;
    this.staff = staff;
    this.list.classList.toggle('staff', staff);
    if (changed) this.render();
  }

  // A welcome's chat. replace: a fresh snapshot (first join, or a resume the server could not
  // serve exactly) stands for the whole history, so lines not in it are gone. Otherwise the
  // lines are the ones missed since resume_from and are added, after removing `deleted`.
  snapshot(lines, { replace = true, deleted = [] } = {}) {
    if (replace || !this.started) {
      this.lines.clear();
      this.list.replaceChildren();
    }
    this.started = true;
    for (const id of deleted) this.remove(id);
    for (const line of lines) this.append(line);
  }

  append(line) {
    if (!line || typeof line.text !== 'string') return;
    // A line this page saw while Redis was away (pending, under its server's local id), now
    // written: the same line takes its stream id in place. Pages that never saw it add it.
    if (line.replaces && this.lines.has(line.replaces)) return this.confirm(line);
    if (line.id && (this.lines.has(line.id) || this.gone.has(line.id))) return;
    if (line.user?.id) this.names.set(line.user.id, line.user.name || 'guest');
    const atBottom = this.atBottom();
    const li = this.lineElement(line);
    if (line.id) this.lines.set(line.id, { line, li });
    this.list.append(li);
    this.trim();
    if (atBottom || li.classList.contains('mine')) {
      this.list.scrollTop = this.list.scrollHeight;
      this.newLines?.clear();
    } else if (this.started) {
      this.newLines?.added();
    }
  }

  confirm(line) {
    const held = this.lines.get(line.replaces);
    this.lines.delete(line.replaces);
    if (this.lines.has(line.id) || this.gone.has(line.id)) {
      held.li.remove();  // the written copy is here already (or was deleted meanwhile)
      return;
    }
    const li = this.lineElement(line);
    held.li.replaceWith(li);
    this.lines.set(line.id, { line, li });
  }

  // A moderator deleted the line (or a held one was refused when written): it leaves every page.
  remove(id) {
    if (!id) return;
    this.gone.add(id);
    if (this.gone.size > MAX_GONE) this.gone.delete(this.gone.values().next().value);
    const entry = this.lines.get(id);
    if (!entry) return;
    this.lines.delete(id);
    entry.li.remove();
  }

  line(id) {
    return this.lines.get(id)?.line ?? null;
  }

  nameOf(userId) {
    return this.names.get(userId) ?? userId;
  }

  // A note in the list for staff (not a chat line: no id, never sent anywhere), with an
  // optional button, e.g. "guest-1a2b was banned · Undo".
  note(text, action = null) {
    const atBottom = this.atBottom();
    const li = el('li', { class: 'line note' }, el('span', { class: 'text', text }));
    if (action) {
      const button = el('button', { type: 'button', class: 'note-action', text: action.label, 'aria-label': action.ariaLabel });
      button.addEventListener('click', () => {
        button.disabled = true;
        action.run();
      });
      li.append(button);
    }
    this.list.append(li);
    this.trim();
    if (atBottom) this.list.scrollTop = this.list.scrollHeight;
  }

  // Draws every line again (viewer or language changed); keeps the reader's place.
  render() {
    const atBottom = this.atBottom();
    const top = this.list.scrollTop;
    for (const entry of this.lines.values()) {
      const li = this.lineElement(entry.line);
      entry.li.replaceWith(li);
      entry.li = li;
    }
    this.list.scrollTop = atBottom ? this.list.scrollHeight : top;
  }

  lineElement(line) {
    const mine = Boolean(this.me && line.user?.id === this.me);
    const ts = Number.isFinite(line.ts) ? new Date(line.ts) : new Date();
    // Pending: said while the server could not reach Redis; shown here, written when it is back.
    const classes = ['line', mine ? 'mine' : '', line.pending ? 'pending' : ''].filter(Boolean).join(' ');
    const li = el('li', { class: classes, dataset: { id: line.id ?? '', user: line.user?.id ?? '' } },
      ...authorNodes(line.user),
      mine ? el('span', { class: 'you', text: t('chat.you') }) : null,
      el('span', { class: 'text', text: line.text }),
      el('time', { class: 'when', text: ts.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }), datetime: ts.toISOString() }),
      line.pending ? el('span', { class: 'pending-mark', title: t('chat.pendingHint'), text: t('chat.pending') }) : null);
    if (this.staff && line.id && !line.pending) {
      const button = el('button', {
        type: 'button', class: 'line-actions', 'aria-haspopup': 'menu', 'aria-expanded': 'false',
        'aria-label': t('chat.actions', line.user?.name || 'guest'), 'data-testid': 'line-actions',
      }, el('span', { 'aria-hidden': 'true', text: '⋯' }));
      button.addEventListener('click', () => this.onActions(button, line));
      li.append(button);
    }
    return li;
  }

  atBottom() {
    return this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 40;
  }

  trim() {
    while (this.list.children.length > MAX_LINES) {
      const first = this.list.firstElementChild;
      if (first.dataset.id) this.lines.delete(first.dataset.id);
      first.remove();
    }
  }

  // A short inline notice under the list (error frames, "not connected").
  // The notice is a live region that stays in the page (announced reliably); empty = not shown.
  // ms = 0: it stays.
  showNotice(text, ms = 6000) {
    this.setNotice(text);
    clearTimeout(this.noticeTimer);
    if (ms) this.noticeTimer = setTimeout(() => this.setNotice(''), ms);
  }

  // The notice floats over the end of the list, which makes room for it (CSS): a reader at the
  // bottom stays at the bottom, so the newest line is never behind the notice.
  setNotice(text) {
    const atBottom = this.atBottom();
    this.notice.textContent = text;
    if (atBottom) this.list.scrollTop = this.list.scrollHeight;
  }
}
