// Money as shoppers read it. Prices travel as integer cents: 3499 -> "$34.99".
const formats = new Map();

export function money(cents, currency = 'USD') {
  if (!formats.has(currency)) {
    formats.set(currency, new Intl.NumberFormat('en-US', { style: 'currency', currency }));
  }
  return formats.get(currency).format((Number(cents) || 0) / 100);
}
