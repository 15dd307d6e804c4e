// The pinned chat line, as a banner above the chat: who wrote it and what. Staff get an "Unpin"
// button. The line object is the chat event itself ({id, user, text, ts}) or null.
import { el } from './dom.js';
import { t } from './i18n.js';
import { authorNodes } from './chat.js';

export class PinnedBanner {
  constructor(box, { onUnpin }) {
    this.box = box;
    this.onUnpin = onUnpin;
    this.line = null;
    this.staff = false;
  }

  set(line) {
    this.line = line && typeof line.text === 'string' ? line : null;
    this.render();
  }

  setStaff(staff) {
    this.staff = staff;
    this.render();
  }

  render() {
    const line = this.line;
    this.box.hidden = !line;
    if (!line) return this.box.replaceChildren();
    const unpin = this.staff
      ? el('button', { type: 'button', class: 'unpin', 'aria-label': t('chat.unpinLabel'), 'data-testid': 'unpin', text: t('mod.unpin') })
      : null;
    unpin?.addEventListener('click', () => this.onUnpin(line));
    this.box.replaceChildren(
      el('span', { class: 'pin-icon', 'aria-hidden': 'true' }),
      el('div', { class: 'pinned-body' },
        el('p', { class: 'pinned-head' }, el('span', { class: 'pinned-label', text: t('chat.pinned') }), ...authorNodes(line.user)),
        el('p', { class: 'pinned-text', text: line.text, title: line.text })),
      ...(unpin ? [unpin] : []));
  }
}
