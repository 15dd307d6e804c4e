// One toast at a time, announced to screen readers (the element is aria-live).
let timer = 0;

export function toast(text, kind = 'info', ms = 4000) {
  const box = document.getElementById('toast');
  box.textContent = text;
  box.dataset.kind = kind;
  box.hidden = false;
  clearTimeout(timer);
  timer = setTimeout(() => { box.hidden = true; }, ms);
}
