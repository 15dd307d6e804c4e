// Sign-in with the seller token or a seller JWT. The token is checked with a seller-only read
// that changes nothing and that a seller of any one broadcast may make (the publish URLs: 200
// means the token was accepted, 401/403 that it was not), then kept for this tab
// (studio-store.js). A demo server (auth.demo_login) hands out a seller JWT for its demo
// broadcast: the "Demo login" button shows only when it does.
import { t } from './i18n.js';
import { api, ApiError, setToken } from './studio-api.js';
import { load, save, TOKEN } from './studio-store.js';

const CHECK_PATH = '/api/ingest';

// A refusal as a string key (and its arguments), so it can be drawn again in another language.
const refusal = (key, ...args) => Object.assign(new Error(key), { key, args });

// Resolves when the server takes the token; throws a refusal otherwise.
async function check(token) {
  setToken(token);
  try {
    await api('GET', CHECK_PATH);
    return;  // accepted
  } catch (e) {
    setToken(null);
    if (!(e instanceof ApiError)) throw refusal('auth.failed', e.message);
    if (e.status === 401 || (e.status === 403 && /wrong/.test(e.message))) throw refusal('auth.wrong');
    if (e.status === 403) throw refusal('auth.off');
    throw refusal('auth.failed', e.message);
  }
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
      this.demoToken = answer.token || null;  // a seller JWT for the demo broadcast, not the operator's token
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
