// The live dashboard of the selected sale: GET /api/broadcasts/{id}/stats every 2 s while the
// tab is visible (nothing while it is hidden: a seller with ten tabs open costs nothing), drawn
// as GMV (and CNY for Chinese readers, at the server's rate), orders, viewers now, units per
// product, orders per minute (studio-chart.js) and the funnel viewers → tapped → clicked → bought.
import { el } from './dom.js';
import { money } from './format.js';
import { t, lang, productTitle } from './i18n.js';
import { api, broadcastPath } from './studio-api.js';
import { drawChart } from './studio-chart.js';

const POLL_MS = 2000;
const FUNNEL = [['viewers', 'dash.fViewers'], ['tapped', 'dash.fTapped'], ['clicked', 'dash.fClicked'], ['bought', 'dash.fBought']];

const pct = (n, of) => (of > 0 ? `${Math.round((n / of) * 100)}%` : '–');

export class Dashboard {
  // ui: { gmv, gmvCny, orders, viewers, units, chart, funnel, status }; productOf(sku).
  constructor(ui, productOf) {
    this.ui = ui;
    this.productOf = productOf;
    this.id = null;
    this.stats = null;
    this.error = null;
    this.cnyPerUsd = 0;
    this.timer = 0;
    this.inFlight = false;
    document.addEventListener('visibilitychange', () => this.schedule(0));
  }

  show(id) {
    this.id = id;
    this.stats = null;
    this.error = null;
    this.render();
    this.schedule(0);
  }

  setRate(cnyPerUsd) {
    this.cnyPerUsd = Number(cnyPerUsd) || 0;
    this.render();
  }

  schedule(ms) {
    clearTimeout(this.timer);
    if (!this.id || document.hidden) return;
    this.timer = setTimeout(() => this.poll(), ms);
  }

  async poll() {
    const id = this.id;
    if (!id || this.inFlight) return;
    this.inFlight = true;
    try {
      const stats = await api('GET', broadcastPath(id, '/stats'));
      if (id === this.id) {
        this.stats = stats;
        this.error = null;
        this.updatedAt = new Date();
      }
    } catch (e) {
      if (id === this.id) this.error = e.message;
    } finally {
      this.inFlight = false;
    }
    if (id !== this.id) return;
    this.render();
    this.schedule(POLL_MS);
  }

  render() {
    const { ui } = this;
    const s = this.stats ?? {};
    const gmv = Number(s.gmv_cents) || 0;
    ui.gmv.textContent = money(gmv);
    const cny = lang() === 'zh' && this.cnyPerUsd > 0;
    ui.gmvCny.hidden = !cny;
    ui.gmvCny.textContent = cny ? `≈ ${money(Math.round(gmv * this.cnyPerUsd), 'CNY')}` : '';
    ui.orders.textContent = (Number(s.orders) || 0).toLocaleString(lang() === 'zh' ? 'zh-CN' : 'en-US');
    ui.viewers.textContent = (Number(s.viewers) || 0).toLocaleString(lang() === 'zh' ? 'zh-CN' : 'en-US');
    this.renderUnits(s.units ?? {});
    drawChart(ui.chart, s.minutes ?? [], Number(s.now) || Date.now());
    this.renderFunnel(s.funnel ?? {});
    ui.status.dataset.kind = this.error ? 'error' : '';
    ui.status.textContent = this.error ? t('dash.error', this.error)
      : this.updatedAt && this.stats ? t('dash.updated', this.updatedAt.toLocaleTimeString(lang() === 'zh' ? 'zh-CN' : 'en-US')) : '';
  }

  renderUnits(units) {
    const rows = Object.entries(units).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
    const top = Math.max(1, ...rows.map(([, n]) => n));
    this.ui.units.replaceChildren(...(rows.length ? rows.map(([sku, n]) => {
      const p = this.productOf(sku);
      return el('li', { class: 'bar-row', 'data-testid': `units-${sku}` },
        el('span', { class: 'bar-name', text: p ? productTitle(p) : sku }),
        el('span', { class: 'bar-track', 'aria-hidden': 'true' },
          el('span', { class: 'bar-fill', style: { width: `${Math.round((n / top) * 100)}%` } })),
        el('span', { class: 'bar-value', text: String(n) }));
    }) : [el('li', { class: 'hint', text: t('dash.noUnits') })]));
  }

  renderFunnel(f) {
    const base = Number(f.viewers) || 0;
    this.ui.funnel.replaceChildren(...FUNNEL.map(([field, key]) => {
      const n = Number(f[field]) || 0;
      return el('li', { class: 'funnel-step', 'data-testid': `funnel-${field}` },
        el('span', { class: 'funnel-name', text: t(key) }),
        el('span', { class: 'bar-track', 'aria-hidden': 'true' },
          el('span', { class: 'bar-fill', style: { width: `${base > 0 ? Math.round((n / base) * 100) : 0}%` } })),
        el('span', { class: 'funnel-value', text: `${n} · ${pct(n, base)}` }));
    }));
  }
}
