// English and Chinese UI strings. The language is the viewer's choice (header toggle, kept in
// localStorage), else the browser's. Product titles switch to title_zh where a product has one.
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
    'state.reconnecting': 'RECONNECTING',
    'state.ended': 'ENDED',
    'viewers': (n) => `${n.toLocaleString('en-US')} watching`,
    'video.connecting': 'Connecting to the broadcast…',
    'video.waiting': 'Waiting for the video…',
    'video.tap': 'Tap the video to play',
    'video.unsupported': 'This browser cannot play live video',
    'video.ended': 'This broadcast has ended. Thanks for watching!',
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
    'chat.send': 'Send',
    'chat.offline': 'Not connected yet, try again in a moment',
    'chat.badName': 'Names are 1 to 32 characters',
    'chat.you': 'you',
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
    'state.reconnecting': '信号中断',
    'state.ended': '已结束',
    'viewers': (n) => `${n.toLocaleString('zh-CN')} 人在看`,
    'video.connecting': '正在连接直播…',
    'video.waiting': '正在等待视频…',
    'video.tap': '点击视频开始播放',
    'video.unsupported': '此浏览器无法播放直播视频',
    'video.ended': '直播已结束，感谢观看！',
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
    'chat.send': '发送',
    'chat.offline': '尚未连接，请稍后再试',
    'chat.badName': '昵称为 1 到 32 个字符',
    'chat.you': '我',
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
  },
};

const listeners = new Set();
let current = pickInitial();

function pickInitial() {
  const saved = localStorage.getItem('livegate.lang');
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

export function productTitle(product) {
  return current === 'zh' && product.title_zh ? product.title_zh : product.title;
}

export function setLang(next) {
  if (!STRINGS[next] || next === current) return;
  current = next;
  localStorage.setItem('livegate.lang', next);
  applyStatic();
  for (const fn of listeners) fn(next);
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
