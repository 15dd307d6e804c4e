// Go live from the browser: camera + microphone → WHIP → the broadcast whose stream key is given.
// The key comes from the form (or ?key= from the studio) and is never stored.
import { applyStatic, bindToggle, onLangChange, t } from './i18n.js';
import { publish } from './whip-publisher.js';

const form = document.getElementById('golive-form');
const keyInput = document.getElementById('key');
const startButton = document.getElementById('start');
const stopButton = document.getElementById('stop');
const preview = document.getElementById('preview');
const onAir = document.getElementById('onair');
const status = document.getElementById('status');

const params = new URLSearchParams(location.search);
// ?codec=vp8 or ?codec=h264 offers only that video codec (for tests and picky networks).
const CODECS = { vp8: 'video/VP8', h264: 'video/H264' };

let session = null;
let stream = null;
let statusKey = ['golive.idle'];

function say(kind, key, ...args) {
  statusKey = [key, ...args];
  status.dataset.kind = kind;
  status.textContent = t(key, ...args);
}

function setLive(live) {
  onAir.hidden = !live;
  onAir.dataset.state = live ? 'live' : 'starting';
  startButton.disabled = live;
  stopButton.disabled = !live;
  keyInput.disabled = live;
}

async function camera() {
  if (stream) return stream;
  stream = await navigator.mediaDevices.getUserMedia({
    video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } },
    audio: true,
  });
  preview.srcObject = stream;
  return stream;
}

async function start() {
  setLive(true);
  try {
    say('', 'golive.camera');
    const media = await camera();
    say('', 'golive.connecting');
    session = await publish(keyInput.value.trim(), media, {
      videoCodec: CODECS[params.get('codec')],
      onState(state) {
        if (state === 'connected') say('live', 'golive.live');
        if (state === 'failed' || state === 'disconnected') {
          say('error', 'golive.lost');
          stop(false);
        }
      },
    });
  } catch (e) {
    setLive(false);
    session = null;
    if (e.name === 'NotAllowedError' || e.name === 'NotFoundError') say('error', 'golive.noCamera');
    else say('error', 'golive.refused', e.message);
  }
}

async function stop(byUser = true) {
  const current = session;
  session = null;
  setLive(false);
  if (current) await current.stop();
  if (byUser) say('', 'golive.ended');
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  if (!session) start();
});
stopButton.addEventListener('click', () => stop(true));
window.addEventListener('pagehide', () => session?.stop());

if (params.get('key')) keyInput.value = params.get('key');
bindToggle(document.getElementById('lang'));
applyStatic();
say("", "golive.idle");
onLangChange(() => {
  applyStatic();
  status.textContent = t(...statusKey);
});
