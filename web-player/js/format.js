// Money and counts as shoppers read them. Prices travel as integer cents.
const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

export function money(cents) {
  return usd.format(cents / 100);
}

export function count(n, one, many) {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}
