// The viewer's chat name: kept in localStorage, "guest-XXXX" until they pick one.
import { stored, store } from './storage.js';

const KEY = 'livegate.name';

function randomGuest() {
  const digits = crypto.getRandomValues(new Uint16Array(1))[0].toString(16).padStart(4, '0');
  return `guest-${digits}`;
}

// A name the server accepts: 1..32 characters (code points) after trimming, or null.
export function cleanName(raw) {
  const name = String(raw ?? '').trim();
  const length = [...name].length;
  return length >= 1 && length <= 32 ? name : null;
}

export function loadName() {
  const saved = cleanName(stored('local', KEY));
  if (saved) return saved;
  const name = randomGuest();
  store('local', KEY, name);
  return name;
}

export function saveName(name) {
  store('local', KEY, name);
}
