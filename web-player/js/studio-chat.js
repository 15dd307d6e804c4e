// The studio's chat panel for the selected broadcast, and its one room socket. The studio joins
// as the seller with a seller chat token (studio-api.js sellerChatToken), so every line has the
// staff menu (delete, pin, mute 5 min, ban) and slow mode is a menu, exactly as a moderator's
// viewer page (watch.js). Without a token (no auth.jwt_secret) it joins as a guest: read-only,
// with a note saying why. The same socket brings the shop's live events (stock, products, pins,
// deals, viewers), handed to the other panels through `events`.
import { el } from './dom.js';
import { t, errorText, waitText } from './i18n.js';
import { RoomSocket } from './room-socket.js';
import { ChatView, isStaffRole } from './chat.js';
import { LineMenu } from './line-menu.js';
import { SlowMode } from './slow-mode.js';
import { PinnedBanner } from './chat-pinned.js';
import { sellerChatToken } from './studio-api.js';

// A RoomSocket that must not come back (another broadcast was picked, or sign-out).
function retire(socket) {
  if (!socket) return;
  socket.stopped = true;
  clearTimeout(socket.retryTimer);
  clearTimeout(socket.pingTimer);
  clearTimeout(socket.deadTimer);
  const ws = socket.ws;
  socket.ws = null;
  if (ws) {
    ws.onopen = ws.onmessage = ws.onclose = null;
    ws.close();
  }
}

export class StudioChat {
  // ui: { panel, list, notice, note, form, input, send, slowIndicator, slowControl, slowSelect,
  // pinned, conn }; events: { onWelcome(room), onEvent(e) } for the other panels.
  constructor(ui, events) {
    this.ui = ui;
    this.events = events;
    this.socket = null;
    this.seq = 0;
    this.me = { id: null, role: 'viewer' };
    this.readOnly = null;  // why the chat is read-only (server's words), or null
    this.connState = 'connecting';
    this.lineMenu = new LineMenu(ui.panel);
    this.chat = new ChatView(ui.list, ui.notice, { onActions: (button, line) => this.openLineMenu(button, line) });
    this.pinned = new PinnedBanner(ui.pinned, { onUnpin: () => this.moderate({ type: 'pin_message', id: null }) });
    this.slowMode = new SlowMode(ui.slowIndicator, ui.slowControl, ui.slowSelect, (seconds) => this.moderate({ type: 'slow', seconds }));
    ui.form.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = ui.input.value.trim();
      if (!text) return;
      if (this.socket?.send({ type: 'chat', text })) ui.input.value = '';
      else this.chat.showNotice(t('chat.offline'));
    });
  }

  async show(broadcast) {
    const seq = ++this.seq;  // a later show() wins over one still waiting for its token
    retire(this.socket);
    this.socket = null;
    this.lineMenu.close(false);
    this.chat.snapshot([]);
    this.pinned.set(null);
    this.slowMode.set(0);
    this.setReadOnly(null);
    if (!broadcast) return this.setConn('gone');
    const id = broadcast.id;
    let token = null;
    try {
      token = await sellerChatToken(broadcast, (broadcast.seller || t('chat.sellerName')).slice(0, 32));
    } catch (e) {
      this.setReadOnly(e.message);  // e.g. "tokens are off: set auth.jwt_secret"
    }
    if (seq !== this.seq) return undefined;
    this.connect(id, token);
    return undefined;
  }

  connect(id, token) {
    const socket = new RoomSocket(id, {
      onState: (state) => { if (socket === this.socket) this.setConn(state); },
      onWelcome: ({ user, room }) => { if (socket === this.socket) this.welcome(user, room); },
      onEvent: (e) => { if (socket === this.socket) this.event(e); },
      onOrder: () => {},
      onError: (error) => { if (socket === this.socket) this.error(error); },
    });
    socket.token = token;
    this.socket = socket;
    socket.connect();
  }

  stop() {
    this.seq += 1;
    retire(this.socket);
    this.socket = null;
  }

  welcome(user, room) {
    this.me = { id: user?.id ?? null, role: user?.role ?? 'viewer' };
    const staff = isStaffRole(this.me.role);
    this.chat.setViewer({ me: this.me.id, staff });
    this.pinned.setStaff(staff);
    this.slowMode.setStaff(staff);
    this.chat.snapshot(room.chat ?? [], { replace: room.resumed !== true, deleted: room.deleted ?? [] });
    this.pinned.set(room.pinned_message ?? null);
    this.slowMode.set(room.slow ?? 0);
    this.events.onWelcome(room);
  }

  event(e) {
    switch (e.type) {
      case 'chat': this.chat.append(e); break;
      case 'deleted':
        this.chat.remove(e.id);
        if (this.lineMenu.isOpen && !this.lineMenu.trigger?.isConnected) this.lineMenu.close(false);
        break;
      case 'pinned_message': this.pinned.set(e.line ?? null); break;
      case 'slow': this.slowMode.set(e.seconds); break;
      case 'banned': this.noteBan(e); break;
      case 'unbanned': this.chat.note(t('mod.unbanned', this.chat.nameOf(e.user))); break;
      default: break;
    }
    this.events.onEvent(e);
  }

  error(error) {
    const last = this.socket?.lastSent;
    if (last && Date.now() - last.at < 10000 && last.type === 'slow') this.slowMode.render();
    if (error.code === 'bad_token') {
      // The token was refused (expired, secret changed): carry on read-only as a guest.
      this.setReadOnly(errorText(error));
      this.socket.token = null;
      this.socket.restart();
      return;
    }
    this.chat.showNotice(errorText(error));
  }

  moderate(frame) {
    if (!this.socket?.send(frame)) this.chat.showNotice(t('chat.offline'));
  }

  openLineMenu(button, line) {
    const name = line.user?.name || 'guest';
    const isPinned = this.pinned.line?.id === line.id;
    const items = [
      { label: t('mod.delete'), run: () => this.moderate({ type: 'delete', id: line.id }) },
      { label: t(isPinned ? 'mod.unpin' : 'mod.pin'), run: () => this.moderate({ type: 'pin_message', id: isPinned ? null : line.id }) },
    ];
    const target = line.user?.id;  // staff cannot silence staff: the server would refuse
    if (target && target !== this.me.id && !isStaffRole(line.user?.role)) {
      items.push(
        { label: t('mod.mute'), run: () => this.moderate({ type: 'ban', user: target, seconds: 300 }) },
        { label: t('mod.ban'), danger: true, confirm: t('mod.banConfirm', name), run: () => this.moderate({ type: 'ban', user: target }) });
    }
    this.lineMenu.open(button, items, t('chat.actions', name));
  }

  noteBan(e) {
    const seconds = Number(e.seconds) || 0;
    const name = this.chat.nameOf(e.user);
    this.chat.note(seconds > 0 ? t('mod.muted', name, waitText(seconds * 1000)) : t('mod.banned', name), {
      label: t('mod.undo'), ariaLabel: t('mod.undoLabel', name), run: () => this.moderate({ type: 'unban', user: e.user }),
    });
  }

  setReadOnly(why) {
    this.readOnly = why;
    this.ui.form.hidden = Boolean(why);
    this.ui.note.hidden = !why;
    this.ui.note.textContent = why ? t('chat.readOnly', why) : '';
  }

  setConn(state) {
    this.connState = state;
    this.ui.conn.dataset.state = state;
    this.ui.conn.textContent = t(`conn.${state}`);
  }

  render() {
    this.chat.render();
    this.pinned.render();
    this.slowMode.render();
    this.lineMenu.close(false);
    this.setReadOnly(this.readOnly);
    this.setConn(this.connState);
  }
}
