// Slow mode: the chat header tells viewers ("Slow mode: one message every 30 s"); staff see and
// set it in a menu in the same place (Off / 10 s / 30 s / 60 s, plus whatever value another
// moderator or the API chose). The server enforces it; staff are exempt.
import { el } from './dom.js';
import { t } from './i18n.js';

const CHOICES = [0, 10, 30, 60];

export class SlowMode {
  // control: the <label> around the <select>, shown to staff only; onChange(seconds).
  constructor(indicator, control, select, onChange) {
    this.indicator = indicator;
    this.control = control;
    this.select = select;
    this.seconds = 0;
    this.staff = false;
    select.addEventListener('change', () => onChange(Number(select.value)));
    this.render();
  }

  set(seconds) {
    this.seconds = Math.max(0, Number(seconds) || 0);
    this.render();
  }

  setStaff(staff) {
    this.staff = staff;
    this.render();
  }

  render() {
    const s = this.seconds;
    this.indicator.hidden = s <= 0 || this.staff;  // staff see the value in their menu
    this.indicator.textContent = s > 0 ? t('chat.slowOn', s) : '';
    this.control.hidden = !this.staff;
    const values = CHOICES.includes(s) ? CHOICES : [...CHOICES, s].sort((a, b) => a - b);
    this.select.replaceChildren(...values.map((v) =>
      el('option', { value: String(v), text: v === 0 ? t('chat.slowOff') : t('time.seconds', v) })));
    this.select.value = String(s);
  }
}
