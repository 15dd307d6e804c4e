// Real processes for browser tests, no mocks: a redis-server and a livegate on free loopback
// ports, and Debian's Chromium driven by playwright-core. Everything started here is stopped by
// stop(); a test file calls it from after(), which runs even when a test failed.
//
//   const server = await startLivegate([broadcast({ id: 'my-test' })]);
//   const browser = await launchChromium();
//   ... page.goto(`${server.baseUrl}/watch/my-test`) ...
//   await browser.close(); await server.stop();
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, test } from 'node:test';
import { chromium } from 'playwright-core';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const HEALTH_TIMEOUT_MS = 20000;
const REDIS_TIMEOUT_MS = 10000;
const KILL_AFTER_MS = 5000;

// The apple sale most tests need; pass overrides for another id, title or product list.
export const appleProducts = [
  { sku: 'honeycrisp-10lb', title: 'Honeycrisp apples, 10 lb box', title_zh: '蜜脆苹果 10 磅装', price_cents: 3499,
    stock: 50, image: '/assets/img/honeycrisp.svg', description: 'Crisp, sweet, from the Wenatchee valley' },
  { sku: 'gala-crate', title: 'Gala gift crate', title_zh: '嘎啦苹果礼盒', price_cents: 4999, stock: 20,
    image: '/assets/img/gala-crate.svg', description: 'Hand-packed gift crate' },
];

export function broadcast(overrides = {}) {
  return {
    id: 'e2e-apple',
    title: 'E2E apple sale',
    seller: 'Test Orchard',
    mode: 'sale',
    source: { type: 'test', width: 640, height: 360, fps: 30, video_bitrate_kbps: 800 },
    products: appleProducts,
    ...overrides,
  };
}

// A free TCP port on loopback: the kernel picks one for a listener we close at once.
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const fatal = (message) => Object.assign(new Error(message), { fatal: true });

// Polls check() every 100 ms until it returns true; an error marked fatal ends the wait at once.
export async function waitFor(check, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  let lastError = null;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (e) {
      if (e.fatal) throw e;
      lastError = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (${lastError.message})` : ''}`);
}

// True when a redis-server on the port answers PING (it accepts commands, not just TCP).
function redisPing(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let reply = '';
    const done = (ok) => { socket.destroy(); resolve(ok); };
    socket.setTimeout(1000, () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk;
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
    socket.on('error', () => done(false));
  });
}

function exited(child) {
  return child.pid === undefined || child.exitCode !== null || child.signalCode !== null;
}

// SIGTERM, then SIGKILL if the process is still there after graceMs.
export function stopProcess(child, graceMs = KILL_AFTER_MS) {
  return new Promise((resolve) => {
    if (!child || exited(child)) return resolve();
    const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => { clearTimeout(killer); resolve(); });
    child.kill('SIGTERM');
  });
}

// Keeps a child's stdout and stderr, interleaved, for printing when a test fails.
function capture(child, name, lines) {
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop();
      for (const line of parts) lines.push(`[${name}] ${line}`);
    });
    stream.on('end', () => { if (partial) lines.push(`[${name}] ${partial}`); });
  }
  child.on('error', (e) => lines.push(`[${name}] could not start: ${e.message}`));
  child.on('exit', (code, signal) => lines.push(`[${name}] exited with ${signal ?? `code ${code}`}`));
}

const q = (s) => JSON.stringify(String(s));  // a JSON string is a valid YAML scalar

function productYaml(p) {
  const fields = [`sku: ${q(p.sku)}`, `title: ${q(p.title)}`];
  if (p.title_zh) fields.push(`title_zh: ${q(p.title_zh)}`);
  fields.push(`price_cents: ${p.price_cents}`, `stock: ${p.stock}`);
  if (p.image) fields.push(`image: ${q(p.image)}`);
  if (p.description) fields.push(`description: ${q(p.description)}`);
  if (p.max_per_order !== undefined) fields.push(`max_per_order: ${p.max_per_order}`);
  if (p.per_buyer !== undefined) fields.push(`per_buyer: ${p.per_buyer}`);
  return `      - { ${fields.join(', ')} }`;
}

