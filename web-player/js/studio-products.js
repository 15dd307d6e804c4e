// The catalog of the selected sale: each product with stock and sold, Pin/Unpin, Edit, Flash
// deal and Delete, and one form that adds a product or edits the one picked. Prices are typed in
// dollars and sent as cents. Live figures (stock, sold, pins, other sellers' edits) arrive as room
// events through the studio's socket; a write's own answer updates the list at once too.
import { el } from './dom.js';
import { money } from './format.js';
import { t, productTitle } from './i18n.js';
import { toast } from './toast.js';
import { api, broadcastPath } from './studio-api.js';

// "34.99" or "34" or "$34.99" -> 3499; null when it is not a price.
export function dollarsToCents(text) {
  const m = /^\s*\$?\s*(\d{1,7})(?:[.,](\d{1,2}))?\s*$/.exec(String(text ?? ''));
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '0').padEnd(2, '0'));
}

// The cents in a form's price field, or null after telling the seller what is wrong with it.
export function formPrice(form, status) {
  const cents = dollarsToCents(form.elements.price.value);
  if (cents === null) {
    status.textContent = t('products.badPrice');
    form.elements.price.focus();
  }
  return cents;
}

const centsToDollars = (cents) => (Number(cents) / 100).toFixed(2);

export class Products {
  // ui: { list, status, form, formTitle, formStatus, cancel }; onDeal(product): prefill a deal;
  // mediaMs(): the preview's program date-time for pins (null: the server's live edge).
  constructor(ui, { onDeal, mediaMs, onChange }) {
    this.ui = ui;
    this.onDeal = onDeal;
    this.mediaMs = mediaMs;
    this.onChange = onChange;  // the product list changed (the deal form lists them)
    this.id = null;
    this.products = [];
    this.pinned = null;
    this.editing = null;  // sku being edited, or null: the form adds
    this.editStock = null;
    this.error = null;
    ui.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.save();
    });
    ui.cancel.addEventListener('click', () => this.edit(null));
  }

  async show(id) {
    this.id = id;
    this.products = [];
    this.pinned = null;
    this.edit(null);
    if (!id) return this.render();
    try {
      const answer = await api('GET', broadcastPath(id, '/products'));
      if (this.id !== id) return undefined;
      this.products = answer.products ?? [];
      this.error = null;
    } catch (e) {
      this.error = e.message;
    }
    this.changed();
    return undefined;
  }

  product(sku) {
    return this.products.find((p) => p.sku === sku) ?? null;
  }

  changed() {
    this.render();
    this.onChange(this.products);
  }

  // Room events: a product listed, changed or taken off sale (product null); stock; pins.
  upsert(sku, product, stock, sold) {
    const i = this.products.findIndex((p) => p.sku === sku);
    if (!product) {
      if (i >= 0) this.products.splice(i, 1);
    } else {
      const merged = { ...(i >= 0 ? this.products[i] : {}), ...product };
      if (typeof stock === 'number') merged.stock = stock;
      if (typeof sold === 'number') merged.sold = sold;
      if (i >= 0) this.products[i] = merged;
      else this.products.push(merged);
    }
    this.changed();
  }

  stock(sku, remaining, sold) {
    const p = this.product(sku);
    if (!p) return;
    p.stock = remaining;
    if (typeof sold === 'number') p.sold = sold;
    this.render();
  }

  setPinned(sku) {
    this.pinned = sku ?? null;
    this.render();
  }

  render() {
    const { list, status } = this.ui;
    status.dataset.kind = this.error ? 'error' : '';
    status.textContent = this.error ? t('products.loadError', this.error) : this.products.length ? '' : t('products.empty');
    list.replaceChildren(...this.products.map((p) => this.card(p)));
    this.ui.formTitle.textContent = this.editing ? t('products.editing', this.editing) : t('products.add');
    this.ui.cancel.hidden = !this.editing;
  }

  card(p) {
    const title = productTitle(p);
    const pinned = p.sku === this.pinned;
    const button = (text, label, testid, run, extra = {}) => {
      const b = el('button', { type: 'button', class: 'mini', 'aria-label': label, 'data-testid': testid, text, ...extra });
      b.addEventListener('click', run);
      return b;
    };
    return el('li', { class: pinned ? 'prod pinned' : 'prod', 'data-testid': `studio-product-${p.sku}` },
      p.image ? el('img', { src: p.image, alt: '', width: 48, height: 48, loading: 'lazy' }) : el('span', { class: 'prod-noimg', 'aria-hidden': 'true' }),
      el('div', { class: 'prod-body' },
        el('p', { class: 'prod-title' }, el('strong', { text: title }), pinned ? el('span', { class: 'pin-chip', text: t('products.pinned') }) : null),
        el('p', { class: 'prod-meta' },
          el('span', { class: 'prod-price', text: money(p.price_cents) }),
          el('span', { 'data-testid': `stock-${p.sku}`, text: t('products.stock', p.stock ?? 0) }),
          el('span', { 'data-testid': `sold-${p.sku}`, text: t('products.sold', p.sold ?? 0) }),
          el('span', { class: 'prod-sku', text: p.sku }))),
      el('div', { class: 'prod-tools' },
        button(t(pinned ? 'products.unpin' : 'products.pin'), t(pinned ? 'products.unpinLabel' : 'products.pinLabel', title),
          `pin-${p.sku}`, () => this.pin(pinned ? null : p.sku), { class: pinned ? 'mini on' : 'mini' }),
        button(t('products.deal'), t('products.dealLabel', title), `deal-${p.sku}`, () => this.onDeal(p)),
        button(t('products.edit'), t('products.editLabel', title), `edit-${p.sku}`, () => this.edit(p.sku)),
        button(t('products.delete'), t('products.deleteLabel', title), `delete-${p.sku}`, () => this.remove(p), { class: 'mini danger' })));
  }

  // Fills the form with a product (sku) or empties it for a new one (null).
  edit(sku) {
    const { form, formStatus } = this.ui;
    const p = sku ? this.product(sku) : null;
    this.editing = p ? sku : null;
    form.reset();
    formStatus.textContent = '';
    form.elements.sku.readOnly = Boolean(p);
    if (p) {
      for (const name of ['sku', 'title', 'title_zh', 'description', 'image', 'max_per_order', 'per_buyer']) {
        form.elements[name].value = p[name] ?? '';
      }
      form.elements.price.value = centsToDollars(p.price_cents);
      form.elements.stock.value = p.stock ?? 0;
      this.editStock = String(p.stock ?? 0);
      form.closest('details').open = true;
      form.elements.title.focus();
    }
    this.render();
  }

  async save() {
    const { form, formStatus } = this.ui;
    const f = form.elements;
    const price = formPrice(form, formStatus);
    if (price === null) return;
    const body = { sku: f.sku.value.trim(), title: f.title.value.trim(), price_cents: price };
    for (const name of ['title_zh', 'description', 'image']) if (f[name].value.trim()) body[name] = f[name].value.trim();
    for (const name of ['max_per_order', 'per_buyer']) if (f[name].value !== '') body[name] = Number(f[name].value);
    // Editing: stock is "units on sale from now on", so it is sent only when the seller changed
    // it (sending the old figure back would undo the sales made meanwhile).
    if (!this.editing || f.stock.value !== this.editStock) body.stock = Number(f.stock.value || 0);
    formStatus.textContent = '';
    const submit = form.querySelector('button[type=submit]');
    submit.disabled = true;
    try {
      const saved = this.editing
        ? await api('PUT', broadcastPath(this.id, `/products/${encodeURIComponent(this.editing)}`), body)
        : await api('POST', broadcastPath(this.id, '/products'), body);
      this.upsert(saved.sku, saved, saved.stock, saved.sold);
      toast(t('products.saved', productTitle(saved)), 'ok');
      this.edit(null);
    } catch (e) {
      formStatus.textContent = e.message;
    } finally {
      submit.disabled = false;
    }
  }

  async remove(p) {
    if (!confirm(t('products.deleteConfirm', productTitle(p)))) return;
    try {
      await api('DELETE', broadcastPath(this.id, `/products/${encodeURIComponent(p.sku)}`));
      this.upsert(p.sku, null);
      if (this.editing === p.sku) this.edit(null);
      toast(t('products.deleted', productTitle(p)), 'ok');
    } catch (e) {
      toast(e.message, 'warn', 6000);
    }
  }

  async pin(sku) {
    const body = { sku };
    const at = this.mediaMs();
    if (Number.isFinite(at)) body.media_ms = Math.round(at);  // the moment the seller sees
    try {
      await api('POST', broadcastPath(this.id, '/pins'), body);
      this.setPinned(sku);
      toast(sku ? t('products.pinnedNow', productTitle(this.product(sku) ?? { title: sku })) : t('products.unpinnedNow'), 'ok');
    } catch (e) {
      toast(e.message, 'warn', 6000);
    }
  }
}
