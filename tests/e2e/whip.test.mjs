// A seller goes live from Chromium's fake camera over WHIP; a second page watches the result.
// Real livegate + redis-server; ICE over loopback only (livegate offers 127.0.0.1 alone).
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startLivegate, launchChromium, screenshotPath, broadcast, waitFor, FAKE_CAMERA_ARGS, trackFailures } from './harness.mjs';

const KEY = 'e2e-whip-stream-key-0123';
const sale = broadcast({ id: 'e2e-whip', title: 'Camera sale', source: { type: 'none' }, stream_key: KEY });

let server;
let browser;
const run = trackFailures();  // after() prints the servers' output when a test failed
const check = run.check;
const pageProblems = [];

before(async () => {
  server = await startLivegate([sale]);
  browser = await launchChromium(FAKE_CAMERA_ARGS);
});

after(async () => {
  if (run.failed) console.error(`--- livegate and redis output ---\n${server?.log()}`);
  await browser?.close();
  await server?.stop();
});

async function api(path) {
  return (await fetch(`${server.baseUrl}${path}`)).json();
}


check('a wrong stream key is refused with a clear error on the page', { timeout: 30000 }, async () => {
  const page = await (await browser.newContext({ viewport: { width: 1024, height: 720 } })).newPage();
  page.on('pageerror', (e) => pageProblems.push(e.message));
  await page.goto(`${server.baseUrl}/golive`);
  await page.fill('#key', 'not-the-key');
  await page.click('#start');
  const status = page.getByTestId('golive-status');
  await waitFor(async () => (await status.getAttribute('data-kind')) === 'error', 15000, 'the refusal');
  assert.match(await status.textContent(), /unknown stream key/);
  assert.equal((await api('/api/broadcasts/e2e-whip')).state, 'waiting');
  await page.context().close();
});

check('Chromium publishes its camera over WHIP (H.264) and a viewer plays it', { timeout: 90000 }, async () => {
  const seller = await (await browser.newContext({ viewport: { width: 1024, height: 720 } })).newPage();
  seller.on('pageerror', (e) => pageProblems.push(`seller: ${e.message}`));
  await seller.goto(`${server.baseUrl}/golive?key=${KEY}&codec=h264`);
  await seller.click('#start');
  const status = seller.getByTestId('golive-status');
  await waitFor(async () => (await status.getAttribute('data-kind')) === 'live', 20000,
    'the seller page to say it is live');

  await waitFor(async () => (await api('/api/broadcasts/e2e-whip')).state === 'live', 20000, 'state live');
  const detail = await api('/api/broadcasts/e2e-whip');
  assert.equal(detail.source, 'publisher');
  // Every segment has both tracks, the first one too: hls.js makes its buffers from the first
  // segment it loads, and a video-only one followed by audio+video ones failed every append (a
  // viewer who came in the first seconds never saw a picture).
  const playlist = await (await fetch(`${server.baseUrl}/live/e2e-whip/index.m3u8`)).text();
  for (const segment of playlist.split('\n').filter((line) => line.endsWith('.ts'))) {
    const probe = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-count_packets', '-show_entries',
      'stream=codec_type,nb_read_packets', '-of', 'json', `${server.baseUrl}/live/e2e-whip/${segment}`],
    { timeout: 10000 }).toString());
    // Tracks with packets in this segment (a program table may list a track that carries none).
    const tracks = [...new Set(probe.streams.filter((s) => Number(s.nb_read_packets) > 0)
      .map((s) => s.codec_type))].sort();
    assert.deepEqual(tracks, ['audio', 'video'], `the tracks of ${segment}`);
  }
  await seller.screenshot({ path: screenshotPath('golive.png') });

  const viewer = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  viewer.on('pageerror', (e) => pageProblems.push(`viewer: ${e.message}`));
  await viewer.goto(`${server.baseUrl}/watch/e2e-whip`);
  const video = viewer.getByTestId('video');
  await waitFor(async () => (await video.evaluate((v) => v.currentTime)) > 2, 40000, 'the viewer to play 2 s');
  const size = await video.evaluate((v) => [v.videoWidth, v.videoHeight]);
  assert.ok(size[0] >= 320 && size[1] >= 180, `video size ${size}`);
  await viewer.screenshot({ path: screenshotPath('whip-viewer.png') });

  // The seller ends: DELETE, then the broadcast shows the slate (reconnecting) for the grace period.
  await seller.click('#stop');
  await waitFor(async () => (await api('/api/broadcasts/e2e-whip')).state === 'reconnecting', 10000,
    'state reconnecting after the seller stopped');
  assert.match(server.log(), /publisher stopped \(DELETE\)/);
  assert.match(server.log(), /offer with H\.264 \+ Opus/);
  assert.deepEqual(pageProblems, []);
  await seller.context().close();
  await viewer.context().close();
});

check('a VP8 publisher resumes the same broadcast within the grace period', { timeout: 60000 }, async () => {
  const seller = await (await browser.newContext()).newPage();
  seller.on('pageerror', (e) => pageProblems.push(`seller: ${e.message}`));
  await seller.goto(`${server.baseUrl}/golive?key=${KEY}&codec=vp8`);
  await seller.click('#start');
  await waitFor(async () => (await api('/api/broadcasts/e2e-whip')).state === 'live', 20000, 'live again');
  assert.match(server.log(), /offer with VP8 \+ Opus/);
  assert.match(server.log(), /publisher reconnected, resuming/);
  const playlist = await (await fetch(`${server.baseUrl}/live/e2e-whip/index.m3u8`)).text();
  assert.match(playlist, /#EXT-X-DISCONTINUITY/);
  await seller.close();  // no DELETE: the tab just goes away
  await waitFor(async () => (await api('/api/broadcasts/e2e-whip')).state === 'reconnecting', 20000,
    'the broadcast to notice the publisher is gone');
  assert.deepEqual(pageProblems, []);
});
