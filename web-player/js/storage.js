// Browser storage that may be missing or throw: private windows, disabled cookies, and iframes
// on other sites (the embed) where even reading window.localStorage throws. Pages then work
// without memory, which is what the viewer's browser asked for.
const area = (kind) => (kind === 'session' ? window.sessionStorage : window.localStorage);

// kind: 'local' (kept across visits) or 'session' (this tab only).
export function stored(kind, key) {
  try {
    return area(kind).getItem(key);
  } catch {
    return null;
  }
}

// value null: forget the key.
export function store(kind, key, value) {
  try {
    if (value === null) area(kind).removeItem(key);
    else area(kind).setItem(key, value);
  } catch {
    // see above
  }
}
