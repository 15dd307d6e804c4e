// Copy buttons. navigator.clipboard needs a secure context (https or localhost) and permission;
// elsewhere the old execCommand('copy') on a hidden textarea still works in most browsers. When
// both fail the seller is told to copy by hand, never left wondering.
import { el } from './dom.js';
import { t } from './i18n.js';
import { toast } from './toast.js';

export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // fall through to the old way
  }
  const area = el('textarea', { readonly: true, 'aria-hidden': 'true', class: 'copy-buffer' });
  area.value = text;
  document.body.append(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}

// A "Copy" button; text(): what to copy at click time. what: the thing copied, for screen readers
// ("Copy stream key").
export function copyButton(text, what, testid) {
  const button = el('button', { type: 'button', class: 'mini', 'data-testid': testid, 'aria-label': t('live.copyLabel', what), text: t('live.copy') });
  let timer = 0;
  button.addEventListener('click', async () => {
    const ok = await copyText(text());
    clearTimeout(timer);
    if (!ok) return toast(t('live.copyFailed'), 'warn', 6000);
    button.textContent = t('live.copied');
    toast(t('live.copied'), 'ok', 1500);
    timer = setTimeout(() => { button.textContent = t('live.copy'); }, 1500);
    return undefined;
  });
  return button;
}
