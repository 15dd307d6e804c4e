// Product cards with live stock and a buy-now button per product.
import { el } from './dom.js';
import { money, count } from './format.js';

export class Shop {
  constructor(list, onBuy) {
    this.list = list;
    this.onBuy = onBuy;
    this.cards = new Map();  // sku -> { stock, sold, button, stockText, soldText }
  }

  render(products, stock, sold) {
    this.list.replaceChildren();
    this.cards.clear();
    for (const p of products) {
      const stockText = el('span', { class: 'stock', 'data-testid': `stock-${p.sku}` });
      const soldText = el('span', { class: 'sold', 'data-testid': `sold-${p.sku}` });
      const button = el('button', { class: 'buy', type: 'button', 'data-testid': `buy-${p.sku}` });
      button.addEventListener('click', () => this.onBuy(p));
      const card = el('li', { class: 'product', 'data-testid': `product-${p.sku}` },
        el('img', { src: p.image || '/assets/img/favicon.svg', alt: '', width: 88, height: 88, loading: 'lazy' }),
        el('div', { class: 'product-body' },
          el('h3', { text: p.title }),
          p.description ? el('p', { class: 'desc', text: p.description }) : null,
          el('div', { class: 'price-row' },
            el('span', { class: 'price', text: money(p.price_cents) }),
            el('span', { class: 'limit', text: `max ${p.max_per_order} per order` })),
          el('div', { class: 'stock-row' }, stockText, soldText)),
        button);
      this.list.append(card);
      this.cards.set(p.sku, { button, stockText, soldText, card, stock: 0, sold: 0, busy: false });
      this.update(p.sku, stock[p.sku] ?? 0, sold[p.sku] ?? 0);
    }
  }

  update(sku, remaining, soldCount) {
    const c = this.cards.get(sku);
    if (!c) return;
    // Events can cross a fresher snapshot; units sold only grow, so the larger count is newer.
    if (soldCount < c.sold) return;
    c.stock = remaining;
    c.sold = soldCount;
    c.stockText.textContent = remaining > 0 ? `${count(remaining, 'left', 'left')}` : 'Sold out';
    c.soldText.textContent = count(soldCount, 'sold', 'sold');
    c.card.classList.toggle('sold-out', remaining <= 0);
    this.paintButton(c);
  }

  setBusy(sku, busy) {
    const c = this.cards.get(sku);
    if (!c) return;
    c.busy = busy;
    this.paintButton(c);
  }

  paintButton(c) {
    c.button.disabled = c.busy || c.stock <= 0;
    c.button.textContent = c.stock <= 0 ? 'Sold out' : c.busy ? 'Buying…' : 'Buy now';
  }
}
