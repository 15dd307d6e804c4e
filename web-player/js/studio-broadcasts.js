// The seller's broadcasts: the list (refreshed every few seconds while the tab is visible, so
// states like live/ended follow), creating one, ending the selected one. Creating answers the
// stream key once: it is kept for this tab (studio-store.js) so the Go live panel can show it.
import { el } from './dom.js';
import { t } from './i18n.js';
import { toast } from './toast.js';
import { api, broadcastPath } from './studio-api.js';
import { save, streamKeyName } from './studio-store.js';
import { rememberPublishInfo } from './studio-publish.js';

const REFRESH_MS = 5000;

export function stateText(state) {
  const key = `state.${state}`;
  return t(key) === key ? String(state ?? '').toUpperCase() : t(key);
}

export class Broadcasts {
  // ui: { list, status, form, formStatus, end }; onSelect(broadcast | null).
  constructor(ui, onSelect) {
    this.ui = ui;
    this.onSelect = onSelect;
    this.items = [];
    this.selectedId = null;
    this.timer = 0;
    this.error = null;
    ui.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.create();
    });
    ui.end.addEventListener('click', () => this.endSelected());
    document.addEventListener('visibilitychange', () => this.schedule());
  }

  get selected() {
    return this.items.find((b) => b.id === this.selectedId) ?? null;
  }

  async refresh() {
    clearTimeout(this.timer);
    const before = this.selected;
    try {
      const answer = await api('GET', '/api/broadcasts');
      this.items = (answer.broadcasts ?? []).sort((a, b) => a.title.localeCompare(b.title));
      this.error = null;
    } catch (e) {
      this.error = e.message;
    }
    if (!this.selectedId && this.items.length) this.selectedId = this.pickFirst();
    this.render();
    const now = this.selected;
    if (before?.id !== now?.id || before?.state !== now?.state) this.onSelect(now);
    this.schedule();
  }

  // Live broadcasts first: that is what a seller opening the studio mid-show wants.
  pickFirst() {
    return (this.items.find((b) => b.state === 'live') ?? this.items.find((b) => b.state !== 'ended') ?? this.items[0]).id;
  }

  schedule() {
    clearTimeout(this.timer);
    if (!document.hidden && this.started) this.timer = setTimeout(() => this.refresh(), REFRESH_MS);
  }

  start() {
    this.started = true;
    return this.refresh();
  }

  stop() {
    this.started = false;
    clearTimeout(this.timer);
    this.items = [];
    this.selectedId = null;
  }

  select(id) {
    if (id === this.selectedId) return;
    this.selectedId = id;
    this.render();
    this.onSelect(this.selected);
  }

  render() {
    const { list, status } = this.ui;
    status.textContent = this.error ? t('bc.loadError', this.error) : this.items.length ? '' : t('bc.empty');
    status.dataset.kind = this.error ? 'error' : '';
    list.replaceChildren(...this.items.map((b) => {
      const button = el('button', {
        type: 'button', class: 'bc-item', 'data-testid': `bc-${b.id}`,
        'aria-current': b.id === this.selectedId ? 'true' : null, 'aria-label': t('bc.select', b.title),
      },
      el('span', { class: 'bc-title', text: b.title }),
      el('span', { class: 'bc-meta' },
        el('span', { class: 'live-badge', dataset: { state: b.state }, text: stateText(b.state) }),
        el('span', { class: 'bc-id', text: b.id })));
      button.addEventListener('click', () => this.select(b.id));
      return el('li', {}, button);
    }));
    const current = this.selected;
    this.ui.end.disabled = !current || current.state === 'ended';
  }

  async create() {
    const { form, formStatus } = this.ui;
    const data = new FormData(form);
    const source = data.get('source') === 'test'
      ? { type: 'test', width: 1280, height: 720, fps: 30, video_bitrate_kbps: 2500 }
      : { type: 'none' };
    const body = {
      id: String(data.get('id') ?? '').trim(),
      title: String(data.get('title') ?? '').trim(),
      seller: String(data.get('seller') ?? '').trim(),
      mode: data.get('mode') === 'keynote' ? 'keynote' : 'sale',
      source,
    };
    formStatus.textContent = '';
    form.querySelector('button[type=submit]').disabled = true;
    try {
      const created = await api('POST', '/api/broadcasts', body);
      save(streamKeyName(created.id), created.stream_key);
      rememberPublishInfo(created);
      form.reset();
      form.closest('details').open = false;  // the new broadcast's panel is what matters now
      toast(t('bc.created', created.title), 'ok', 6000);
      this.selectedId = created.id;
      await this.refresh();
      this.onSelect(this.selected);  // the panel shows the key it now knows
    } catch (e) {
      formStatus.textContent = e.message;
    } finally {
      form.querySelector('button[type=submit]').disabled = false;
    }
  }

  async endSelected() {
    const b = this.selected;
    if (!b || !confirm(t('bc.endConfirm', b.title))) return;
    try {
      await api('POST', broadcastPath(b.id, '/end'));
      toast(t('bc.ended'), 'ok');
    } catch (e) {
      toast(e.message, 'warn', 6000);
    }
    await this.refresh();
  }
}
