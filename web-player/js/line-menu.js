// The staff actions of a chat line (Delete, Pin, Mute 5 min, Ban) as one small menu shared by
// every line: opened from the line's "⋯" button, placed under it, driven by mouse, touch or
// keyboard (arrows, Home/End, Escape gives focus back to the button). Items that need a second
// thought (Ban) ask first, inside the menu, never with a browser dialog.
import { el } from './dom.js';
import { t } from './i18n.js';

export class LineMenu {
  // container: the positioned element the menu floats in (the chat panel).
  constructor(container) {
    this.container = container;
    this.box = el('div', { class: 'line-menu', role: 'menu', 'data-testid': 'line-menu' });
    this.box.hidden = true;
    container.append(this.box);
    this.trigger = null;
    this.swapping = false;
    this.box.addEventListener('keydown', (e) => this.onKey(e));
    this.box.addEventListener('focusout', (e) => {
      if (this.swapping || this.box.hidden) return;
      if (!this.box.contains(e.relatedTarget) && e.relatedTarget !== this.trigger) this.close(false);
    });
    document.addEventListener('pointerdown', (e) => {
      if (!this.box.hidden && !this.box.contains(e.target) && !this.trigger?.contains(e.target)) this.close(false);
    });
  }

  get isOpen() {
    return !this.box.hidden;
  }

  // items: [{ label, run, danger?, confirm? }]; confirm: the question to ask before run.
  // label: the menu's accessible name (e.g. "Actions for the message from Ann").
  open(trigger, items, label) {
    const same = this.trigger === trigger && this.isOpen;
    this.close(false);
    if (same) return;  // a second click on the same button closes it
    this.trigger = trigger;
    trigger.setAttribute('aria-expanded', 'true');
    trigger.closest('li')?.classList.add('menu-open');
    this.box.setAttribute('aria-label', label);
    this.fill(items);
    this.box.hidden = false;
    this.place();
    this.items()[0]?.focus();
  }

  close(refocus = true) {
    if (this.box.hidden) return;
    this.box.hidden = true;
    this.box.replaceChildren();
    const trigger = this.trigger;
    this.trigger = null;
    if (!trigger) return;
    trigger.setAttribute('aria-expanded', 'false');
    trigger.closest('li')?.classList.remove('menu-open');
    if (refocus && trigger.isConnected) trigger.focus();
  }

  fill(items) {
    this.box.replaceChildren(...items.map((item) => {
      const button = el('button', { type: 'button', role: 'menuitem', class: item.danger ? 'danger' : null, tabindex: '-1', text: item.label });
      button.addEventListener('click', () => {
        if (item.confirm) return this.ask(item);
        this.close();
        item.run();
      });
      return button;
    }));
  }

  ask(item) {
    const yes = el('button', { type: 'button', role: 'menuitem', class: 'danger', tabindex: '-1', text: item.label });
    const no = el('button', { type: 'button', role: 'menuitem', tabindex: '-1', text: t('mod.cancel') });
    yes.addEventListener('click', () => {
      this.close();
      item.run();
    });
    no.addEventListener('click', () => this.close());
    this.swapping = true;  // the focused item leaves the page: that is not focus leaving the menu
    this.box.replaceChildren(el('p', { class: 'menu-question', text: item.confirm }), yes, no);
    this.place();
    no.focus();  // the safe choice has the focus
    this.swapping = false;
  }

  items() {
    return [...this.box.querySelectorAll('[role=menuitem]')];
  }

  onKey(e) {
    const items = this.items();
    const at = items.indexOf(document.activeElement);
    const go = (i) => { e.preventDefault(); items[(i + items.length) % items.length]?.focus(); };
    switch (e.key) {
      case 'ArrowDown': return go(at + 1);
      case 'ArrowUp': return go(at - 1);
      case 'Home': return go(0);
      case 'End': return go(items.length - 1);
      case 'Escape':
        e.preventDefault();
        return this.close();
      case 'Tab':
        e.preventDefault();
        return this.close();
      default:
        return undefined;
    }
  }

  // Under the button, right edges aligned; above it when there is no room below.
  place() {
    const box = this.container.getBoundingClientRect();
    const button = this.trigger.getBoundingClientRect();
    const height = this.box.offsetHeight;
    const below = button.bottom - box.top + 4;
    const top = below + height > box.height && button.top - box.top - height - 4 >= 0
      ? button.top - box.top - height - 4 : below;
    this.box.style.top = `${Math.round(top)}px`;
    this.box.style.right = `${Math.round(Math.max(4, box.right - button.right))}px`;
  }
}
