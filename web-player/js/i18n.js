// English and Chinese UI strings. The language is the viewer's choice (header toggle, kept in
// localStorage), else the browser's. Product titles switch to title_zh where a product has one.
import { stored, store } from './storage.js';

const STRINGS = {
  en: {
    'lang.toggle': '中文',
    'lang.toggleLabel': 'Show the page in Chinese',
    'conn.connecting': 'connecting…',
    'conn.live': 'connected',
    'conn.reconnecting': 'reconnecting…',
    'conn.gone': 'not live',
    'state.live': 'LIVE',
    'state.starting': 'STARTING',
    'state.waiting': 'WAITING',
    'state.reconnecting': 'RECONNECTING',
    'state.ended': 'ENDED',
    'viewers': (n) => `${n.toLocaleString('en-US')} watching`,
    'video.connecting': 'Connecting to the broadcast…',
    'video.waiting': 'Waiting for the video…',
    'video.tap': 'Tap the video to play',
    'video.unsupported': 'This browser cannot play live video',
    'video.ended': 'This broadcast has ended. Thanks for watching!',
    'video.unmute': 'Tap to unmute',
    'brand.label': 'livegate: all live broadcasts',
    'embed.open': 'Open with chat ↗',
    'program.heading': 'About this keynote',
    'program.speakers': 'Speakers',
    'program.agenda': 'Agenda',
    'program.now': 'Now',
    'chat.newLines': (n) => (n === 1 ? '1 new message ↓' : `${n} new messages ↓`),
    'shop.limit': (n) => `limit ${n} per buyer`,
    'video.gone': 'This broadcast does not exist or has ended.',
    'shop.heading': 'Shop the live',
    'shop.left': (n) => `${n.toLocaleString('en-US')} left`,
    'shop.sold': (n) => `${n.toLocaleString('en-US')} sold`,
    'shop.soldOut': 'Sold out',
    'shop.buy': 'Buy now',
    'shop.buying': 'Buying…',
    'shop.pinned': 'Featured',
    'shop.buyLabel': (title, price) => `Buy ${title} for ${price}`,
    'order.ok': (id) => `Order confirmed · #${id}`,
    'order.soldOut': 'Sold out',
    'order.invalid': 'That order was not accepted',
    'order.slow': 'Still confirming your order…',
    'chat.heading': 'Live chat',
    'chat.name': 'Name',
    'chat.message': 'Message',
    'chat.placeholder': 'Ask the seller…',
    'chat.placeholderKeynote': 'Say something…',
    'chat.send': 'Send',
    'chat.offline': 'Not connected yet, try again in a moment',
    'chat.badName': 'Names are 1 to 32 characters',
    'chat.you': 'you',
    'chat.pending': 'sending…',
    'chat.pendingHint': 'Shown here now; the server saves it as soon as it can',
    'home.title': 'Live now',
    'home.tagline': 'Watch, chat and buy without leaving the video',
    'home.empty': 'Nothing is live right now. Check back soon!',
    'golive.heading': 'Go live from your camera',
    'golive.key': 'Stream key',
    'golive.start': 'Go live',
    'golive.stop': 'End',
    'golive.idle': 'Your camera and microphone are used only while you are live.',
    'golive.camera': 'Asking for your camera…',
    'golive.noCamera': 'No camera: allow camera access in the browser and try again.',
    'golive.connecting': 'Connecting to livegate…',
    'golive.live': 'You are live. Viewers see you in a few seconds.',
    'golive.lost': 'Connection lost. Press Go live to continue the same broadcast.',
    'golive.ended': 'You ended the broadcast from this page.',
    'golive.refused': (why) => `livegate refused: ${why}`,
    'home.error': 'Could not load the broadcasts. Retrying…',
    'quality.label': 'Video quality',
    'quality.auto': 'Auto',
    'quality.autoNow': (name) => `Auto (${name})`,
    'viewers.unique': (n) => (n === 1 ? '1 viewer so far' : `${n.toLocaleString('en-US')} viewers so far`),
    'conn.removed': 'removed',
    'time.seconds': (n) => `${n} s`,
    'time.minutes': (n) => `${n} min`,
    'role.moderator': 'Moderator',
    'role.seller': 'Seller',
    'role.you': (role, name) => `${role}: ${name}`,
    'chat.pinned': 'Pinned',
    'chat.unpinLabel': 'Unpin this message',
    'chat.slowOn': (s) => `Slow mode: one message every ${s} s`,
    'chat.slowLabel': 'Slow mode',
    'chat.slowOff': 'Off',
    'chat.wait': (w) => `Wait ${w}`,
    'chat.waitLabel': (w) => `Send, possible again in ${w}`,
    'chat.removed': 'You were removed from this chat',
    'chat.removedHint': 'You can keep watching the live video.',
    'chat.unmuted': 'You can chat again',
    'chat.actions': (name) => `Actions for the message from ${name}`,
    'mod.delete': 'Delete',
    'mod.pin': 'Pin',
    'mod.unpin': 'Unpin',
    'mod.mute': 'Mute 5 min',
    'mod.ban': 'Ban',
    'mod.banConfirm': (name) => `Ban ${name} from this chat?`,
    'mod.cancel': 'Cancel',
    'mod.muted': (name, w) => `${name} is muted for ${w}`,
    'mod.banned': (name) => `${name} was banned from the chat`,
    'mod.unbanned': (name) => `${name} can chat again`,
    'mod.undo': 'Undo',
    'mod.undoLabel': (name) => `Let ${name} chat again`,
    'deal.flash': 'Flash deal',
    'deal.buy': 'Grab the deal',
    'deal.soldOut': 'Deal sold out',
    'deal.left': (n) => `${n.toLocaleString('en-US')} at this price`,
    'deal.startsIn': (c) => `starts in ${c}`,
    'error.limit_reached': 'You have bought as many as one buyer may',
    'error.deal_ended': 'The deal has ended',
    'error.deal_not_started': 'The deal has not started yet',
    'error.deal_sold_out': 'The deal is sold out',
    'error.unknown_sku': 'This product is no longer on sale',
    'error.rate_limited': (w) => `You are sending too fast. Try again in ${w}.`,
    'error.slow_mode': (w) => `Slow mode is on. You can send again in ${w}.`,
    'error.muted': (w) => `A moderator muted you. You can chat again in ${w}.`,
    'error.banned': 'You were removed from this chat',
    'error.forbidden': 'Only the seller and moderators can do that',
    'error.bad_token': 'This staff link is no longer valid, so you are chatting as a guest.',
    'error.flooding': 'Too many messages at once. Reconnecting in a few seconds…',
    'error.too_many_connections': 'Too many chats open from your network. Retrying in a few seconds…',
    'error.server_full': 'The chat is full right now. Retrying in a few seconds…',
    'error.unknown_line': 'That message is no longer in the chat',
    'error.too_long': 'That is too long',
    'error.unavailable': 'That did not go through. Please try again.',
    'error.already_voted': 'You already voted for this question',
    'error.unknown_question': 'That question was removed',
    'error.answered': 'That question was already answered',
    'error.qa_full': 'The question list is full',
    'qa.heading': 'Questions',
    'qa.label': 'Your question',
    'qa.placeholder': 'Ask the speakers…',
    'qa.ask': 'Ask',
    'qa.empty': 'No questions yet. Ask the first one!',
    'qa.vote': (text, n) => `Vote for “${text}”, ${n} ${n === 1 ? 'vote' : 'votes'}`,
    'qa.voted': (text, n) => `You voted for “${text}”, ${n} ${n === 1 ? 'vote' : 'votes'}`,
    'qa.answered': 'Answered',
    'qa.markAnswered': 'Mark answered',
    'qa.remove': 'Remove',
    'qa.markAnsweredLabel': (text) => `Mark “${text}” as answered`,
    'qa.removeLabel': (text) => `Remove the question “${text}”`,
    'qa.unsupported': 'Questions are not open on this server yet.',
  },
  zh: {
    'lang.toggle': 'EN',
    'lang.toggleLabel': 'Show the page in English',
    'conn.connecting': '连接中…',
    'conn.live': '已连接',
    'conn.reconnecting': '重新连接中…',
    'conn.gone': '未直播',
    'state.live': '直播中',
    'state.starting': '即将开始',
    'state.waiting': '等待开播',
    'state.reconnecting': '信号中断',
    'state.ended': '已结束',
    'viewers': (n) => `${n.toLocaleString('zh-CN')} 人在看`,
    'video.connecting': '正在连接直播…',
    'video.waiting': '正在等待视频…',
    'video.tap': '点击视频开始播放',
    'video.unsupported': '此浏览器无法播放直播视频',
    'video.ended': '直播已结束，感谢观看！',
    'video.unmute': '点击开启声音',
    'brand.label': 'livegate：全部直播',
    'embed.open': '打开完整页面（含聊天）↗',
    'program.heading': '主题演讲介绍',
    'program.speakers': '演讲嘉宾',
    'program.agenda': '议程',
    'program.now': '进行中',
    'chat.newLines': (n) => `${n} 条新消息 ↓`,
    'shop.limit': (n) => `每人限购 ${n} 件`,
    'video.gone': '该直播不存在或已结束。',
    'shop.heading': '直播好物',
    'shop.left': (n) => `剩 ${n.toLocaleString('zh-CN')} 件`,
    'shop.sold': (n) => `已售 ${n.toLocaleString('zh-CN')}`,
    'shop.soldOut': '已售罄',
    'shop.buy': '立即购买',
    'shop.buying': '下单中…',
    'shop.pinned': '主推',
    'shop.buyLabel': (title, price) => `购买 ${title}，${price}`,
    'order.ok': (id) => `下单成功 · #${id}`,
    'order.soldOut': '已售罄',
    'order.invalid': '订单未被接受',
    'order.slow': '正在确认订单…',
    'chat.heading': '直播聊天',
    'chat.name': '昵称',
    'chat.message': '消息',
    'chat.placeholder': '问问卖家…',
    'chat.placeholderKeynote': '说点什么…',
    'chat.send': '发送',
    'chat.offline': '尚未连接，请稍后再试',
    'chat.badName': '昵称为 1 到 32 个字符',
    'chat.you': '我',
    'chat.pending': '发送中…',
    'chat.pendingHint': '已在此显示，服务器将尽快保存',
    'home.title': '正在直播',
    'home.tagline': '边看边聊边买',
    'home.empty': '现在没有直播，稍后再来看看！',
    'golive.heading': '用摄像头开播',
    'golive.key': '推流密钥',
    'golive.start': '开始直播',
    'golive.stop': '结束',
    'golive.idle': '仅在直播时使用你的摄像头和麦克风。',
    'golive.camera': '正在请求摄像头…',
    'golive.noCamera': '没有摄像头：请在浏览器中允许摄像头访问后重试。',
    'golive.connecting': '正在连接 livegate…',
    'golive.live': '你正在直播，观众几秒后即可看到。',
    'golive.lost': '连接已断开。点击“开始直播”继续同一场直播。',
    'golive.ended': '你已在此页面结束推流。',
    'golive.refused': (why) => `livegate 拒绝了请求：${why}`,
    'home.error': '无法加载直播列表，正在重试…',
    'quality.label': '清晰度',
    'quality.auto': '自动',
    'quality.autoNow': (name) => `自动（${name}）`,
    'viewers.unique': (n) => `累计 ${n.toLocaleString('zh-CN')} 人观看`,
    'conn.removed': '已移出',
    'time.seconds': (n) => `${n} 秒`,
    'time.minutes': (n) => `${n} 分钟`,
    'role.moderator': '房管',
    'role.seller': '卖家',
    'role.you': (role, name) => `${role}：${name}`,
    'chat.pinned': '置顶',
    'chat.unpinLabel': '取消置顶这条消息',
    'chat.slowOn': (s) => `慢速模式：每 ${s} 秒可发一条`,
    'chat.slowLabel': '慢速模式',
    'chat.slowOff': '关闭',
    'chat.wait': (w) => `等待 ${w}`,
    'chat.waitLabel': (w) => `发送，${w}后可再发`,
    'chat.removed': '你已被移出本聊天室',
    'chat.removedHint': '你仍可以继续观看直播。',
    'chat.unmuted': '你可以继续发言了',
    'chat.actions': (name) => `管理 ${name} 的消息`,
    'mod.delete': '删除',
    'mod.pin': '置顶',
    'mod.unpin': '取消置顶',
    'mod.mute': '禁言 5 分钟',
    'mod.ban': '封禁',
    'mod.banConfirm': (name) => `确定将 ${name} 移出聊天室？`,
    'mod.cancel': '取消',
    'mod.muted': (name, w) => `${name} 已被禁言 ${w}`,
    'mod.banned': (name) => `${name} 已被移出聊天室`,
    'mod.unbanned': (name) => `${name} 已恢复发言`,
    'mod.undo': '撤销',
    'mod.undoLabel': (name) => `恢复 ${name} 的发言`,
    'deal.flash': '限时秒杀',
    'deal.buy': '立即抢购',
    'deal.soldOut': '秒杀已抢光',
    'deal.left': (n) => `秒杀价剩 ${n.toLocaleString('zh-CN')} 件`,
    'deal.startsIn': (c) => `${c} 后开始`,
    'error.limit_reached': '已达到每人限购数量',
    'error.deal_ended': '秒杀已结束',
    'error.deal_not_started': '秒杀尚未开始',
    'error.deal_sold_out': '秒杀已抢光',
    'error.unknown_sku': '该商品已下架',
    'error.rate_limited': (w) => `发送太快了，请 ${w}后再试。`,
    'error.slow_mode': (w) => `慢速模式已开启，${w}后可再发送。`,
    'error.muted': (w) => `你已被房管禁言，${w}后可再发言。`,
    'error.banned': '你已被移出本聊天室',
    'error.forbidden': '只有卖家和房管可以这样做',
    'error.bad_token': '此管理链接已失效，你正以游客身份聊天。',
    'error.flooding': '消息太多了，几秒后重新连接…',
    'error.too_many_connections': '你所在网络打开的聊天太多，几秒后重试…',
    'error.server_full': '聊天室已满，几秒后重试…',
    'error.unknown_line': '这条消息已不在聊天中',
    'error.too_long': '内容太长了',
    'error.unavailable': '没有发送成功，请再试一次。',
    'error.already_voted': '你已经为这个问题投过票了',
    'error.unknown_question': '这个问题已被删除',
    'error.answered': '这个问题已经回答过了',
    'error.qa_full': '问题列表已满',
    'qa.heading': '观众提问',
    'qa.label': '你的问题',
    'qa.placeholder': '向嘉宾提问…',
    'qa.ask': '提问',
    'qa.empty': '还没有问题，来问第一个吧！',
    'qa.vote': (text, n) => `为“${text}”投票，现有 ${n} 票`,
    'qa.voted': (text, n) => `你已为“${text}”投票，现有 ${n} 票`,
    'qa.answered': '已回答',
    'qa.markAnswered': '标为已回答',
    'qa.remove': '删除',
    'qa.markAnsweredLabel': (text) => `将“${text}”标为已回答`,
    'qa.removeLabel': (text) => `删除问题“${text}”`,
    'qa.unsupported': '此服务器暂未开放提问。',
  },
};

