// Product pins on the video's timeline. A pin carries media_ms, the program date-time of the
// moment the seller pinned; HLS viewers watch seconds behind the live edge, so a pin is shown
// when this player's own playback reaches that moment, not when the event arrives. A replay
// loads the whole timeline and shows, at every moment, the pin that was current then.
export class PinClock {
  // playingDate(): the program date-time (ms) on screen now, or null when unknown (then pins
  // apply at once). apply(sku | null): show that product as pinned.
  constructor(video, playingDate, apply) {
    this.playingDate = playingDate;
    this.apply = apply;
    this.pins = [];  // { sku, media_ms } sorted by media_ms
    this.shown = undefined;
    video.addEventListener('timeupdate', () => this.tick());
    video.addEventListener('seeked', () => this.tick());
  }

  // The whole timeline (replay, or the welcome's current pin).
  set(pins) {
    this.pins = pins.filter((p) => Number.isFinite(p?.media_ms)).sort((a, b) => a.media_ms - b.media_ms);
    this.tick();
  }

  add(pin) {
    if (!Number.isFinite(pin?.media_ms)) return;
    this.pins.push(pin);
    this.pins.sort((a, b) => a.media_ms - b.media_ms);
    if (this.pins.length > 1000) this.pins.splice(0, this.pins.length - 1000);
    this.tick();
  }

  // The latest pin at or before the moment on screen.
  current() {
    const now = this.playingDate();
    if (now == null) return this.pins.at(-1) ?? null;
    let found = null;
    for (const p of this.pins) {
      if (p.media_ms > now) break;
      found = p;
    }
    return found;
  }

  tick() {
    const sku = this.current()?.sku ?? null;
    if (sku === this.shown) return;
    this.shown = sku;
    this.apply(sku);
  }
}
