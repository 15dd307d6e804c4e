// The live room's WebSocket: hello on every (re)connect with resume_from = the last chat id
// seen, so a dropped viewer misses no line; reconnects with backoff (1 s doubling to 5 s).
// A ping every 20 s (and on demand, see checkAlive) finds connections that died silently.
const CLOSE_UNKNOWN_BROADCAST = 4404;
const PING_EVERY_MS = 20000;
const PONG_WITHIN_MS = 4000;

export class RoomSocket {
  constructor(broadcastId, { onWelcome, onEvent, onOrder, onError, onState }) {
    this.url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/${encodeURIComponent(broadcastId)}`;
    this.handlers = { onWelcome, onEvent, onOrder, onError, onState };
    this.lastChatId = null;
    this.name = '';
    this.backoff = 1000;
    this.ws = null;
    this.welcomed = false;
    this.everWelcomed = false;
    this.retryTimer = 0;
    this.pingTimer = 0;
    this.deadTimer = 0;
  }

  connect() {
    clearTimeout(this.retryTimer);
    this.handlers.onState(this.everWelcomed ? 'reconnecting' : 'connecting');
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = () => {
      const hello = { type: 'hello' };
      if (this.name) hello.name = this.name;
      if (this.lastChatId) hello.resume_from = this.lastChatId;
      ws.send(JSON.stringify(hello));
    };
    ws.onmessage = (event) => {
      if (this.ws !== ws) return;
      this.alive();
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;  // not JSON: nothing this page can use
      }
      if (frame && typeof frame === 'object') this.dispatch(frame);
    };
    ws.onclose = (event) => {
      if (this.ws !== ws) return;  // an old socket we already replaced
      this.lost(event.code);
    };
  }

  // The socket is gone (closed by either side, or declared dead): try again after the backoff.
  lost(code) {
    const ws = this.ws;
    this.ws = null;
    this.welcomed = false;
    clearTimeout(this.pingTimer);
    clearTimeout(this.deadTimer);
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = null;
      if (ws.readyState <= WebSocket.OPEN) ws.close();
    }
    if (code === CLOSE_UNKNOWN_BROADCAST) {
      this.handlers.onState('gone');
      return;
    }
    this.handlers.onState('reconnecting');
    this.retryTimer = setTimeout(() => this.connect(), this.backoff);
    this.backoff = Math.min(this.backoff * 2, 5000);
  }

  // Reconnects now (e.g. after the viewer changed their name: the name is part of the hello).
  restart() {
    this.lost(0);
    clearTimeout(this.retryTimer);
    this.connect();
  }

  // Asks the server for a pong; no frame at all within a few seconds means the connection is
  // dead even if the browser has not noticed, so it is dropped and made again.
  checkAlive() {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send('{"type":"ping"}');
    if (!this.deadTimer) this.deadTimer = setTimeout(() => this.lost(0), PONG_WITHIN_MS);
  }

  alive() {
    clearTimeout(this.deadTimer);
    this.deadTimer = 0;
    clearTimeout(this.pingTimer);
    this.pingTimer = setTimeout(() => this.checkAlive(), PING_EVERY_MS);
  }

  send(message) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN || !this.welcomed) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  dispatch(frame) {
    switch (frame.type) {
      case 'welcome':
        this.welcomed = true;
        this.everWelcomed = true;
        this.backoff = 1000;
        for (const line of frame.room?.chat ?? []) this.lastChatId = line.id;
        this.handlers.onState('live');
        this.handlers.onWelcome(frame);
        break;
      case 'batch':
        for (const e of frame.events ?? []) {
          if (e.type === 'chat' && e.id) this.lastChatId = e.id;
          this.handlers.onEvent(e);
        }
        break;
      case 'order':
        this.handlers.onOrder(frame);
        break;
      case 'error':
        this.handlers.onError(frame);
        break;
      default:
        break;  // pong, and frames from newer servers
    }
  }
}
