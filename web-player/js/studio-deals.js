// Flash deals of the selected sale: the form that starts one (price typed in dollars) and the
// running or upcoming deals with a countdown on the server's clock (DealBook) and "End now".
import { el } from './dom.js';
import { money } from './format.js';
import { t, productTitle } from './i18n.js';
import { toast } from './toast.js';
import { api, broadcastPath } from './studio-api.js';
import { formPrice } from './studio-products.js';
import { DealBook, countdown as clock } from './deal-book.js';

export class Deals {
  // ui: { list, form, formStatus, sku (select) }; titleOf(sku).
  constructor(ui, titleOf) {
    this.ui = ui;
    this.titleOf = titleOf;
    this.id = null;
    this.book = new DealBook();
    this.timer = 0;
    ui.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.start();
    });
  }

  async show(id) {
    this.id = id;
    this.book.clear();
    this.ui.formStatus.textContent = '';
    if (!id) return this.render();
    try {
      const answer = await api('GET', broadcastPath(id, '/deals'));
      if (this.id !== id) return undefined;
      this.snapshot(answer.deals ?? [], answer.now);
    } catch (e) {
      this.ui.formStatus.textContent = e.message;
    }
    return undefined;
  }

  snapshot(deals, now) {
    this.book.snapshot(deals, now);
    this.render();
  }

  // Room events: "deal" (created or ended early) and "deal_stock".
  update(e) {
    this.book.update(e);
    this.render();
  }

  remaining(id, left) {
    if (this.book.remaining(id, left)) this.render();
  }

  // The products the form can put on a deal.
  setProducts(products) {
    const select = this.ui.sku;
    const keep = select.value;
    select.replaceChildren(...products.map((p) => el('option', { value: p.sku, text: `${productTitle(p)} (${money(p.price_cents)})` })));
    if (products.some((p) => p.sku === keep)) select.value = keep;
  }

  // From a product's "Flash deal" button: the form, ready for that product.
  prefill(product) {
    const f = this.ui.form.elements;
    f.sku.value = product.sku;
    if (!f.price.value) f.price.value = ((product.price_cents * 0.8) / 100).toFixed(2);
    f.price.focus();
    this.ui.form.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }

  render() {
    clearTimeout(this.timer);
    const now = this.book.now();
    const running = this.book.running();
    this.ui.list.replaceChildren(...(running.length ? running.map((d) => this.item(d, now))
      : [el('li', { class: 'hint', text: t('deals.none') })]));
    if (running.length) this.timer = setTimeout(() => this.render(), 250);
  }

  item({ deal, remaining }, now) {
    const started = deal.starts_at <= now;
    const title = this.titleOf(deal.sku) || deal.sku;
    const end = el('button', { type: 'button', class: 'mini danger', 'data-testid': `end-deal-${deal.id}`,
      'aria-label': t('deals.endLabel', title), text: t('deals.end') });
    end.addEventListener('click', () => this.end(deal));
    return el('li', { class: 'deal-item', 'data-testid': 'studio-deal' },
      el('span', { class: 'deal-item-title', text: title }),
      el('span', { class: 'deal-item-price' }, el('strong', { text: money(deal.price_cents) }), ' ',
        el('s', { text: money(deal.regular_cents) })),
      el('span', { class: 'deal-item-left', text: t('deals.left', Math.max(0, remaining), deal.stock) }),
      // The clock changes four times a second: not a live region (it would talk non-stop).
      el('span', { class: 'deal-item-clock', 'data-testid': 'studio-deal-clock',
        text: started ? t('deals.endsIn', clock(deal.ends_at - now)) : t('deals.startsInClock', clock(deal.starts_at - now)) }),
      end);
  }

  async start() {
    const { form, formStatus } = this.ui;
    const f = form.elements;
    const price = formPrice(form, formStatus);
    if (price === null) return;
    const body = {
      sku: f.sku.value,
      price_cents: price,
      stock: Number(f.stock.value || 0),
      per_buyer: Number(f.per_buyer.value || 1),
      duration_seconds: Number(f.duration.value || 60),
      starts_in_seconds: Number(f.starts_in.value || 0),
    };
    formStatus.textContent = '';
    const submit = form.querySelector('button[type=submit]');
    submit.disabled = true;
    try {
      this.update(await api('POST', broadcastPath(this.id, '/deals'), body));  // {deal, remaining, now}
      toast(t('deals.started'), 'ok');
    } catch (e) {
      formStatus.textContent = e.message;
    } finally {
      submit.disabled = false;
    }
  }

  async end(deal) {
    try {
      this.update(await api('POST', broadcastPath(this.id, `/deals/${encodeURIComponent(deal.id)}/end`)));
      toast(t('deals.ended'), 'ok');
    } catch (e) {
      toast(e.message, 'warn', 6000);
    }
  }
}
