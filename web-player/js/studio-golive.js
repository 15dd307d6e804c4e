// The studio's video: "Go live with camera" (WHIP, whip-publisher.js, with the stream key this
// tab knows) and a preview of what viewers see (the broadcast's HLS through player.js), so the
// seller watches the same picture, delay included, that buyers react to.
import { el } from './dom.js';
import { t } from './i18n.js';
import { startPlayer } from './player.js';
import { publish } from './whip-publisher.js';
import { knownKey } from './studio-publish.js';

const VIDEO_STATUS = {
  connecting: 'video.connecting',
  'waiting-for-video': 'video.waiting',
  'tap-to-play': 'video.tap',
  unsupported: 'video.unsupported',
};

export class GoLive {
  // ui: { previewBox, previewStatus, camera, cameraBox, cameraVideo, button, status }
  constructor(ui) {
    this.ui = ui;
    this.broadcast = null;
    this.player = null;
    this.video = null;
    this.videoState = 'connecting';
    this.session = null;
    this.stream = null;
    this.status = ['golive.idle'];
    this.statusKind = '';
    ui.button.addEventListener('click', () => (this.session || this.starting ? this.stopCamera(true) : this.startCamera()));
    window.addEventListener('pagehide', () => this.session?.stop());
  }

  // The program date-time on the preview (ms), for pins stamped with what the seller sees.
  playingDate() {
    return this.player?.playingDate?.getTime?.() ?? null;
  }

  show(broadcast) {
    const changed = broadcast?.id !== this.broadcast?.id;
    this.broadcast = broadcast;
    if (changed) {
      this.stopCamera(false);
      this.say('', 'golive.idle');
      this.startPreview();
    }
    this.render();
  }

  // A new <video> per broadcast: player.js adds listeners to the element it gets.
  startPreview() {
    this.player?.destroy?.();
    this.player = null;
    this.video?.remove();
    this.video = null;
    const b = this.broadcast;
    if (!b?.hls) return;
    this.video = el('video', { 'data-testid': 'preview-video', muted: true, autoplay: true, playsinline: true, controls: true,
      'aria-label': t('live.preview') });
    this.ui.previewBox.prepend(this.video);
    this.videoState = 'connecting';
    this.player = startPlayer(this.video, b.hls, (state) => {
      this.videoState = state;
      this.renderPreviewStatus();
    });
  }

  renderPreviewStatus() {
    const ended = this.broadcast?.state === 'ended';
    const key = ended ? 'video.ended' : VIDEO_STATUS[this.videoState];
    this.ui.previewStatus.textContent = key ? t(key) : '';
    this.ui.previewStatus.hidden = !key;
  }

  async startCamera() {
    const b = this.broadcast;
    const key = b && knownKey(b.id);
    if (!key) return this.say('error', 'live.cameraNeedsKey');
    this.starting = true;
    this.render();
    try {
      this.say('', 'golive.camera');
      this.stream = await navigator.mediaDevices.getUserMedia({
        video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } }, audio: true,
      });
      this.ui.cameraVideo.srcObject = this.stream;
      this.ui.cameraBox.hidden = false;
      this.say('', 'golive.connecting');
      this.session = await publish(key, this.stream, {
        onState: (state) => {
          if (state === 'connected') this.say('live', 'golive.live');
          if (state === 'failed' || state === 'disconnected') {
            this.say('error', 'golive.lost');
            this.stopCamera(false);
          }
        },
      });
    } catch (e) {
      this.releaseCamera();
      if (e.name === 'NotAllowedError' || e.name === 'NotFoundError') this.say('error', 'golive.noCamera');
      else this.say('error', 'golive.refused', e.message);
    } finally {
      this.starting = false;
      this.render();
    }
    return undefined;
  }

  async stopCamera(byUser) {
    const session = this.session;
    this.session = null;
    this.releaseCamera();
    this.render();
    if (session) await session.stop();
    if (byUser) this.say('', 'live.cameraStopped');
  }

  releaseCamera() {
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = null;
    this.ui.cameraVideo.srcObject = null;
    this.ui.cameraBox.hidden = true;
  }

  say(kind, key, ...args) {
    this.status = [key, ...args];
    this.statusKind = kind;
    this.ui.status.dataset.kind = kind;
    this.ui.status.textContent = t(key, ...args);
  }

  render() {
    const b = this.broadcast;
    const onAir = Boolean(this.session || this.starting);
    this.ui.button.textContent = t(onAir ? 'live.cameraStop' : 'live.camera');
    this.ui.button.classList.toggle('on', onAir);
    this.ui.button.disabled = !b || b.state === 'ended';
    this.ui.status.textContent = t(...this.status);
    this.video?.setAttribute('aria-label', t('live.preview'));
    this.renderPreviewStatus();
  }
}
