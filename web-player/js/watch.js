// The viewer page: video, shop and chat of one live broadcast, wired to the room socket.
// The broadcast id is the last part of the path: /watch/{id}, /keynote/{id} (the same page; a
// keynote broadcast shows its program and Q&A instead of the shop) or /embed/{id} (player and
// shop for another site's iframe).
import { RoomSocket, CLOSE } from './room-socket.js';
import { startPlayer } from './player.js';
import { attachQualityMenu } from './quality.js';
import { Shop } from './shop.js';
import { ChatView, isStaffRole } from './chat.js';
import { LineMenu } from './line-menu.js';
import { PinnedBanner } from './chat-pinned.js';
import { SlowMode } from './slow-mode.js';
import { Composer } from './composer.js';
import { QaPanel } from './qa.js';
import { guestSecret, staffToken, dropStaffToken } from './identity.js';
import { Orders } from './orders.js';
import { DealBanner } from './deal-banner.js';
import { PinClock } from './pin-clock.js';
import { toast } from './toast.js';
import { ProgramCard } from './program.js';
import { NewLinesButton } from './chat-new-lines.js';
import { attachUnmute } from './unmute.js';
import { isEmbedded, startEmbedFrame } from './embed-frame.js';
import { el } from './dom.js';
import { loadName, saveName, cleanName } from './guest-name.js';
import { t, applyStatic, bindToggle, onLangChange, errorText, waitText, productTitle } from './i18n.js';

const broadcastId = decodeURIComponent(location.pathname.split('/').filter(Boolean)[1] ?? '');
const $ = (id) => document.getElementById(id);

let player = null;
let broadcastState = 'starting';
let connState = 'connecting';
let videoState = 'connecting';
let viewers = 0;
let uniqueViewers = null;  // viewers so far, across all nodes; null until the server says
let keynote = false;
let heard = false;  // a welcome arrived: the REST snapshot must not overwrite it
let me = { id: null, name: '', role: 'viewer' };
const isStaff = () => isStaffRole(me.role);

const QA_REQUESTS = new Set(['ask', 'vote', 'answer', 'remove_question']);
const QA_ERRORS = new Set(['already_voted', 'unknown_question', 'answered', 'qa_full']);
const WAIT_ERRORS = new Set(['slow_mode', 'rate_limited', 'muted']);

const lineMenu = new LineMenu($('chat-list').closest('.chat'));
const chat = new ChatView($('chat-list'), $('chat-notice'),
  { onActions: openLineMenu, newLines: new NewLinesButton($('chat-list'), $('chat-new')) });
const program = new ProgramCard($('program'));
const composer = new Composer({ form: $('chat-form'), input: $('chat-input'), button: $('chat-send'), removed: $('chat-removed') });
const pinned = new PinnedBanner($('pinned'), { onUnpin: () => moderate({ type: 'pin_message', id: null }) });
const slowMode = new SlowMode($('slow-indicator'), $('slow-control'), $('slow-select'),
  (seconds) => moderate({ type: 'slow', seconds }));
const qa = new QaPanel($('qa'), { broadcastId, send: (frame) => socket.send(frame) });
const shop = new Shop($('products'), (product) => orders.buy(product.sku, 1),
  (product) => socket.send({ type: 'tap', sku: product.sku }));
const deals = new DealBanner($('deal'), (deal) => orders.buy(deal.sku, 1, deal.id),
  (sku) => (shop.product(sku) ? productTitle(shop.product(sku)) : ''));
// hls.js knows the program date-time on screen; elsewhere pins show when they arrive.
const pinClock = new PinClock($('video'), () => player?.playingDate?.getTime?.() ?? null,
  (sku) => shop.setPinned(sku));
let replayPinsLoaded = false;
// The program date-time on screen, for support and the browser tests (pins follow it).
window.__livegatePlayingDate = () => player?.playingDate?.getTime?.() ?? null;

// ---- header, video and broadcast info -------------------------------------------------------

function showBroadcast(b) {
  document.title = `${b.title} · livegate`;
  $('title').textContent = b.title;
  $('seller').textContent = b.seller ?? '';
  $('avatar').textContent = [...(b.seller || b.title || '?')][0].toUpperCase();
  setBroadcastState(b.state);
  // A keynote has questions instead of a shop.
  keynote = b.mode === 'keynote';
  qa.show(keynote);
  program.set(keynote ? b.program ?? null : null);
  document.body.classList.toggle('keynote', keynote);
  const input = $('chat-input');  // there is no seller to ask at a keynote
  input.dataset.i18nPlaceholder = keynote ? 'chat.placeholderKeynote' : 'chat.placeholder';
  input.placeholder = t(input.dataset.i18nPlaceholder);
  if (!player && b.hls) {
    player = startPlayer($('video'), b.hls, setVideoStatus);
    if (player) attachQualityMenu(player, $('quality'));  // hls.js only; Safari picks natively
  }
}

