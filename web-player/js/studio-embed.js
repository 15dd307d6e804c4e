// The "Embed on your site" card: the two snippets a seller pastes into their own page (an iframe
// of /embed/{id}, or the /embed.js loader that makes it), with copy buttons. They are shown as
// text, never inserted as HTML; the title inside is attribute-escaped so the snippet stays valid
// whatever the broadcast is called.
import { el } from './dom.js';
import { t } from './i18n.js';
import { copyButton } from './studio-copy.js';

const attr = (s) => String(s).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function embedSnippets(origin, b) {
  const id = encodeURIComponent(b.id);
  return {
    iframe: `<iframe src="${origin}/embed/${id}" title="${attr(t('embed.iframeTitle', b.title))}" allow="autoplay; fullscreen" style="width:100%;aspect-ratio:16/9;border:0" loading="lazy"></iframe>`,
    script: `<script src="${origin}/embed.js" data-broadcast="${attr(b.id)}" async></script>`,
  };
}

export class Embed {
  constructor(root) {
    this.root = root;
    this.broadcast = null;
  }

  show(broadcast) {
    this.broadcast = broadcast;
    this.render();
  }

  render() {
    const b = this.broadcast;
    if (!b) return this.root.replaceChildren();
    const snippets = embedSnippets(location.origin, b);
    const block = (name, label) => el('div', { class: 'snippet' },
      el('div', { class: 'snippet-head' },
        el('span', { class: 'publish-label', id: `embed-${name}-label`, text: label }),
        copyButton(() => snippets[name], label, `copy-embed-${name}`)),
      el('pre', { 'aria-labelledby': `embed-${name}-label`, tabindex: '0' },
        el('code', { 'data-testid': `embed-${name}`, text: snippets[name] })));
    this.root.replaceChildren(block('iframe', t('embed.iframe')), block('script', t('embed.script')));
    return undefined;
  }
}
