// A WHIP client (RFC 9725): publishes a MediaStream to POST /whip/<stream key>. Non-trickle:
// the offer is sent once ICE gathering is complete, so it carries every candidate, and the
// answer carries the server's. stop() DELETEs the session resource.
const GATHER_TIMEOUT_MS = 5000;

function gatheringComplete(pc) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, GATHER_TIMEOUT_MS);  // send what we have
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState === 'complete') {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

export class WhipError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// Puts the codec with this MIME type (e.g. 'video/VP8') first in the offer, when the browser has it.
function preferCodec(transceiver, mimeType) {
  const codecs = RTCRtpSender.getCapabilities?.(transceiver.sender.track.kind)?.codecs ?? [];
  const wanted = codecs.filter((c) => c.mimeType.toLowerCase() === mimeType.toLowerCase());
  if (wanted.length && transceiver.setCodecPreferences) transceiver.setCodecPreferences(wanted);
}

// videoCodec: optional MIME type to offer alone (livegate takes 'video/H264' and 'video/VP8').
export async function publish(streamKey, stream, { onState = () => {}, videoCodec } = {}) {
  const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
  for (const track of stream.getTracks()) {
    const transceiver = pc.addTransceiver(track, { direction: 'sendonly', streams: [stream] });
    if (track.kind === 'video' && videoCodec) preferCodec(transceiver, videoCodec);
  }
  pc.addEventListener('connectionstatechange', () => onState(pc.connectionState));
  await pc.setLocalDescription(await pc.createOffer());
  await gatheringComplete(pc);
  const response = await fetch(`/whip/${encodeURIComponent(streamKey)}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/sdp' },
    body: pc.localDescription.sdp,
  });
  if (response.status !== 201) {
    let message = `HTTP ${response.status}`;
    try {
      message = (await response.json()).error || message;
    } catch { /* not JSON */ }
    pc.close();
    throw new WhipError(response.status, message);
  }
  const resource = new URL(response.headers.get('Location'), location.href).href;
  await pc.setRemoteDescription({ type: 'answer', sdp: await response.text() });
  return {
    pc,
    resource,
    async stop() {
      pc.close();
      await fetch(resource, { method: 'DELETE' }).catch(() => {});
    },
  };
}
