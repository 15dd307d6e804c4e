// Product cards with live stock and a buy-now button per product. The numbers live here
// (this.state), the cards are drawn from them, so a redraw (new snapshot, language switch)
// keeps what the viewer sees.
import { el } from './dom.js';
import { money } from './format.js';
import { t, productTitle, lang } from './i18n.js';

// Shoppers who read Chinese also see the price in yuan (at the server's configured rate).
function cnyText(p, rate) {
  if (lang() !== 'zh' || !(rate > 0)) return '';
  const fen = p.price_cny_fen ?? Math.round(p.price_cents * rate);
  return `≈ ${money(fen, 'CNY')}`;
}

export class Shop {
  // onTap(product): the viewer looked closer at a product (once per product, for the funnel).
  constructor(list, onBuy, onTap = () => {}) {
    this.list = list;
    this.onBuy = onBuy;
    this.onTap = onTap;
    this.tapped = new Set();
    this.cnyPerUsd = 0;
    this.products = [];
    this.pinned = null;
    this.state = new Map();  // sku -> { stock, sold, busy }
    this.cards = new Map();  // sku -> { card, button, stockText, soldText }
  }

  // A snapshot: the product list with stock and sold per sku (welcome or the REST API).
  setProducts(products, stock = {}, sold = {}) {
    this.products = products;
    for (const p of products) {
      const s = this.state.get(p.sku) ?? { stock: 0, sold: -1, busy: false };
      this.state.set(p.sku, s);
      this.applyCounts(s, stock[p.sku] ?? p.stock ?? 0, sold[p.sku] ?? p.sold ?? 0);
    }
    this.render();
  }

  // A "product" event: listed or changed (product), or taken off sale (product null).
  upsert(sku, product, stock, sold) {
    const i = this.products.findIndex((p) => p.sku === sku);
    if (!product) {
      if (i >= 0) this.products.splice(i, 1);
      this.state.delete(sku);
    } else {
      if (i >= 0) this.products[i] = product;
      else this.products.push(product);
      const s = this.state.get(sku) ?? { stock: 0, sold: -1, busy: false };
      this.state.set(sku, s);
      if (typeof stock === 'number') { s.stock = Math.max(0, stock); s.sold = Math.max(s.sold, sold ?? 0); }
    }
    this.render();
  }

  hasProducts() { return this.products.length > 0; }

  product(sku) { return this.products.find((p) => p.sku === sku) ?? null; }

  setPinned(sku) {
    this.pinned = sku ?? null;
    for (const [key, c] of this.cards) c.card.classList.toggle('pinned', key === this.pinned);
  }

  render() {
    this.cards.clear();
    this.list.replaceChildren(...this.products.map((p) => this.card(p)));
  }

  card(p) {
    const stockText = el('span', { class: 'stock', 'data-testid': `stock-${p.sku}` });
    const soldText = el('span', { class: 'sold', 'data-testid': `sold-${p.sku}` });
    const button = el('button', { class: 'buy', type: 'button', 'data-testid': `buy-${p.sku}` });
    button.addEventListener('click', () => this.onBuy(p));
    const title = productTitle(p);
    const card = el('li', { class: 'product', 'data-testid': `product-${p.sku}` },
      el('img', { src: p.image || '/assets/img/favicon.svg', alt: '', width: 72, height: 72 }),
      el('div', { class: 'product-body' },
        el('span', { class: 'pin-tag', text: t('shop.pinned') }),
        el('h3', { text: title, title }),
        p.description ? el('p', { class: 'desc', text: p.description, title: p.description }) : null,
        el('p', { class: 'counts' }, stockText, el('span', { class: 'dot', 'aria-hidden': 'true', text: '·' }), soldText,
          p.per_buyer > 0 ? el('span', { class: 'limit', 'data-testid': `limit-${p.sku}`, text: t('shop.limit', p.per_buyer) }) : null),
        el('div', { class: 'buy-row' },
          el('span', { class: 'price-block' },
            el('span', { class: 'price', text: money(p.price_cents) }),
            cnyText(p, this.cnyPerUsd) ? el('small', { class: 'price-cny', text: cnyText(p, this.cnyPerUsd) }) : null),
          button)));
    button.setAttribute('aria-label', t('shop.buyLabel', title, money(p.price_cents)));
    card.classList.toggle('pinned', p.sku === this.pinned);
    card.addEventListener('click', (e) => {
      if (e.target.closest('button') || this.tapped.has(p.sku)) return;
      this.tapped.add(p.sku);
      this.onTap(p);
    });
    this.cards.set(p.sku, { card, button, stockText, soldText });
    this.paint(p.sku);
    return card;
  }

  // A stock event (or the buyer's own ack). Units sold only grow, so a count smaller than the
  // one shown is older news that crossed a fresher one, and is dropped.
  update(sku, remaining, soldCount) {
    const s = this.state.get(sku);
    if (!s) return;
    if (this.applyCounts(s, remaining, soldCount)) this.paint(sku);
  }

  // The buyer's own ack carries only what remains: it can lower the stock shown, never raise it.
  lowerStock(sku, remaining) {
    const s = this.state.get(sku);
    if (!s || typeof remaining !== 'number' || remaining >= s.stock) return;
    s.stock = remaining;
    this.paint(sku);
  }

  applyCounts(s, remaining, soldCount) {
    if (soldCount < s.sold) return false;
    s.stock = Math.max(0, remaining);
    s.sold = soldCount;
    return true;
  }

  setBusy(sku, busy) {
    const s = this.state.get(sku);
    if (!s) return;
    s.busy = busy;
    this.paint(sku);
  }

  paint(sku) {
    const s = this.state.get(sku);
    const c = this.cards.get(sku);
    if (!s || !c) return;
    const soldOut = s.stock <= 0;
    c.stockText.textContent = soldOut ? t('shop.soldOut') : t('shop.left', s.stock);
    c.soldText.textContent = t('shop.sold', Math.max(0, s.sold));
    c.card.classList.toggle('sold-out', soldOut);
    c.card.classList.toggle('low', !soldOut && s.stock <= 5);
    c.button.disabled = s.busy || soldOut;
    c.button.setAttribute('aria-busy', String(s.busy));
    c.button.textContent = soldOut ? t('shop.soldOut') : s.busy ? t('shop.buying') : t('shop.buy');
  }
}
