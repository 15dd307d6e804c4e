// Who this browser is in the chat. A guest keeps a random secret in localStorage and sends it in
// every hello; the server turns it into a public id ("g-<hex>"), so a guest keeps one id across
// visits and reloads. Staff (seller, moderators) open the page with a link ending in
// "#token=<jwt>": the token is read once, kept in sessionStorage for this tab and this broadcast
// only, and taken out of the address bar so it is not bookmarked, shared or seen on screen.
import { stored, store } from './storage.js';

const GUEST_KEY = 'livegate.guest';
const tokenKey = (broadcastId) => `livegate.token:${broadcastId}`;

// 32 characters of [A-Za-z0-9_-] (the server takes 8 to 64 of those).
function randomSecret() {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  return Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => alphabet[b & 63]).join('');
}

export function guestSecret() {
  const saved = stored('local', GUEST_KEY);
  if (saved && /^[A-Za-z0-9_-]{8,64}$/.test(saved)) return saved;
  const secret = randomSecret();
  store('local', GUEST_KEY, secret);
  return secret;
}

// The staff token for this broadcast: from "#token=..." (then removed from the URL; other
// fragment parameters stay), else the one this tab kept. null for viewers.
export function staffToken(broadcastId) {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const fromUrl = fragment.get('token');
  if (fromUrl !== null) {
    fragment.delete('token');
    const rest = fragment.toString();
    history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
    if (fromUrl) store('session', tokenKey(broadcastId), fromUrl);
  }
  return stored('session', tokenKey(broadcastId)) || null;
}

// The server refused the token (expired, other broadcast, wrong key): forget it.
export function dropStaffToken(broadcastId) {
  store('session', tokenKey(broadcastId), null);
}
