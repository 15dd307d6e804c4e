// The video: hls.js where MSE exists (Chromium, Firefox), native HLS on Safari. The playlist
// appears a few seconds after a broadcast starts, so network errors are retried every second,
// for as long as the page is open.
const RETRY_MS = 1000;

export function startPlayer(video, src, onStatus) {
  const Hls = window.Hls;
  video.muted = true;  // autoplay is allowed muted; the viewer unmutes with the controls
  video.addEventListener('playing', () => onStatus('playing'));
  video.addEventListener('waiting', () => onStatus('buffering'));
  const play = () => video.play().catch(() => onStatus('tap-to-play'));

  if (Hls && Hls.isSupported()) {
    const hls = new Hls({
      lowLatencyMode: true,            // uses LL-HLS parts when the playlist has them
      liveSyncDurationCount: 2,        // otherwise stay ~2 segments from the live edge:
      liveMaxLatencyDurationCount: 6,  // chat and deals are live
      maxLiveSyncPlaybackRate: 1.1,    // catch up gently instead of jumping
      backBufferLength: 30,
      manifestLoadingMaxRetry: 0,      // we retry ourselves, forever, below
      levelLoadingMaxRetry: 2,
      fragLoadingMaxRetry: 3,
    });
    let retry = 0;
    let mediaErrors = 0;
    hls.on(Hls.Events.MANIFEST_PARSED, play);
    hls.on(Hls.Events.FRAG_BUFFERED, () => { mediaErrors = 0; });
    hls.on(Hls.Events.ERROR, (_event, data) => {
      if (!data.fatal) return;
      if (data.type === Hls.ErrorTypes.MEDIA_ERROR && mediaErrors++ < 3) {
        if (mediaErrors === 2) hls.swapAudioCodec();
        hls.recoverMediaError();
        return;
      }
      // Network errors (playlist not there yet, server restarting) and media errors that did
      // not recover: start over from the playlist a second later.
      const rebuildMedia = data.type === Hls.ErrorTypes.MEDIA_ERROR;
      onStatus('waiting-for-video');
      clearTimeout(retry);
      retry = setTimeout(() => {
        if (rebuildMedia) {
          mediaErrors = 0;
          hls.detachMedia();
          hls.attachMedia(video);
        }
        hls.loadSource(src);
      }, RETRY_MS);
    });
    hls.loadSource(src);
    hls.attachMedia(video);
    return hls;
  }
  if (video.canPlayType('application/vnd.apple.mpegurl')) {
    video.src = src;
    video.addEventListener('loadedmetadata', play);
    video.addEventListener('error', () => {
      onStatus('waiting-for-video');
      setTimeout(() => { video.src = src; video.load(); }, RETRY_MS);
    });
    return null;
  }
  onStatus('unsupported');
  return null;
}
