// Live video starts muted (browsers only autoplay muted video), so a clear "Tap to unmute" sits
// on the playing video until the viewer turns the sound on, here or in the video's controls.
export function attachUnmute(video, button) {
  const paint = () => { button.hidden = !(video.muted && !video.paused && video.readyState >= 2); };
  button.addEventListener('click', () => {
    video.muted = false;
    if (video.volume === 0) video.volume = 1;
    video.play().catch(() => {});
    paint();
  });
  for (const event of ['volumechange', 'playing', 'pause', 'emptied']) video.addEventListener(event, paint);
  paint();
}