// The shop panel shows while there is something to sell (never at a keynote).
function showShopPanel() {
  $('products').closest('.shop').hidden = keynote || !shop.hasProducts();
}

function showProducts(products, stock, sold) {
  shop.setProducts(products, stock, sold);
  showShopPanel();
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
  if (state === 'ended' && !keynote) loadReplayPins();
  const badge = $('live-badge');
  badge.dataset.state = state;
  badge.textContent = t(`state.${state}`) === `state.${state}` ? state.toUpperCase() : t(`state.${state}`);
  paintVideoStatus();
}

// The replay shows every pin at its moment: the whole timeline, once.
async function loadReplayPins() {
  if (replayPinsLoaded) return;
  replayPinsLoaded = true;
  try {
    const r = await fetch(`/api/broadcasts/${encodeURIComponent(broadcastId)}/pins`);
    if (r.ok) pinClock.set((await r.json()).pins ?? []);
  } catch { replayPinsLoaded = false; }
}

function setViewers(n, unique) {
  viewers = Number(n) || 0;
  if (Number.isFinite(unique)) uniqueViewers = unique;
  const parts = [t('viewers', viewers)];
  if (uniqueViewers !== null) parts.push(t('viewers.unique', Math.max(uniqueViewers, viewers)));
  $('viewers').textContent = parts.join(' · ');
}

// The header chip that reminds staff they are not an ordinary viewer here.
function showRole() {
  const chip = $('role-chip');
  chip.hidden = !isStaff();
  chip.dataset.role = me.role;
  if (!isStaff()) return chip.replaceChildren();
  const role = t(`role.${me.role}`);
  // Phones have room for the role only (CSS shows one of the two).
  chip.replaceChildren(el('span', { class: 'chip-full', text: t('role.you', role, me.name) }),
    el('span', { class: 'chip-short', text: role }));
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
    me = { id: user?.id ?? null, name: user?.name ?? '', role: user?.role ?? 'viewer' };
    const staff = isStaff();
    chat.setViewer({ me: me.id, staff });
    qa.setViewer({ me: me.id, staff });
    pinned.setStaff(staff);
    slowMode.setStaff(staff);
    showRole();
    const nameInput = $('chat-name');
    nameInput.readOnly = staff;  // staff names come with their token
    if (staff || (user?.name && !cleanName(nameInput.value))) nameInput.value = user.name;
    showBroadcast(room.broadcast);
    if (room.viewers && typeof room.viewers === 'object') setViewers(room.viewers.count, room.viewers.unique);
    else setViewers(room.viewers, room.unique);
    // A resume that the server could serve exactly adds the missed lines; anything else
    // (first join, resumed: false) is the whole story and replaces the list.
    chat.snapshot(room.chat ?? [], { replace: room.resumed !== true, deleted: room.deleted ?? [] });
    pinned.set(room.pinned_message ?? null);
    slowMode.set(room.slow ?? 0);
    if (Array.isArray(room.questions)) qa.snapshot(room.questions);
    composer.release();
    if (user?.muted_ms > 0) {
      composer.hold(user.muted_ms, 'muted');
      chat.showNotice(t('error.muted', waitText(user.muted_ms)));
    }
    shop.cnyPerUsd = room.cny_per_usd ?? 0;
    showProducts(room.products ?? [], room.stock, room.sold);
    if (broadcastState !== 'ended') pinClock.set(room.pin ? [room.pin] : []);
    deals.snapshot(room.deals ?? [], room.now);
    orders.resendAll();  // clicks still waiting when the socket dropped go again, same keys
  },
  onEvent(e) {
    switch (e.type) {
      case 'chat':
        chat.append(e);
        if (me.id && e.user?.id === me.id) composer.delivered(e.text);
        break;
      case 'deleted':
        chat.remove(e.id);
        if (lineMenu.isOpen && !lineMenu.trigger?.isConnected) lineMenu.close(false);  // its line is gone
        break;
      case 'pinned_message': pinned.set(e.line ?? null); break;
      case 'slow':
        slowMode.set(e.seconds);
        if (!(e.seconds > 0)) composer.releaseIf('slow_mode');  // off: the next line may go now
        break;
      case 'banned': onBanned(e); break;
      case 'unbanned': onUnbanned(e); break;
      case 'question': qa.update(e); break;
      case 'question_deleted': qa.remove(e.id); break;
      case 'stock': shop.update(e.sku, e.remaining, e.sold); break;
      case 'viewers': setViewers(e.count, e.unique); break;
      case 'state': setBroadcastState(e.state); break;
      case 'pin': pinClock.add(e); break;
      case 'product':
        shop.upsert(e.sku, e.product, e.stock, e.sold);
        showShopPanel();
        break;
      case 'deal': deals.update(e); break;
      case 'deal_stock': deals.remaining(e.id, e.remaining); break;
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
      toast(order.reason === 'deal_sold_out' ? t('deal.soldOut') : t('order.soldOut'), 'warn');
      shop.lowerStock(pending.sku, order.remaining ?? 0);
    } else {
      toast(order.message || t('order.invalid'), 'warn');
    }
  },
  onError: onError,
  onClose(code) {
    if (code === CLOSE.BANNED) removed();
  },
});

