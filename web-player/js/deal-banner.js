// The flash deal banner: deal price against the regular one, units left and a countdown. Time
// comes from the server (`now` in the welcome and deal events): the offset between the server's
// clock and this browser's is measured once per message, so a viewer whose clock is off still
// sees the right countdown. Whether a deal click is in time is decided by Redis, not here.
import { el } from './dom.js';
import { money } from './format.js';
import { t } from './i18n.js';

export class DealBanner {
  // onBuy(deal): the viewer wants the deal. titleOf(sku): the product's title in the viewer's
  // language ('' when unknown).
  constructor(root, onBuy, titleOf = () => '') {
    this.root = root;
    this.onBuy = onBuy;
    this.titleOf = titleOf;
    this.deals = new Map();  // id -> { deal, remaining }
    this.offset = 0;         // server clock - local clock, ms
    this.timer = 0;
  }

  serverNow() { return Date.now() + this.offset; }

  syncClock(serverMs) {
    if (Number.isFinite(serverMs)) this.offset = serverMs - Date.now();
  }

  snapshot(deals, now) {
    this.syncClock(now);
    this.deals.clear();
    for (const d of deals ?? []) this.deals.set(d.id, { deal: d, remaining: d.remaining ?? d.stock });
    this.render();
  }

  // A "deal" event: created, ended early (new ends_at) - the whole deal.
  update(e) {
    this.syncClock(e.now);
    if (e.deal?.id) this.deals.set(e.deal.id, { deal: e.deal, remaining: e.remaining ?? e.deal.stock });
    this.render();
  }

  // A "deal_stock" event: units left.
  remaining(id, left) {
    const d = this.deals.get(id);
    if (!d || !(left < d.remaining)) return;
    d.remaining = Math.max(0, left);
    this.render();
  }

  // The deal on screen: running (or the next to start), latest first.
  active() {
    const now = this.serverNow();
    let best = null;
    for (const d of this.deals.values()) {
      if (d.deal.ends_at <= now) continue;
      if (!best || d.deal.starts_at < best.deal.starts_at) best = d;
    }
    return best;
  }

  render() {
    clearTimeout(this.timer);
    const d = this.active();
    this.root.hidden = !d;
    if (!d) return this.root.replaceChildren();
    const now = this.serverNow();
    const started = d.deal.starts_at <= now;
    const left = Math.max(0, Math.ceil(((started ? d.deal.ends_at : d.deal.starts_at) - now) / 1000));
    const clock = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
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
  }
}
