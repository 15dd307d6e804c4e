// Buy-now clicks waiting for their order ack. Each click gets one idempotency key for its whole
// life: whenever it is sent again (no ack within 5 s, or after a reconnect) it goes with the same
// key, and the server answers a repeated key with the original order, so a click is never two
// orders.
const ACK_TIMEOUT_MS = 5000;

// crypto.randomUUID exists only in secure contexts (https, localhost); getRandomValues works on
// plain http too. Both give 8..64 characters of [A-Za-z0-9_-].
export function newKey() {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export class Orders {
  // socket: a RoomSocket; onBusy(sku, busy); onSlow(sku): no ack yet after ACK_TIMEOUT_MS.
  constructor(socket, { onBusy, onSlow }) {
    this.socket = socket;
    this.onBusy = onBusy;
    this.onSlow = onSlow;
    this.pending = new Map();  // key -> { sku, qty, timer, slowShown }
  }

  // deal: a flash deal id, to buy at the deal price or not at all.
  buy(sku, qty = 1, deal = null) {
    const key = newKey();
    this.pending.set(key, { sku, qty, deal, timer: 0, slowShown: false });
    this.onBusy(sku, true);
    this.send(key);
    return key;
  }

  isBusy(sku) {
    for (const p of this.pending.values()) if (p.sku === sku) return true;
    return false;
  }

  // Sends a pending buy if the room is connected; if not, the next welcome sends it.
  send(key) {
    const p = this.pending.get(key);
    if (!p) return;
    clearTimeout(p.timer);
    this.socket.send(p.deal ? { type: 'buy', sku: p.sku, qty: p.qty, deal: p.deal, key }
                            : { type: 'buy', sku: p.sku, qty: p.qty, key });
    p.timer = setTimeout(() => this.overdue(key), ACK_TIMEOUT_MS);
  }

  overdue(key) {
    const p = this.pending.get(key);
    if (!p) return;
    if (!p.slowShown) {
      p.slowShown = true;
      this.onSlow(p.sku);
    }
    // A silent socket may be dead: ping it (it is replaced if nothing answers) and try again
    // with the same key.
    this.socket.checkAlive();
    this.send(key);
  }

  // After every welcome: everything still unanswered goes again, same keys.
  resendAll() {
    for (const [key, p] of this.pending) {
      this.onBusy(p.sku, true);
      this.send(key);
    }
  }

  // The ack (an order frame, or an error frame carrying the key) arrived. Returns the pending
  // buy, or null for a key this page is not waiting for (already settled).
  settle(key) {
    const p = this.pending.get(key);
    if (!p) return null;
    clearTimeout(p.timer);
    this.pending.delete(key);
    this.onBusy(p.sku, this.isBusy(p.sku));
    return p;
  }
}
