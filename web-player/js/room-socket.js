// The live room's WebSocket: hello on every (re)connect with resume_from = the last chat id
// seen, so a dropped viewer misses no line; reconnects with backoff (1 s doubling to 5 s), longer
// when the server said why it closed (see delayFor). A ping every 20 s (and on demand, see
// checkAlive) finds connections that died silently.
export const CLOSE = {
  SLOW_CONSUMER: 4008,      // our queue overflowed: reconnect as usual, resume catches up
  FLOODING: 4029,           // we sent too much: wait at least 10 s
  BANNED: 4403,             // removed from this chat: never reconnect
  UNKNOWN_BROADCAST: 4404,  // no such live broadcast: never reconnect
  TOO_MANY: 4429,           // too many connections (ours or the server's): wait at least 5 s
};
const PING_EVERY_MS = 20000;
const PONG_WITHIN_MS = 4000;
const MAX_BACKOFF_MS = 5000;
const STREAM_ID = /^\d+-\d+$/;

// Spreads reconnects after a mass close (server full, restart) so they do not come back at once.
const jitter = (ms) => Math.round(Math.random() * ms);

export class RoomSocket {
  // onState(state): connecting | live | reconnecting | gone (no such broadcast) | removed (banned).
  // onClose(code): every close, before the reconnect is planned.
  constructor(broadcastId, { onWelcome, onEvent, onOrder, onError, onState, onClose = () => {} }) {
    this.url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/${encodeURIComponent(broadcastId)}`;
    this.handlers = { onWelcome, onEvent, onOrder, onError, onState, onClose };
    this.lastChatId = null;
    this.name = '';
    this.guest = null;  // the guest secret (identity.js)
    this.token = null;  // a staff token, when this tab has one
    this.backoff = 1000;
    this.ws = null;
    this.welcomed = false;
    this.everWelcomed = false;
    this.stopped = false;
    this.retryTimer = 0;
    this.pingTimer = 0;
    this.deadTimer = 0;
    this.lastSent = { type: null, at: 0 };  // to tell which request an error frame answers
  }

  connect() {
    clearTimeout(this.retryTimer);
    if (this.stopped) return;
    this.handlers.onState(this.everWelcomed ? 'reconnecting' : 'connecting');
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = () => this.sayHello(ws);
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

  sayHello(ws) {
    if (this.ws !== ws || ws.readyState !== WebSocket.OPEN) return;
    const hello = { type: 'hello' };
    if (this.name) hello.name = this.name;
    if (this.token) hello.token = this.token;
    else if (this.guest) hello.guest = this.guest;
    if (this.lastChatId) hello.resume_from = this.lastChatId;
    ws.send(JSON.stringify(hello));
  }

  // The server could not welcome us (Redis away: the room's state is not readable). The socket
  // stays open and the server takes another hello: say it again after the usual backoff, so a
  // viewer who arrives during an outage is in the room as soon as it ends.
  helloLater() {
    const ws = this.ws;
    this.handlers.onState(this.everWelcomed ? 'reconnecting' : 'connecting');
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.sayHello(ws), this.backoff + jitter(250));
    this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
  }

  // How long to wait before reconnecting after a close with this code; null = never.
  delayFor(code) {
    switch (code) {
      case CLOSE.BANNED:
      case CLOSE.UNKNOWN_BROADCAST:
        return null;
      case CLOSE.TOO_MANY:
        return Math.max(this.backoff, 5000) + jitter(5000);
      case CLOSE.FLOODING:
        return 10000 + jitter(5000);
      default:
        return this.backoff + jitter(250);
    }
  }

  // The socket is gone (closed by either side, or declared dead): try again after a delay that
  // depends on why, or not at all.
  lost(code) {
    const ws = this.ws;
    this.ws = null;
    this.welcomed = false;
    clearTimeout(this.pingTimer);
    clearTimeout(this.deadTimer);
    this.deadTimer = 0;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = null;
      if (ws.readyState <= WebSocket.OPEN) ws.close();
    }
    this.handlers.onClose(code);
    const delay = this.delayFor(code);
    if (delay === null) {
      this.stopped = true;
      this.handlers.onState(code === CLOSE.BANNED ? 'removed' : 'gone');
      return;
    }
    this.handlers.onState('reconnecting');
    this.retryTimer = setTimeout(() => this.connect(), delay);
    this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
  }

  // Reconnects now (e.g. after the viewer changed their name: the name is part of the hello).
  restart() {
    if (this.stopped) return;
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
    this.lastSent = { type: message.type, at: Date.now() };
    return true;
  }

  dispatch(frame) {
    switch (frame.type) {
      case 'welcome': {
        this.welcomed = true;
        this.everWelcomed = true;
        this.backoff = 1000;
        const lines = frame.room?.chat ?? [];
        // A fresh snapshot (resumed: false) starts the count again; a resume only adds.
        if (frame.room?.resumed === false) this.lastChatId = null;
        for (const line of lines) if (line?.id) this.lastChatId = line.id;
        this.handlers.onState('live');
        this.handlers.onWelcome(frame);
        break;
      }
      case 'batch':
        for (const e of frame.events ?? []) {
          // Stream ids only: a pending line's local id means nothing to another server.
          if (e?.type === 'chat' && STREAM_ID.test(e.id ?? '')) this.lastChatId = e.id;
          if (e) this.handlers.onEvent(e);
        }
        break;
      case 'order':
        this.handlers.onOrder(frame);
        break;
      case 'error':
        if (!this.welcomed && frame.code === 'unavailable') return this.helloLater();
        this.handlers.onError(frame);
        break;
      default:
        break;  // pong, and frames from newer servers
    }
  }
}
