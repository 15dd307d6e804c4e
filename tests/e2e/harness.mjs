// Real processes for browser tests: a redis-server and a livegate on free loopback ports, and
// Debian's Chromium driven by playwright-core. Everything started here is stopped by stop().
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, openSync, readFileSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(check, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

function canConnect(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('connect', () => { socket.destroy(); resolve(true); });
    socket.on('error', () => resolve(false));
  });
}

function stopProcess(child, graceMs = 5000) {
  return new Promise((resolve) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
    const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => { clearTimeout(killer); resolve(); });
    child.kill('SIGTERM');
  });
}

const yamlString = (s) => JSON.stringify(String(s));  // JSON strings are valid YAML scalars

function broadcastYaml(b) {
  const products = (b.products ?? []).map((p) =>
    `      - { sku: ${yamlString(p.sku)}, title: ${yamlString(p.title)}, title_zh: ${yamlString(p.title_zh ?? '')}, ` +
    `description: ${yamlString(p.description ?? '')}, image: ${yamlString(p.image ?? '')}, ` +
    `price_cents: ${p.price_cents}, stock: ${p.stock}, max_per_order: ${p.max_per_order ?? 10} }`).join('\n');
  return `  - id: ${yamlString(b.id)}\n    title: ${yamlString(b.title)}\n    seller: ${yamlString(b.seller ?? '')}\n` +
    `    mode: ${b.mode ?? 'sale'}\n    source: { type: test, width: 640, height: 360, fps: 30, video_bitrate_kbps: 800 }\n` +
    (products ? `    products:\n${products}\n` : '');
}

// Starts redis-server and livegate with the given broadcasts; returns { baseUrl, stop, log }.
export async function startLivegate(broadcasts) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'livegate-e2e-'));
  const redisPort = await freePort();
  const httpPort = await freePort();
  const redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '',
    '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  await waitFor(() => canConnect(redisPort), 10000, 'redis-server');

  const config = path.join(dir, 'livegate.yaml');
  writeFileSync(config, [
    'http:', '  bind: 127.0.0.1', `  port: ${httpPort}`, `  web_root: ${yamlString(path.join(repoRoot, 'web-player'))}`,
    `  hls_js: ${yamlString(path.join(repoRoot, 'node_modules/hls.js/dist/hls.light.min.js'))}`,
    'redis:', '  embedded: false', '  host: 127.0.0.1', `  port: ${redisPort}`,
    'media:', `  root: ${yamlString(path.join(dir, 'media'))}`, '  segment_seconds: 1', '  playlist_length: 6',
    'broadcasts:', ...broadcasts.map(broadcastYaml), ''].join('\n'));
  const logPath = path.join(dir, 'livegate.log');
  const logFd = openSync(logPath, 'a');
  const bin = process.env.LIVEGATE_BIN ?? path.join(repoRoot, 'build/livegate');
  const livegate = spawn(bin, ['--config', config], { cwd: repoRoot, stdio: ['ignore', logFd, logFd] });
  const log = () => readFileSync(logPath, 'utf8');
  try {
    await waitFor(async () => (await fetch(`http://127.0.0.1:${httpPort}/healthz`)).ok, 20000, 'livegate /healthz');
  } catch (e) {
    await stopProcess(livegate);
    await stopProcess(redis);
    throw new Error(`${e.message}\n--- livegate log ---\n${log()}`);
  }
  return {
    baseUrl: `http://127.0.0.1:${httpPort}`,
    log,
    async stop() {
      await stopProcess(livegate);
      await stopProcess(redis);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Debian's Chromium (never a downloaded browser), headless, with a throwaway profile.
export async function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--autoplay-policy=no-user-gesture-required'],
  });
}

export function screenshotPath(name) {
  const dir = path.join(repoRoot, 'docs/screenshots');
  mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}
