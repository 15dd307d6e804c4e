// "3 new messages ↓": a reader who scrolled up to read older lines is not dragged down by every
// new one; this button counts what arrived below and takes them back to the newest line.
import { t, onLangChange } from './i18n.js';

export class NewLinesButton {
  // list: the scrolling chat list; button: an empty button under it (hidden while not needed).
  constructor(list, button) {
    this.list = list;
    this.button = button;
    this.unseen = 0;
    button.addEventListener('click', () => {
      this.list.scrollTop = this.list.scrollHeight;
      this.clear();
    });
    list.addEventListener('scroll', () => {
      if (this.unseen && this.atBottom()) this.clear();
    }, { passive: true });
    onLangChange(() => this.paint());
  }

  atBottom() {
    return this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 40;
  }

  // A line arrived while the reader was scrolled up.
  added() {
    this.unseen += 1;
    this.paint();
  }

  clear() {
    this.unseen = 0;
    this.paint();
  }

  paint() {
    this.button.hidden = this.unseen === 0;
    this.button.textContent = this.unseen ? t('chat.newLines', this.unseen) : '';
  }
}
