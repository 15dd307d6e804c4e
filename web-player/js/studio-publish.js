// Where the seller publishes to: the RTMP and SRT addresses and the stream key of the selected
// broadcast, each with a copy button, the key masked until asked for, and "Rotate key". The
// server tells the key only when it makes one (create, rotate); the addresses of every broadcast
// follow one pattern, learnt from any such answer and kept for the tab.
import { el } from './dom.js';
import { t } from './i18n.js';
import { toast } from './toast.js';
import { api, broadcastPath } from './studio-api.js';
import { load, save, streamKeyName, PUBLISH_PATTERN } from './studio-store.js';
import { copyButton } from './studio-copy.js';

const KEY_SLOT = '{key}';
const MASK = '••••••••••••';

// The server writes "<host>" (it cannot know the name viewers use); the studio can.
const withHost = (url) => url.replace('<host>', location.hostname);

// Keeps the key and the address pattern from a create or rotate answer.
export function rememberPublishInfo(answer) {
  if (!answer?.stream_key) return;
  save(streamKeyName(answer.id), answer.stream_key);
  const slot = (url) => (url ? withHost(url).split(answer.stream_key).join(KEY_SLOT) : null);
  save(PUBLISH_PATTERN, JSON.stringify({ rtmp: slot(answer.rtmp_url), srt: slot(answer.srt_url) }));
}

// The address pattern from GET /api/ingest, for broadcasts this tab did not create.
export async function loadPublishPattern() {
  try {
    const urls = await api('GET', '/api/ingest');
    const slot = (url) => (url ? withHost(url) : null);
    save(PUBLISH_PATTERN, JSON.stringify({ rtmp: slot(urls.rtmp_url), srt: slot(urls.srt_url) }));
  } catch {
    // an older server: the pattern comes with the next create or rotate answer
  }
}

function pattern() {
  try {
    return JSON.parse(load(PUBLISH_PATTERN)) ?? {};
  } catch {
    return {};
  }
}

export const knownKey = (id) => load(streamKeyName(id));

export class PublishPanel {
  // root: the element the rows go in; rotate: the rotate button; onKey(id): the key changed.
  constructor(root, rotate, onKey) {
    this.root = root;
    this.rotateButton = rotate;
    this.onKey = onKey;
    this.broadcast = null;
    this.revealed = false;
    rotate.addEventListener('click', () => this.rotate());
  }

  show(broadcast) {
    if (broadcast?.id !== this.broadcast?.id) this.revealed = false;
    this.broadcast = broadcast;
    this.render();
  }

  render() {
    const b = this.broadcast;
    this.rotateButton.disabled = !b || b.state === 'ended';
    if (!b) return this.root.replaceChildren();
    const key = knownKey(b.id);
    const placeholder = t('live.keySlot');
    const shownKey = key ? (this.revealed ? key : MASK) : placeholder;
    const { rtmp, srt } = pattern();
    const rows = [];
    if (rtmp || srt) {
      if (rtmp) rows.push(this.row('rtmp', t('live.rtmp'), rtmp.replace(KEY_SLOT, shownKey), () => rtmp.replace(KEY_SLOT, key ?? placeholder)));
      if (srt) rows.push(this.row('srt', t('live.srt'), srt.replace(KEY_SLOT, shownKey), () => srt.replace(KEY_SLOT, key ?? placeholder)));
    } else {
      rows.push(el('p', { class: 'hint', text: t('live.urlsUnknown') }));
    }
    rows.push(this.keyRow(key));
    this.root.replaceChildren(...rows);
    return undefined;
  }

  row(name, label, shown, full) {
    return el('div', { class: 'publish-row' },
      el('span', { class: 'publish-label', id: `publish-${name}-label`, text: label }),
      el('code', { class: 'publish-value', 'data-testid': `publish-${name}`, 'aria-labelledby': `publish-${name}-label` , text: shown }),
      copyButton(full, label, `copy-${name}`));
  }

  keyRow(key) {
    const tools = el('span', { class: 'publish-tools' });
    if (key) {
      const reveal = el('button', {
        type: 'button', class: 'mini', 'data-testid': 'reveal-key',
        'aria-label': t(this.revealed ? 'live.hideLabel' : 'live.revealLabel'), text: t(this.revealed ? 'live.hide' : 'live.reveal'),
      });
      reveal.addEventListener('click', () => {
        this.revealed = !this.revealed;
        this.render();
        this.root.querySelector('[data-testid=reveal-key]')?.focus();
      });
      tools.append(reveal, copyButton(() => key, t('live.key'), 'copy-key'));
    }
    return el('div', { class: 'publish-row' },
      el('span', { class: 'publish-label', id: 'publish-key-label', text: t('live.key') }),
      el('code', { class: key ? 'publish-value' : 'publish-value unknown', 'data-testid': 'stream-key', 'aria-labelledby': 'publish-key-label',
        text: key ? (this.revealed ? key : MASK) : t('live.keyHidden') }),
      tools);
  }

  async rotate() {
    const b = this.broadcast;
    if (!b || !confirm(t('live.rotateConfirm'))) return;
    this.rotateButton.disabled = true;
    try {
      const answer = await api('POST', broadcastPath(b.id, '/key'));
      rememberPublishInfo(answer);
      this.revealed = true;  // the seller asked for it: show it, to copy now
      toast(t('live.rotated'), 'ok', 6000);
      this.onKey(b.id);
    } catch (e) {
      toast(e.message, 'warn', 6000);
    }
    this.render();
  }
}
