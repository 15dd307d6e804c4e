// One toast at a time. The element stays in the page (an aria-live region that is always
// there is what screen readers announce reliably); it fades in and out with a class.
let hideTimer = 0;
let clearTimer = 0;

export function toast(text, kind = 'info', ms = 4000) {
  const box = document.getElementById('toast');
  clearTimeout(hideTimer);
  clearTimeout(clearTimer);
  box.textContent = text;
  box.dataset.kind = kind;
  box.classList.add('show');
  hideTimer = setTimeout(() => {
    box.classList.remove('show');
    clearTimer = setTimeout(() => { box.textContent = ''; }, 300);
  }, ms);
}
