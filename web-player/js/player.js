// The video: hls.js where MSE exists (Chromium, Firefox), native HLS on Safari. The playlist
// appears a few seconds after a broadcast starts, so network errors are retried every second.
export function startPlayer(video, src, onStatus) {
  const Hls = window.Hls;
  video.addEventListener('playing', () => onStatus('playing'));
  video.addEventListener('waiting', () => onStatus('buffering'));

  if (Hls && Hls.isSupported()) {
    const hls = new Hls({
      liveSyncDurationCount: 2,       // stay close to the live edge: chat and deals are live
      liveMaxLatencyDurationCount: 5,
      lowLatencyMode: true,
      backBufferLength: 30,
      manifestLoadingMaxRetry: 0,     // we retry ourselves, forever, below
    });
    let retry = 0;
    hls.on(Hls.Events.MANIFEST_PARSED, () => {
      video.play().catch(() => onStatus('tap-to-play'));
    });
    hls.on(Hls.Events.ERROR, (_event, data) => {
      if (!data.fatal) return;
      if (data.type === Hls.ErrorTypes.MEDIA_ERROR) {
        hls.recoverMediaError();
        return;
      }
      onStatus('waiting-for-video');
      clearTimeout(retry);
      retry = setTimeout(() => hls.loadSource(src), 1000);
    });
    hls.loadSource(src);
    hls.attachMedia(video);
    return hls;
  }
  if (video.canPlayType('application/vnd.apple.mpegurl')) {
    video.src = src;
    video.addEventListener('error', () => {
      onStatus('waiting-for-video');
      setTimeout(() => { video.src = src; video.play().catch(() => {}); }, 1000);
    });
    video.play().catch(() => onStatus('tap-to-play'));
    return null;
  }
  onStatus('unsupported');
  return null;
}
