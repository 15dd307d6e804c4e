// The home page: what is live now.
import { el } from './dom.js';

async function load() {
  const response = await fetch('/api/broadcasts');
  const { broadcasts } = await response.json();
  const list = document.getElementById('broadcasts');
  list.replaceChildren(...broadcasts.map((b) => el('li', { class: 'broadcast-card' },
    el('a', { href: b.mode === 'keynote' ? `/keynote/${b.id}` : `/watch/${b.id}` },
      el('span', { class: `live-badge`, 'data-state': b.state, text: b.state === 'live' ? 'LIVE' : b.state.toUpperCase() }),
      el('strong', { text: b.title }),
      el('span', { class: 'seller', text: b.seller }),
      el('span', { class: 'viewers', text: `${b.viewers} watching` })))));
  document.getElementById('empty').hidden = broadcasts.length > 0;
}

load();
setInterval(load, 10000);
