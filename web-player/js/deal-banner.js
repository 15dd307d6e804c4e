// The flash deal banner: deal price against the regular one, units left and a countdown on the
// server's clock (DealBook).
import { el } from './dom.js';
import { money } from './format.js';
import { t } from './i18n.js';
import { DealBook, countdown } from './deal-book.js';

export class DealBanner {
  // onBuy(deal): the viewer wants the deal. titleOf(sku): the product's title in the viewer's
  // language ('' when unknown).
  constructor(root, onBuy, titleOf = () => '') {
    this.root = root;
    this.onBuy = onBuy;
    this.titleOf = titleOf;
    this.book = new DealBook();
    this.timer = 0;
  }

  snapshot(deals, now) {
    this.book.snapshot(deals, now);
    this.render();
  }

  update(e) {
    this.book.update(e);
    this.render();
  }

  remaining(id, left) {
    if (this.book.remaining(id, left)) this.render();
  }

  // The deal on screen: running, or the next to start.
  active() {
    return this.book.running()[0] ?? null;
  }

  render() {
    clearTimeout(this.timer);
    const d = this.active();
    this.root.hidden = !d;
    if (!d) return this.root.replaceChildren();
    const now = this.book.now();
    const started = d.deal.starts_at <= now;
    const clock = countdown((started ? d.deal.ends_at : d.deal.starts_at) - now);
    const soldOut = d.remaining <= 0;
    const button = el('button', { class: 'deal-buy', type: 'button', 'data-testid': 'deal-buy',
      text: soldOut ? t('deal.soldOut') : t('deal.buy') });
    button.disabled = !started || soldOut;
    button.addEventListener('click', () => this.onBuy(d.deal));
    this.root.replaceChildren(
      el('span', { class: 'deal-tag', text: t('deal.flash') }),
      el('span', { class: 'deal-title', text: this.titleOf(d.deal.sku) }),
      el('span', { class: 'deal-price', text: money(d.deal.price_cents) }),
      el('s', { class: 'deal-regular', text: money(d.deal.regular_cents) }),
      el('span', { class: 'deal-left', text: t('deal.left', d.remaining) }),
      el('span', { class: 'deal-clock', 'data-testid': 'deal-clock', text: started ? clock : t('deal.startsIn', clock) }),
      button);
    this.timer = setTimeout(() => this.render(), 250);
    return undefined;
  }
}
