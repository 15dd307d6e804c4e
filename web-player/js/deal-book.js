// The flash deals of one broadcast as a page knows them, on the server's clock. Every answer and
// event carries `now` (Redis ms); the offset between it and this browser's clock is kept, so a
// page whose clock is off still counts down right. Whether a click was in time is Redis's call.
export class DealBook {
  constructor() {
    this.deals = new Map();  // id -> { deal, remaining }
    this.offset = 0;         // server clock - local clock, ms
  }

  now() { return Date.now() + this.offset; }

  syncClock(serverMs) {
    if (Number.isFinite(serverMs) && serverMs > 0) this.offset = serverMs - Date.now();
  }

  // The whole list (welcome, GET .../deals).
  snapshot(deals, now) {
    this.syncClock(now);
    this.deals.clear();
    for (const d of deals ?? []) this.deals.set(d.id, { deal: d, remaining: d.remaining ?? d.stock });
  }

  // A "deal" event: created, or ended early (new ends_at); the whole deal.
  update(e) {
    this.syncClock(e.now);
    if (e.deal?.id) this.deals.set(e.deal.id, { deal: e.deal, remaining: e.remaining ?? e.deal.stock });
  }

  // A "deal_stock" event: units left, which only fall (an older figure that crossed a newer
  // one is dropped). True when something changed.
  remaining(id, left) {
    const d = this.deals.get(id);
    if (!d || !(left < d.remaining)) return false;
    d.remaining = Math.max(0, left);
    return true;
  }

  clear() { this.deals.clear(); }

  // Deals not over yet, the soonest to start first.
  running() {
    const now = this.now();
    return [...this.deals.values()].filter((d) => d.deal.ends_at > now)
      .sort((a, b) => a.deal.starts_at - b.deal.starts_at);
  }
}

// "4:59" for a countdown of ms.
export function countdown(ms) {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
