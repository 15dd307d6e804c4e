// The seller studio (/studio): sign in with the seller token, then run a broadcast from one
// page: go live, products, pins and flash deals, the live dashboard, chat moderation and the
// embed snippets. This file only wires the panels (studio-*.js, one job each) to the selected
// broadcast and to the language; each panel talks to the REST API itself (studio-api.js).
import './strings-studio.js';  // first: the studio's strings must be there before anything renders
import { t, applyStatic, bindToggle, onLangChange, productTitle } from './i18n.js';
import { Auth } from './studio-auth.js';
import { Broadcasts, stateText } from './studio-broadcasts.js';
import { PublishPanel, loadPublishPattern } from './studio-publish.js';
import { GoLive } from './studio-golive.js';
import { Products } from './studio-products.js';
import { Deals } from './studio-deals.js';
import { Dashboard } from './studio-dashboard.js';
import { StudioChat } from './studio-chat.js';
import { Embed } from './studio-embed.js';
import { sellerChatToken } from './studio-api.js';
import { toast } from './toast.js';

const $ = (id) => document.getElementById(id);

let current = null;  // the selected broadcast (from GET /api/broadcasts), or null

const publish = new PublishPanel($('publish'), $('rotate-key'), () => goLive.render());
const goLive = new GoLive({
  previewBox: $('preview-box'), previewStatus: $('preview-status'), cameraBox: $('camera-box'),
  cameraVideo: $('camera-video'), button: $('camera'), status: $('camera-status'),
});
const products = new Products({
  list: $('products'), status: $('products-status'), form: $('product-form'), formTitle: $('product-form-title'),
  formStatus: $('product-form-status'), cancel: $('product-cancel'),
}, {
  onDeal: (p) => deals.prefill(p),
  mediaMs: () => goLive.playingDate(),
  onChange: (list) => deals.setProducts(list),
});
const titleOf = (sku) => {
  const p = products.product(sku);
  return p ? productTitle(p) : '';
};
const deals = new Deals({ list: $('deals'), form: $('deal-form'), formStatus: $('deal-form-status'), sku: $('deal-sku') }, titleOf);
const dashboard = new Dashboard({
  gmv: $('kpi-gmv'), gmvCny: $('kpi-gmv-cny'), orders: $('kpi-orders'), viewers: $('kpi-viewers'),
  units: $('units'), chart: $('chart'), funnel: $('funnel'), status: $('dash-status'),
}, (sku) => products.product(sku));
const embed = new Embed($('embed'));

// The room socket's events reach the shop panels as well as the chat.
const chat = new StudioChat({
  panel: $('chat-card'), list: $('chat-list'), notice: $('chat-notice'), note: $('chat-readonly'),
  form: $('chat-form'), input: $('chat-input'), slowIndicator: $('slow-indicator'),
  slowControl: $('slow-control'), slowSelect: $('slow-select'), pinned: $('pinned'), conn: $('chat-conn'),
}, {
  onWelcome(room) {
    dashboard.setRate(room.cny_per_usd);
    if (room.pinned !== undefined) products.setPinned(room.pinned ?? null);
    if (Array.isArray(room.deals)) deals.snapshot(room.deals, room.now);
  },
  onEvent(e) {
    switch (e.type) {
      case 'stock': products.stock(e.sku, e.remaining, e.sold); break;
      case 'product': products.upsert(e.sku, e.product, e.stock, e.sold); break;
      case 'pin': products.setPinned(e.sku ?? null); break;
      case 'deal': deals.update(e); break;
      case 'deal_stock': deals.remaining(e.id, e.remaining); break;
      default: break;
    }
  },
});

const broadcasts = new Broadcasts({
  list: $('bc-list'), status: $('bc-status'), form: $('bc-form'), formStatus: $('bc-form-status'), end: $('end-broadcast'),
}, select);

// A broadcast was picked (or its state changed, or it went away: null).
function select(b) {
  const switched = b?.id !== current?.id;
  current = b;
  const sale = b?.mode === 'sale';
  $('none-hint').hidden = Boolean(b);
  $('live-card').hidden = !b;
  $('chat-card').hidden = !b;
  $('embed-card').hidden = !b;
  $('keynote-note').hidden = !b || sale;
  for (const id of ['dash-card', 'products-card', 'deals-card']) $(id).hidden = !sale;
  showHeader();
  publish.show(b);
  goLive.show(b);
  embed.show(b);
  if (!switched) return;
  chat.show(b);
  products.show(sale ? b.id : null);
  deals.show(sale ? b.id : null);
  dashboard.show(sale ? b.id : null);
}

// The viewer (or keynote) page in a new tab, signed in as the seller with a chat token: the
// seller's badge in the chat, and the staff tools there, e.g. marking keynote questions answered.
$('host-link').addEventListener('click', async () => {
  const b = current;
  if (!b) return;
  const tab = window.open('', '_blank');  // now, while the click still counts as the user's
  try {
    const token = await sellerChatToken(b, (b.seller || b.title).slice(0, 64));
    tab.location = `${$('watch-link').getAttribute('href')}#token=${encodeURIComponent(token)}`;
  } catch (e) {
    tab?.close();
    toast(e.message, 'warn');
  }
});

function showHeader() {
  const b = current;
  if (!b) return;
  $('live-title').textContent = b.title;
  const badge = $('live-state');
  badge.dataset.state = b.state;
  badge.textContent = stateText(b.state);
  const link = $('watch-link');
  link.href = `/${b.mode === 'keynote' ? 'keynote' : 'watch'}/${encodeURIComponent(b.id)}`;
  document.title = `${b.title} · ${t('studio.title')} · livegate`;
}

// ---- signing in and out ---------------------------------------------------------------------

function signedIn(on) {
  $('signin').hidden = on;
  $('studio').hidden = !on;
  $('signed-in').hidden = !on;
  $('sign-out').hidden = !on;
}

const auth = new Auth({
  form: $('signin-form'), input: $('token'), button: $('signin-button'), demo: $('demo-login'),
  demoHint: $('demo-hint'), status: $('signin-status'),
}, () => {
  signedIn(true);
  broadcasts.start();
  loadPublishPattern().then(() => publish.render());
  $('studio').focus();
});

$('sign-out').addEventListener('click', () => {
  auth.signOut();
  broadcasts.stop();
  select(null);
  chat.stop();
  signedIn(false);
  $('token').focus();
});

// ---- language -------------------------------------------------------------------------------

bindToggle($('lang'));
onLangChange(() => {
  auth.render();
  broadcasts.render();
  showHeader();
  publish.render();
  goLive.render();
  products.render();
  deals.setProducts(products.products);
  deals.render();
  dashboard.render();
  chat.render();
  embed.render();
});
applyStatic();
if (!(await auth.resume())) signedIn(false);
