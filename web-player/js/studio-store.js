// What the studio keeps for this tab: the seller token, the stream keys it has seen (a key is
// only known right after create or rotate) and the publish address pattern. sessionStorage only,
// so all of it goes when the tab closes. Storage can be missing or throw (private windows,
// disabled cookies): the studio then keeps these in memory for as long as the page is open.
const memory = new Map();

function storage() {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

export function load(key) {
  try {
    const value = storage()?.getItem(key);
    if (value !== null && value !== undefined) return value;
  } catch {
    // see above
  }
  return memory.get(key) ?? null;
}

export function save(key, value) {
  if (value === null) memory.delete(key);
  else memory.set(key, value);
  try {
    if (value === null) storage()?.removeItem(key);
    else storage()?.setItem(key, value);
  } catch {
    // kept in memory only
  }
}

export const TOKEN = 'livegate.studio.token';
export const streamKeyName = (id) => `livegate.studio.key:${id}`;
export const PUBLISH_PATTERN = 'livegate.studio.publish';
