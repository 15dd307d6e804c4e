// The embed snippet for other sites: <script src="https://live.example/embed.js"
// data-broadcast="washington-apple" async></script> puts the player and shop of that broadcast
// where the script tag is, in an iframe from livegate (the page's own scripts and styles cannot
// touch it, nor it theirs). Optional: data-lang="zh" or "en", data-title (the frame's accessible
// name). The frame tells us its height, so the host page never shows a second scrollbar.
(function embedLivegate() {
  const script = document.currentScript;
  const id = script && script.dataset.broadcast;
  if (!id) {
    console.error('livegate embed: add data-broadcast="<broadcast id>" to the script tag');
    return;
  }
  const origin = new URL(script.src, location.href).origin;
  const src = new URL(`/embed/${encodeURIComponent(id)}`, origin);
  if (script.dataset.lang) src.searchParams.set('lang', script.dataset.lang);

  const frame = document.createElement('iframe');
  frame.src = src.href;
  frame.title = script.dataset.title || 'Live video and shop';
  frame.allow = 'autoplay; fullscreen; clipboard-write';
  frame.allowFullscreen = true;
  frame.loading = 'lazy';
  frame.setAttribute('data-livegate-embed', id);
  // Until the frame says how tall it is: a 16:9 video plus room for the shop.
  frame.style.cssText = 'display:block;width:100%;max-width:1100px;height:640px;border:0;border-radius:14px;overflow:hidden;';
  script.after(frame);

  window.addEventListener('message', (event) => {
    if (event.origin !== origin || event.source !== frame.contentWindow) return;
    const data = event.data;
    if (data && data.livegate === 'height' && Number.isFinite(data.height) && data.height > 0) {
      frame.style.height = `${Math.min(Math.ceil(data.height), 4000)}px`;
    }
  });
})();
