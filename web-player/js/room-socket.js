// The live room's WebSocket: hello on every (re)connect with resume_from = the last chat id
// seen, so a dropped viewer misses no line; reconnects with backoff (1 s doubling to 5 s).
export class RoomSocket {
  constructor(broadcastId, { onWelcome, onEvent, onOrder, onError, onState }) {
    this.url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/${encodeURIComponent(broadcastId)}`;
    this.handlers = { onWelcome, onEvent, onOrder, onError, onState };
    this.lastChatId = null;
    this.name = '';
    this.backoff = 1000;
    this.ws = null;
    this.welcomed = false;
  }

  connect() {
    this.handlers.onState('connecting');
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = () => {
      const hello = { type: 'hello' };
      if (this.name) hello.name = this.name;
      if (this.lastChatId) hello.resume_from = this.lastChatId;
      ws.send(JSON.stringify(hello));
    };
    ws.onmessage = (event) => this.dispatch(JSON.parse(event.data));
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      this.welcomed = false;
      if (event.code === 4404) {
        this.handlers.onState('gone');
        return;
      }
      this.handlers.onState('reconnecting');
      setTimeout(() => this.connect(), this.backoff);
      this.backoff = Math.min(this.backoff * 2, 5000);
    };
  }

  // Reconnects now (e.g. after the viewer changed their name).
  restart() {
    const old = this.ws;
    this.ws = null;
    if (old) old.close();
    this.connect();
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
        this.backoff = 1000;
        for (const line of frame.room.chat) this.lastChatId = line.id;
        this.handlers.onState('live');
        this.handlers.onWelcome(frame);
        break;
      case 'batch':
        for (const e of frame.events) {
          if (e.type === 'chat') this.lastChatId = e.id;
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
        break;  // pong and frames from newer servers
    }
  }
}
