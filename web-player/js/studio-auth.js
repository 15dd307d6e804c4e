// Sign-in with the seller token. The token is checked with a seller-only read that cannot change
// anything (the orders of a broadcast id that can never exist: 404 means the token was accepted,
// 401/403 that it was not), then kept for this tab (studio-store.js). A demo server
// (auth.demo_login) hands its token out: the "Demo login" button shows only when it does.
import { t } from './i18n.js';
import { api, ApiError, setToken } from './studio-api.js';
import { load, save, TOKEN } from './studio-store.js';

// '~' is not allowed in broadcast ids, so this read touches no real broadcast.
const CHECK_PATH = '/api/broadcasts/~/orders?limit=1';

// A refusal as a string key (and its arguments), so it can be drawn again in another language.
const refusal = (key, ...args) => Object.assign(new Error(key), { key, args });

// Resolves when the server takes the token; throws a refusal otherwise.
async function check(token) {
  setToken(token);
  try {
    await api('GET', CHECK_PATH);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return;  // accepted: the broadcast is unknown
    setToken(null);
    if (e.status === 401 || (e.status === 403 && /wrong/.test(e.message))) throw refusal('auth.wrong');
    if (e.status === 403) throw refusal('auth.off');
    throw refusal('auth.failed', e.message);
  }
  setToken(null);
  throw refusal('auth.failed', t('error.http', 200));  // an answer this server should not give
}

export class Auth {
  // ui: { form, input, button, demo, status }; onSignedIn(): the studio can start.
  constructor(ui, onSignedIn) {
    this.ui = ui;
    this.onSignedIn = onSignedIn;
    this.demoToken = null;
    this.message = null;  // [key, ...args] of the status line, to redraw it in another language
    ui.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.signIn(ui.input.value.trim());
    });
    ui.demo.addEventListener('click', () => this.signIn(this.demoToken));
  }

  // The token this tab kept, if the server still takes it; else the sign-in form.
  async resume() {
    this.probeDemo();
    const saved = load(TOKEN);
    if (!saved) return false;
    try {
      await check(saved);
      this.onSignedIn();
      return true;
    } catch {
      save(TOKEN, null);
      this.say('error', 'auth.expired');
      return false;
    }
  }

  async signIn(token) {
    if (!token) return this.say('error', 'auth.empty');
    this.busy(true);
    this.say('', 'auth.checking');
    try {
      await check(token);
    } catch (e) {
      this.busy(false);
      this.say('error', e.key ?? 'auth.failed', ...(e.args ?? [e.message]));
      this.ui.input.focus();
      return undefined;
    }
    save(TOKEN, token);
    this.busy(false);
    this.say('', null);
    this.ui.input.value = '';
    this.onSignedIn();
    return undefined;
  }

  signOut() {
    save(TOKEN, null);
    setToken(null);
  }

  // Once per page: a demo server answers POST /api/demo-login with its token; others 404.
  async probeDemo() {
    try {
      const answer = await api('POST', '/api/demo-login');
      this.demoToken = answer.seller_token || null;
    } catch {
      this.demoToken = null;  // not a demo server: no button
    }
    this.ui.demo.hidden = !this.demoToken;
    this.ui.demoHint.hidden = !this.demoToken;
  }

  busy(on) {
    this.ui.button.disabled = on;
    this.ui.demo.disabled = on;
  }

  say(kind, key, ...args) {
    this.message = key ? [key, ...args] : null;
    this.ui.status.dataset.kind = kind;
    this.ui.status.textContent = key ? t(key, ...args) : '';
  }

  render() {
    if (this.message) this.ui.status.textContent = t(...this.message);
  }
}