function broadcastYaml(b) {
  const s = b.source ?? broadcast().source;
  const source = Object.entries(s).map(([k, v]) => `${k}: ${typeof v === 'string' ? q(v) : v}`).join(', ');
  const lines = [
    `  - id: ${q(b.id)}`,
    `    title: ${q(b.title)}`,
    `    seller: ${q(b.seller ?? '')}`,
    `    mode: ${b.mode ?? 'sale'}`,
    `    source: { ${source} }`,
  ];
  if (b.stream_key) lines.push(`    stream_key: ${q(b.stream_key)}`);
  if (b.abr?.length) lines.push(`    abr: ${JSON.stringify(b.abr)}`);  // JSON is YAML
  if (b.products?.length) lines.push('    products:', ...b.products.map(productYaml));
  for (const key of ['description', 'starts_at', 'speakers', 'agenda']) {  // a keynote's program
    if (b[key] !== undefined) lines.push(`    ${key}: ${JSON.stringify(b[key])}`);
  }
  return lines.join('\n');
}

export function configYaml({ httpPort, redisPort, rtmpPort, srtPort, mediaRoot, broadcasts, extraYaml = '' }) {
  return [
    'http:',
    '  bind: 127.0.0.1',
    `  port: ${httpPort}`,
    `  web_root: ${q(path.join(repoRoot, 'web-player'))}`,
    `  hls_js: ${q(path.join(repoRoot, 'node_modules/hls.js/dist/hls.light.min.js'))}`,
    'ingest:',  // free loopback ports too: a test must not collide with a livegate already running here
    '  rtmp_bind: 127.0.0.1',
    `  rtmp_port: ${rtmpPort}`,
    '  srt_bind: 127.0.0.1',
    `  srt_port: ${srtPort}`,
    '  whip_ice_addresses: [127.0.0.1]',  // WebRTC media over loopback only
    'redis:',
    '  embedded: false',
    '  host: 127.0.0.1',
    `  port: ${redisPort}`,
    'media:',
    `  root: ${q(mediaRoot)}`,
    '  segment_seconds: 1',
    '  playlist_length: 6',
    extraYaml.trimEnd(),
    'broadcasts:',
    ...broadcasts.map(broadcastYaml),
    '',
  ].filter((line) => line !== '').join('\n') + '\n';
}

// The auth section for a server whose seller API and chat tokens are on (fresh secrets per run);
// demoLogin: POST /api/demo-login hands out the seller token (the studio's "Demo login").
function authYaml(sellerToken, { demoLogin = false } = {}) {
  return ['auth:', `  seller_token: ${q(sellerToken)}`, `  jwt_secret: ${q(randomBytes(32).toString('hex'))}`,
    ...(demoLogin ? ['  demo_login: true'] : []), ''].join('\n');
}

