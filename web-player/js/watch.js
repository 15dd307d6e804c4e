// The viewer page: video, shop and chat of one live broadcast, wired to the room socket.
// The broadcast id is the last part of the path: /watch/{id}.
import { RoomSocket } from './room-socket.js';
import { startPlayer } from './player.js';
import { attachQualityMenu } from './quality.js';
import { Shop } from './shop.js';
import { ChatView } from './chat.js';
import { Orders } from './orders.js';
import { toast } from './toast.js';
import { loadName, saveName, cleanName } from './guest-name.js';
import { t, applyStatic, bindToggle, onLangChange } from './i18n.js';

const broadcastId = decodeURIComponent(location.pathname.split('/').filter(Boolean)[1] ?? '');
const $ = (id) => document.getElementById(id);

let player = null;
let broadcastState = 'starting';
let connState = 'connecting';
let videoState = 'connecting';
let viewers = 0;
let heard = false;  // a welcome arrived: the REST snapshot must not overwrite it

const chat = new ChatView($('chat-list'), $('chat-notice'));
const shop = new Shop($('products'), (product) => orders.buy(product.sku, 1));

// ---- header, video and broadcast info -------------------------------------------------------

function showBroadcast(b) {
  document.title = `${b.title} · livegate`;
  $('title').textContent = b.title;
  $('seller').textContent = b.seller ?? '';
  $('avatar').textContent = [...(b.seller || b.title || '?')][0].toUpperCase();
  setBroadcastState(b.state);
  if (!player && b.hls) {
    player = startPlayer($('video'), b.hls, setVideoStatus);
    if (player) attachQualityMenu(player, $('quality'));  // hls.js only; Safari picks natively
  }
}

function setVideoStatus(state) {
  videoState = state;
  paintVideoStatus();
}

function paintVideoStatus() {
  const key = broadcastState === 'ended' ? 'video.ended'
    : connState === 'gone' ? 'video.gone'
    : {
      connecting: 'video.connecting',
      'waiting-for-video': 'video.waiting',
      'tap-to-play': 'video.tap',
      unsupported: 'video.unsupported',
    }[videoState];
  const status = $('video-status');
  status.textContent = key ? t(key) : '';
  status.hidden = !key;
}

function setBroadcastState(state) {
  if (!state) return;
  broadcastState = state;
  const badge = $('live-badge');
  badge.dataset.state = state;
  badge.textContent = t(`state.${state}`) === `state.${state}` ? state.toUpperCase() : t(`state.${state}`);
  paintVideoStatus();
}

function setViewers(n) {
  viewers = Number(n) || 0;
  $('viewers').textContent = t('viewers', viewers);
}

function setConnState(state) {
  connState = state;
  const conn = $('conn-state');
  conn.dataset.state = state;
  conn.textContent = t(`conn.${state}`);
  paintVideoStatus();
}

// ---- the room socket ------------------------------------------------------------------------

const socket = new RoomSocket(broadcastId, {
  onState: setConnState,
  onWelcome({ user, room }) {
    heard = true;
    chat.me = user?.id ?? null;
    if (user?.name && !cleanName($('chat-name').value)) $('chat-name').value = user.name;
    showBroadcast(room.broadcast);
    setViewers(room.viewers);
    chat.snapshot(room.chat ?? []);
    shop.setProducts(room.products ?? [], room.stock, room.sold);
    shop.setPinned(room.pinned);
    $('products').closest('.shop').hidden = (room.products ?? []).length === 0;
    orders.resendAll();  // clicks still waiting when the socket dropped go again, same keys
  },
  onEvent(e) {
    switch (e.type) {
      case 'chat': chat.append(e); break;
      case 'stock': shop.update(e.sku, e.remaining, e.sold); break;
      case 'viewers': setViewers(e.count); break;
      case 'state': setBroadcastState(e.state); break;
      case 'pin': shop.setPinned(e.sku); break;
      default: break;  // event types from newer servers
    }
  },
  onOrder(order) {
    const pending = orders.settle(order.key);
    if (!pending) return;  // an answer to a key already settled (a resend crossed the ack)
    if (order.status === 'ok' || order.status === 'duplicate') {
      toast(t('order.ok', order.order_id), 'ok');
      shop.lowerStock(pending.sku, order.remaining);
    } else if (order.status === 'sold_out') {
      toast(t('order.soldOut'), 'warn');
      shop.lowerStock(pending.sku, order.remaining ?? 0);
    } else {
      toast(order.message || t('order.invalid'), 'warn');
    }
  },
  onError(error) {
    const message = error.message || error.code || 'error';
    if (error.key && orders.settle(error.key)) {
      toast(message, 'warn');  // a buy that was refused: the button is free again
      return;
    }
    chat.showNotice(message);
  },
});

const orders = new Orders(socket, {
  onBusy: (sku, busy) => shop.setBusy(sku, busy),
  onSlow: () => toast(t('order.slow'), 'info', 3000),
});

// ---- the REST snapshot: the page shows title, video and products before the socket is up ----

async function loadSnapshot() {
  try {
    const response = await fetch(`/api/broadcasts/${encodeURIComponent(broadcastId)}`);
    if (response.status === 404) {
      setConnState('gone');
      return;
    }
    if (!response.ok || heard) return;
    const b = await response.json();
    if (heard) return;
    showBroadcast(b);
    shop.setProducts(b.products ?? []);
  } catch {
    // the socket brings the same data
  }
}

// ---- chat form and name ---------------------------------------------------------------------

const nameInput = $('chat-name');
nameInput.value = loadName();
socket.name = nameInput.value;
nameInput.addEventListener('change', () => {
  const name = cleanName(nameInput.value);
  if (!name) {
    chat.showNotice(t('chat.badName'));
    nameInput.value = socket.name;
    return;
  }
  nameInput.value = name;
  if (name === socket.name) return;
  saveName(name);
  socket.name = name;
  socket.restart();  // the name travels in the hello
});

$('chat-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = $('chat-input');
  const text = input.value.trim();
  if (!text) return;
  if (socket.send({ type: 'chat', text })) input.value = '';
  else chat.showNotice(t('chat.offline'));
});

// ---- language -------------------------------------------------------------------------------

bindToggle($('lang'));
onLangChange(() => {
  shop.render();
  setBroadcastState(broadcastState);
  setConnState(connState);
  setViewers(viewers);
});
applyStatic();
setConnState('connecting');
setViewers(0);

loadSnapshot();
socket.connect();
