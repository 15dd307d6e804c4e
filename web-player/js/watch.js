// The viewer page: video, shop and chat of one live broadcast, wired to the room socket.
import { RoomSocket } from './room-socket.js';
import { startPlayer } from './player.js';
import { Shop } from './shop.js';
import { ChatView } from './chat.js';
import { toast } from './toast.js';

const broadcastId = decodeURIComponent(location.pathname.split('/').filter(Boolean)[1] ?? '');
const $ = (id) => document.getElementById(id);
const ACK_TIMEOUT_MS = 5000;

// A buy-now key that is random enough to be unguessable; crypto.randomUUID needs a secure
// context, getRandomValues works on plain http too.
function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const chat = new ChatView($('chat-list'), $('chat-notice'));
const pending = new Map();  // key -> { sku, qty, timer }: clicks waiting for their order ack
let player = null;

const shop = new Shop($('products'), (product) => buy(product));

function buy(product) {
  const key = newKey();
  pending.set(key, { sku: product.sku, qty: 1, timer: 0 });
  shop.setBusy(product.sku, true);
  sendBuy(key);
}

// Sends (or re-sends, after a reconnect) a buy with its original key: the server answers a
// repeated key with the same order, so a click never becomes two orders.
function sendBuy(key) {
  const p = pending.get(key);
  if (!p) return;
  clearTimeout(p.timer);
  socket.send({ type: 'buy', sku: p.sku, qty: p.qty, key });
  p.timer = setTimeout(() => {
    if (pending.has(key) && !socket.welcomed) return;  // resent after the reconnect
    if (pending.has(key)) sendBuy(key);
  }, ACK_TIMEOUT_MS);
}

function settle(key) {
  const p = pending.get(key);
  if (!p) return null;
  clearTimeout(p.timer);
  pending.delete(key);
  shop.setBusy(p.sku, [...pending.values()].some((q) => q.sku === p.sku));
  return p;
}

function setVideoStatus(state) {
  const status = $('video-status');
  const text = {
    playing: '',
    buffering: '',
    'waiting-for-video': 'Waiting for the video…',
    'tap-to-play': 'Tap the video to play',
    unsupported: 'This browser cannot play live video',
  }[state];
  if (text === undefined) return;
  status.textContent = text;
  status.hidden = !text;
}

function setBroadcastState(state) {
  const badge = $('live-badge');
  badge.dataset.state = state;
  badge.textContent = { live: 'LIVE', starting: 'STARTING', reconnecting: 'RECONNECTING', ended: 'ENDED' }[state] ?? state.toUpperCase();
  if (state === 'ended') {
    $('video-status').textContent = 'This broadcast has ended. Thanks for watching!';
    $('video-status').hidden = false;
  }
}

const socket = new RoomSocket(broadcastId, {
  onState(state) {
    const conn = $('conn-state');
    conn.dataset.state = state;
    conn.textContent = { connecting: 'connecting…', live: 'connected', reconnecting: 'reconnecting…', gone: 'not live' }[state];
    if (state === 'gone') {
      $('video-status').textContent = 'This broadcast does not exist or has ended.';
      $('video-status').hidden = false;
    }
  },
  onWelcome({ user, room }) {
    const b = room.broadcast;
    document.title = `${b.title} · livegate`;
    $('title').textContent = b.title;
    $('seller').textContent = b.seller;
    $('chat-name').placeholder = user.name;
    setBroadcastState(b.state);
    $('viewers').textContent = `${room.viewers} watching`;
    if (socket.lastChatId && chat.seen.size) room.chat.forEach((line) => chat.append(line));
    else chat.reset(room.chat);
    shop.render(room.products, room.stock, room.sold);
    $('shop-heading').parentElement.hidden = room.products.length === 0;
    // Clicks still waiting when the socket dropped go again, with their original keys.
    for (const [key, p] of pending) {
      shop.setBusy(p.sku, true);
      sendBuy(key);
    }
    if (!player) player = startPlayer($('video'), b.hls, setVideoStatus);
  },
  onEvent(e) {
    if (e.type === 'chat') chat.append(e);
    else if (e.type === 'stock') shop.update(e.sku, e.remaining, e.sold);
    else if (e.type === 'viewers') $('viewers').textContent = `${e.count} watching`;
    else if (e.type === 'state') setBroadcastState(e.state);
  },
  onOrder(order) {
    const p = settle(order.key);
    if (order.status === 'ok' || order.status === 'duplicate') {
      toast(`Order confirmed · #${order.order_id}`, 'ok');
    } else if (order.status === 'sold_out') {
      toast('Sorry, that just sold out', 'warn');
    } else {
      toast('The order did not go through', 'warn');
    }
    if (p && order.remaining !== undefined) {
      const card = shop.cards.get(p.sku);
      if (card && order.status === 'ok') shop.update(p.sku, order.remaining, card.sold + p.qty);
    }
  },
  onError(error) {
    if (error.key && settle(error.key)) {
      toast(error.message, 'warn');
      return;
    }
    chat.showNotice(error.message);
  },
});

const nameInput = $('chat-name');
nameInput.value = localStorage.getItem('livegate.name') ?? '';
socket.name = nameInput.value.trim();
nameInput.addEventListener('change', () => {
  const name = nameInput.value.trim();
  localStorage.setItem('livegate.name', name);
  socket.name = name;
  socket.restart();  // the name is part of the hello
});

$('chat-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = $('chat-input');
  const text = input.value.trim();
  if (!text) return;
  if (socket.send({ type: 'chat', text })) input.value = '';
  else chat.showNotice('Not connected yet, try again in a moment');
});

socket.connect();
