// The home page: every broadcast with its state, each linking to its viewer page.
import { el } from './dom.js';
import { t, applyStatic, bindToggle, onLangChange } from './i18n.js';

const REFRESH_MS = 10000;
let broadcasts = [];

function stateLabel(state) {
  const label = t(`state.${state}`);
  return label === `state.${state}` ? String(state ?? '').toUpperCase() : label;
}

function render() {
  const list = document.getElementById('broadcasts');
  list.replaceChildren(...broadcasts.map((b) => el('li', { class: 'broadcast-card', 'data-testid': `broadcast-${b.id}` },
    el('a', { href: `/${b.mode === 'keynote' ? 'keynote' : 'watch'}/${encodeURIComponent(b.id)}` },
      el('span', { class: 'avatar', 'aria-hidden': 'true', text: [...(b.seller || b.title || '?')][0].toUpperCase() }),
      el('strong', { text: b.title }),
      el('span', { class: 'seller', text: b.seller ?? '' }),
      el('span', { class: 'meta' },
        el('span', { class: 'live-badge', 'data-state': b.state, text: stateLabel(b.state) }),
        el('span', { class: 'count', text: t('viewers', Number(b.viewers) || 0) }))))));
  document.getElementById('empty').hidden = broadcasts.length > 0;
}

async function load() {
  try {
    const response = await fetch('/api/broadcasts');
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    broadcasts = (await response.json()).broadcasts ?? [];
    // Live first, then the rest in the server's order.
    broadcasts.sort((a, b) => (b.state === 'live') - (a.state === 'live'));
    document.getElementById('load-error').hidden = true;
    render();
  } catch {
    document.getElementById('load-error').hidden = false;
  }
}

bindToggle(document.getElementById('lang'));
onLangChange(render);
applyStatic();
load();
setInterval(load, REFRESH_MS);
