// The viewer page inside another site's iframe (/embed/{id}): the player and shop only, a link
// to the full page (chat lives there), and the page's height told to the host so the frame fits.
export function isEmbedded() {
  return location.pathname.split('/').filter(Boolean)[0] === 'embed';
}

export function startEmbedFrame(broadcastId, link) {
  document.body.classList.add('embed');
  link.href = `/watch/${encodeURIComponent(broadcastId)}`;
  link.hidden = false;
  if (window.parent === window) return;
  let last = 0;
  const report = () => {
    const height = document.documentElement.scrollHeight;
    if (height === last) return;
    last = height;
    // '*': the host page's origin is not known here, and a height is no secret.
    window.parent.postMessage({ livegate: 'height', height }, '*');
  };
  new ResizeObserver(report).observe(document.body);
  report();
}
