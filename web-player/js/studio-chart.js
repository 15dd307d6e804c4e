// A small SVG bar chart of orders per minute over the last 30 minutes, drawn by hand (no chart
// library): one bar per minute, a guide line at the peak, "30 min ago" and "now" under it. For
// screen readers the whole chart is one image with a sentence (total and peak); each bar also
// has a <title> for mouse users.
import { t } from './i18n.js';

const NS = 'http://www.w3.org/2000/svg';
const MINUTES = 30;
const W = 300;
const H = 90;
const TOP = 12;     // room for the peak label
const BOTTOM = 16;  // room for the time labels

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

// minutes: [{t: minute start (ms), orders}], now: the server's clock (ms). Returns the counts
// per minute, oldest first, with empty minutes as 0.
export function lastMinutes(minutes, now, field = 'orders') {
  const last = Math.floor(now / 60000);
  const counts = new Array(MINUTES).fill(0);
  for (const m of minutes ?? []) {
    const i = MINUTES - 1 - (last - Math.floor(m.t / 60000));
    if (i >= 0 && i < MINUTES) counts[i] += Number(m[field]) || 0;
  }
  return counts;
}

export function drawChart(root, minutes, now) {
  const counts = lastMinutes(minutes, now);
  const peak = Math.max(0, ...counts);
  const total = counts.reduce((a, b) => a + b, 0);
  const scale = Math.max(peak, 1);
  const plot = H - TOP - BOTTOM;
  const step = W / MINUTES;
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': t('dash.chartLabel', total, peak),
    class: 'chart', 'data-testid': 'orders-chart', preserveAspectRatio: 'none' });
  chart.append(svg('line', { x1: 0, x2: W, y1: H - BOTTOM + 0.5, y2: H - BOTTOM + 0.5, class: 'chart-axis' }));
  if (peak > 0) {
    chart.append(svg('line', { x1: 0, x2: W, y1: TOP + 0.5, y2: TOP + 0.5, class: 'chart-guide' }),
      svg('text', { x: 2, y: TOP - 3, class: 'chart-label' }, String(peak)));
  }
  counts.forEach((n, i) => {
    const h = (n / scale) * plot;
    const ago = MINUTES - 1 - i;
    const bar = svg('rect', { x: i * step + 1, y: H - BOTTOM - h, width: step - 2, height: Math.max(h, n > 0 ? 1 : 0),
      rx: 1.5, class: ago === 0 ? 'chart-bar now' : 'chart-bar' });
    bar.append(svg('title', {}, t('dash.barTitle', n, ago === 0 ? t('dash.now') : t('dash.minAgo', ago))));
    chart.append(bar);
  });
  chart.append(svg('text', { x: 0, y: H - 3, class: 'chart-label' }, t('dash.minAgo', MINUTES)),
    svg('text', { x: W, y: H - 3, class: 'chart-label', 'text-anchor': 'end' }, t('dash.now')));
  root.replaceChildren(chart);
}
