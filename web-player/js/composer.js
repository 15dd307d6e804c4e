// The chat form's send side: the send button waits out slow mode, the rate limit or a mute with
// a countdown on it (the server says how long: retry_after_ms), a refused line goes back into
// the input, and a viewer removed from the chat sees why instead of the form.
import { el } from './dom.js';
import { t, waitText, onLangChange } from './i18n.js';

export class Composer {
  // form, input, button: the chat form; removed: the box shown instead of the form after a ban.
  constructor({ form, input, button, removed }) {
    this.form = form;
    this.input = input;
    this.button = button;
    this.removedBox = removed;
    this.until = 0;      // Date.now() ms until which sending waits
    this.reason = null;
    this.timer = 0;
    this.unsent = null;  // the last line sent, until it comes back or is refused
    this.removed = false;
    onLangChange(() => {
      this.paint();
      this.paintRemoved();
    });
    this.paint();
  }

  get waiting() {
    return this.until > Date.now();
  }

  // The line just went out; remembered in case it is refused.
  sent(text) {
    this.unsent = text;
    this.input.value = '';
  }

  // One of our lines came back from the room: it was taken.
  delivered(text) {
    if (text === this.unsent) this.unsent = null;
  }

  // The server refused the last line: put it back unless the viewer is typing another.
  refused() {
    if (this.unsent !== null && !this.input.value) this.input.value = this.unsent;
    this.unsent = null;
  }

  // Sending waits ms (the later of this and any wait already running). reason: what the wait is
  // for (slow_mode, rate_limited, muted), so that lifting that rule can end it (releaseIf).
  hold(ms, reason = null) {
    const until = Date.now() + Math.max(0, Number(ms) || 0);
    if (until <= this.until) return;
    this.until = until;
    this.reason = reason;
    this.tick();
  }

  release() {
    this.until = 0;
    this.reason = null;
    this.tick();
  }

  releaseIf(reason) {
    if (this.reason === reason) this.release();
  }

  // The box is an alert region that is always in the page and empty until now: filling it is
  // what screen readers announce.
  setRemoved() {
    if (this.removed) return;
    this.removed = true;
    this.release();
    this.form.hidden = true;
    this.paintRemoved();
  }

  paintRemoved() {
    if (!this.removed) return;
    this.removedBox.replaceChildren(el('strong', { text: t('chat.removed') }), el('span', { text: t('chat.removedHint') }));
  }

  tick() {
    clearTimeout(this.timer);
    this.paint();
    const left = this.until - Date.now();
    if (left > 0) this.timer = setTimeout(() => this.tick(), Math.min(1000, (left % 1000) || 1000));
  }

  paint() {
    const left = this.until - Date.now();
    if (left > 0) {
      this.button.disabled = true;
      this.button.textContent = t('chat.wait', waitText(left));
      this.button.setAttribute('aria-label', t('chat.waitLabel', waitText(left)));
      this.button.classList.add('waiting');
    } else {
      this.button.disabled = this.removed;
      this.button.textContent = t('chat.send');
      this.button.removeAttribute('aria-label');
      this.button.classList.remove('waiting');
    }
  }
}