const listeners = new Set();
let current = pickInitial();

function pickInitial() {
  // ?lang=zh or ?lang=en (shared links, the embed snippet's data-lang) wins over memory.
  const asked = new URLSearchParams(location.search).get('lang');
  if (asked && STRINGS[asked]) return asked;
  const saved = stored('local', 'livegate.lang');
  if (saved && STRINGS[saved]) return saved;
  return (navigator.language || 'en').toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

export function lang() {
  return current;
}

export function t(key, ...args) {
  const value = STRINGS[current][key] ?? STRINGS.en[key] ?? key;
  return typeof value === 'function' ? value(...args) : value;
}

// A wait as people read it: "9 s", "5 min", "4:59" (minutes and seconds).
export function waitText(ms) {
  const total = Math.max(1, Math.ceil(ms / 1000));
  if (total < 60) return t('time.seconds', total);
  if (total % 60 === 0) return t('time.minutes', total / 60);
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

// An error frame in the viewer's language, by code; the server's own words when the code is one
// this page does not know.
export function errorText(error) {
  const key = `error.${error?.code}`;
  if (!(key in STRINGS.en)) return error?.message || error?.code || 'error';
  return t(key, waitText(error.retry_after_ms ?? 0));
}

export function productTitle(product) {
  return current === 'zh' && product.title_zh ? product.title_zh : product.title;
}

export function setLang(next) {
  if (!STRINGS[next] || next === current) return;
  current = next;
  store('local', 'livegate.lang', next);
  applyStatic();
  for (const fn of listeners) fn(next);
}

// A page's own strings (the studio's, the keynote's), merged into the shared table so t() finds
// them; each page module calls this once at load, before it renders.
export function addStrings(table) {
  for (const [language, strings] of Object.entries(table)) {
    if (STRINGS[language]) Object.assign(STRINGS[language], strings);
  }
}

export function onLangChange(fn) {
  listeners.add(fn);
}

// Fills every element marked data-i18n (text) or data-i18n-placeholder / data-i18n-label.
export function applyStatic(root = document) {
  document.documentElement.lang = current === 'zh' ? 'zh-CN' : 'en';
  for (const node of root.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of root.querySelectorAll('[data-i18n-placeholder]')) node.placeholder = t(node.dataset.i18nPlaceholder);
  for (const node of root.querySelectorAll('[data-i18n-label]')) node.setAttribute('aria-label', t(node.dataset.i18nLabel));
}

// The header's language button.
export function bindToggle(button) {
  button.addEventListener('click', () => setLang(current === 'en' ? 'zh' : 'en'));
}
