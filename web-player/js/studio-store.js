// What the studio keeps for this tab: the seller token, the stream keys it has seen (a key is
// only known right after create or rotate) and the publish address pattern. sessionStorage only,
// so all of it goes when the tab closes. Storage can be missing or throw (private windows,
// disabled cookies): the studio then keeps these in memory for as long as the page is open.
import { stored, store } from './storage.js';

const memory = new Map();

export function load(key) {
  return stored('session', key) ?? memory.get(key) ?? null;
}

export function save(key, value) {
  if (value === null) memory.delete(key);
  else memory.set(key, value);
  store('session', key, value);
}

export const TOKEN = 'livegate.studio.token';
export const streamKeyName = (id) => `livegate.studio.key:${id}`;
export const PUBLISH_PATTERN = 'livegate.studio.publish';