// An error frame answers the request sent just before it (the server handles a connection's
// frames in order), except for the few codes that say what they are about.
function onError(error) {
  if (error.key && orders.settle(error.key)) {
    toast(errorText(error), 'warn');  // a buy that was refused: the button is free again
    return;
  }
  const last = socket.lastSent;
  const recent = Date.now() - last.at < 10000;
  if (QA_ERRORS.has(error.code) || (recent && QA_REQUESTS.has(last.type) && qa.visible)) {
    qa.refused(error);
    return;
  }
  if (recent && last.type === 'slow') slowMode.render();  // the menu shows the room's value again
  switch (error.code) {
    case 'banned':
      removed();
      return;
    case 'bad_token':
      // The link's token is expired or for another room: carry on as a guest.
      dropStaffToken(broadcastId);
      socket.token = null;
      chat.showNotice(errorText(error), 10000);
      socket.restart();
      return;
    default:
      if (WAIT_ERRORS.has(error.code)) composer.hold(error.retry_after_ms ?? 1000, error.code);
      if (recent && last.type === 'chat') composer.refused();
      chat.showNotice(errorText(error));
  }
}

function removed() {
  composer.setRemoved();
  chat.showNotice('');
  lineMenu.close(false);
}

// ---- moderation -----------------------------------------------------------------------------

function moderate(frame) {
  if (!socket.send(frame)) chat.showNotice(t('chat.offline'));
}

function openLineMenu(button, line) {
  const name = line.user?.name || 'guest';
  const isPinned = pinned.line?.id === line.id;
  const items = [
    { label: t('mod.delete'), run: () => moderate({ type: 'delete', id: line.id }) },
    { label: t(isPinned ? 'mod.unpin' : 'mod.pin'), run: () => moderate({ type: 'pin_message', id: isPinned ? null : line.id }) },
  ];
  // Staff cannot silence each other (or themselves): the server would refuse it.
  const target = line.user?.id;
  if (target && target !== me.id && !isStaffRole(line.user?.role)) {
    items.push(
      { label: t('mod.mute'), run: () => moderate({ type: 'ban', user: target, seconds: 300 }) },
      { label: t('mod.ban'), danger: true, confirm: t('mod.banConfirm', name), run: () => moderate({ type: 'ban', user: target }) });
  }
  lineMenu.open(button, items, t('chat.actions', name));
}

// banned with seconds > 0 is a timeout (mute); 0 is a ban until lifted, and the server closes
// the banned viewer's connections (4403) right after.
function onBanned(e) {
  const seconds = Number(e.seconds) || 0;
  if (e.user === me.id) {
    if (seconds > 0) {
      composer.hold(seconds * 1000, 'muted');
      chat.showNotice(t('error.muted', waitText(seconds * 1000)));
    } else {
      removed();
    }
    return;
  }
  if (!isStaff()) return;
  const name = chat.nameOf(e.user);
  chat.note(seconds > 0 ? t('mod.muted', name, waitText(seconds * 1000)) : t('mod.banned', name), {
    label: t('mod.undo'), ariaLabel: t('mod.undoLabel', name), run: () => moderate({ type: 'unban', user: e.user }),
  });
}

function onUnbanned(e) {
  if (e.user === me.id) {
    composer.releaseIf('muted');
    chat.showNotice(t('chat.unmuted'));
    return;
  }
  if (isStaff()) chat.note(t('mod.unbanned', chat.nameOf(e.user)));
}

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
    showProducts(b.products ?? []);
  } catch {
    // the socket brings the same data
  }
}

// ---- chat form and name ---------------------------------------------------------------------

const nameInput = $('chat-name');
nameInput.value = loadName();
socket.name = nameInput.value;
socket.guest = guestSecret();
socket.token = staffToken(broadcastId);
nameInput.addEventListener('change', () => {
  if (nameInput.readOnly) return;
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
  if (!text || composer.waiting) return;
  if (socket.send({ type: 'chat', text })) composer.sent(text);
  else chat.showNotice(t('chat.offline'));
});

// ---- language -------------------------------------------------------------------------------

bindToggle($('lang'));
onLangChange(() => {
  shop.render();
  chat.render();
  pinned.render();
  slowMode.render();
  lineMenu.close(false);
  showRole();
  setBroadcastState(broadcastState);
  setConnState(connState);
  setViewers(viewers);
});
if (isEmbedded()) startEmbedFrame(broadcastId, $('embed-open'));
attachUnmute($('video'), $('unmute'));
applyStatic();
setConnState('connecting');
setViewers(0);

loadSnapshot();
socket.connect();