// Starts redis-server and livegate (process.env.LIVEGATE_BIN, default build/livegate) serving
// the given broadcasts. Resolves when GET /healthz answers 200. extraYaml: more top-level
// config sections (e.g. "chat:\n  history_on_join: 5"). auth: turn on the seller API and chat
// tokens (see chatToken); { demoLogin: true } also turns on auth.demo_login. Returns
// { baseUrl, httpPort, redisPort, rtmpPort, dir, config, sellerToken, log(), stop() }.
// persistentRedis: Redis keeps its data on disk (AOF, fsync always), so the test can stop it and
// start it again (server.stopRedis(), server.startRedis()) as an outage, not a wipe.
export async function startLivegate(broadcasts = [broadcast()], { extraYaml = '', auth = false, persistentRedis = false } = {}) {
  const sellerToken = auth ? `e2e-seller-${randomBytes(12).toString('hex')}` : null;
  if (auth) extraYaml = `${extraYaml.trimEnd()}\n${authYaml(sellerToken, auth === true ? {} : auth)}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'livegate-e2e-'));
  const lines = [];
  const children = [];
  const log = () => lines.join('\n');
  const stop = async () => {
    for (const child of children.reverse()) await stopProcess(child);  // livegate, then redis
    children.length = 0;
    rmSync(dir, { recursive: true, force: true });
  };

  let redisPort = 0;
  // Redis is always children[0], started first and stopped last.
  const startRedis = async () => {
    const redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '',
      '--appendonly', persistentRedis ? 'yes' : 'no', '--appendfsync', 'always', '--dir', dir],
    { stdio: ['ignore', 'pipe', 'pipe'] });
    children[0] = redis;
    capture(redis, 'redis', lines);
    await waitFor(async () => {
      if (exited(redis)) throw fatal('redis-server exited');
      return redisPing(redisPort);
    }, REDIS_TIMEOUT_MS, `redis-server on port ${redisPort}`);
  };
  const stopRedis = () => stopProcess(children[0]);

  try {
    redisPort = await freePort();
    await startRedis();

    const [httpPort, rtmpPort, srtPort] = [await freePort(), await freePort(), await freePort()];
    const config = path.join(dir, 'livegate.yaml');
    writeFileSync(config, configYaml({ httpPort, redisPort, rtmpPort, srtPort, mediaRoot: path.join(dir, 'media'),
      broadcasts, extraYaml }));
    const bin = process.env.LIVEGATE_BIN || path.join(repoRoot, 'build/livegate');
    const livegate = spawn(bin, ['--config', config], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(livegate);
    capture(livegate, 'livegate', lines);
    const baseUrl = `http://127.0.0.1:${httpPort}`;
    await waitFor(async () => {
      if (exited(livegate)) throw fatal(`livegate (${bin}) is not running`);
      return (await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2000) })).status === 200;
    }, HEALTH_TIMEOUT_MS, `livegate GET /healthz on port ${httpPort}`);
    return { baseUrl, httpPort, redisPort, rtmpPort, dir, config, sellerToken, log, stop, stopRedis, startRedis };
  } catch (e) {
    await stop();
    e.message += `\n--- livegate and redis output ---\n${log()}`;
    throw e;
  }
}

// A chat token for staff, from the seller API (the server needs startLivegate(..., { auth: true })):
// POST /api/broadcasts/{id}/tokens. Open the viewer page with `#token=${token}` to use it.
export async function chatToken(server, broadcastId, { role = 'moderator', name = 'Mia' } = {}) {
  const response = await fetch(`${server.baseUrl}/api/broadcasts/${encodeURIComponent(broadcastId)}/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.sellerToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ role, name }),
  });
  const body = await response.json();
  if (response.status !== 201 || !body.token) throw new Error(`token for ${role} ${name}: HTTP ${response.status} ${JSON.stringify(body)}`);
  return body.token;
}

// Debian's Chromium (never a downloaded browser), headless.
// extraArgs: more Chromium switches (e.g. FAKE_CAMERA_ARGS).
export function launchChromium(extraArgs = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--autoplay-policy=no-user-gesture-required', ...extraArgs],
  });
}

// A camera and microphone for WebRTC tests: Chromium's generated test picture and beep, no
// permission prompt, and ICE over loopback with plain IP candidates (no mDNS names), so media
// between the browser and livegate never leaves 127.0.0.1.
export const FAKE_CAMERA_ARGS = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection', '--disable-features=WebRtcHideLocalIpsWithMdns'];

export function screenshotPath(name) {
  const dir = path.join(repoRoot, 'docs/screenshots');
  mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}

// Tests that remember whether one failed, so after() can print the servers' output only then:
//   const run = trackFailures();  run.check('name', { timeout }, async () => { ... });
//   after(() => { if (run.failed) console.error(server.log()); });
// Closes the browser and stops the server, printing the server's log when a test failed.
export async function teardown(browser, server, run) {
  await browser?.close().catch(() => {});
  if (server) {
    if (run.failed) console.error(`--- livegate and redis output ---\n${server.log()}\n--- end ---`);
    await server.stop();
  }
}

export function trackFailures() {
  const run = {
    failed: false,
    // before(), counting a failure to start (server, browser, first page) as a failed run.
    setup(fn, options) {
      before(async () => {
        try {
          await fn();
        } catch (e) {
          run.failed = true;
          throw e;
        }
      }, options);
    },
    check(name, options, fn) {
      test(name, options, async (t) => {
        try {
          await fn(t);
        } catch (e) {
          run.failed = true;
          throw e;
        }
      });
    },
  };
  return run;
}
