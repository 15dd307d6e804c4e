// Every page under its Content-Security-Policy, in real Chromium against a real livegate: no
// violation reports (a refused inline style, script, image, worker or connection) while the page
// loads, plays, chats, signs in and opens the camera.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { startLivegate, launchChromium, broadcast, trackFailures, teardown, FAKE_CAMERA_ARGS } from './harness.mjs';

const sale = broadcast({ id: 'e2e-csp', title: 'CSP apple sale' });
const talk = broadcast({ id: 'e2e-csp-talk', title: 'CSP keynote', mode: 'keynote', products: [] });
const run = trackFailures();
const check = run.check;
let server;
let browser;

before(async () => {
  server = await startLivegate([sale, talk], { auth: { demoLogin: true } });
  browser = await launchChromium(FAKE_CAMERA_ARGS);
});
after(() => teardown(browser, server, run));

// Opens a page that records every CSP violation (the listener is installed before any page
// script, by the browser, so the policy does not apply to it).
async function open(url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__csp.push(`${e.violatedDirective} ${e.blockedURI || '(inline)'} ${e.sourceFile || ''}:${e.lineNumber || ''}`);
    });
  });
  const consoleProblems = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) consoleProblems.push(m.text()); });
  const response = await page.goto(`${server.baseUrl}${url}`);
  assert.ok(response.headers()['content-security-policy'], `${url} has a CSP`);
  return { page, context, violations: async () => [...await page.evaluate(() => window.__csp), ...consoleProblems] };
}

check('viewer, keynote, embed and home pages run without CSP violations', { timeout: 60000 }, async () => {
  for (const url of ['/', `/watch/${sale.id}`, `/keynote/${talk.id}`, `/embed/${sale.id}`]) {
    const { page, context, violations } = await open(url);
    if (url !== '/') {
      await page.getByTestId('conn-state').filter({ hasText: 'connected' }).waitFor({ state: 'attached', timeout: 15000 });
      // The video plays (hls.js: a blob: media source and, maybe, a worker).
      await page.waitForFunction(() => document.querySelector('video')?.currentTime > 1, null, { timeout: 30000, polling: 250 });
    } else {
      await page.waitForLoadState('networkidle');
    }
    assert.deepEqual(await violations(), [], url);
    await context.close();
  }
});

check('studio (signed in, dashboard drawn) and go-live with the camera run without CSP violations', { timeout: 60000 }, async () => {
  const { page, context, violations } = await open('/studio');
  await page.getByRole('button', { name: 'Demo login' }).click();
  await page.getByText(sale.title).first().waitFor({ timeout: 10000 });
  await page.waitForTimeout(1500);  // let the dashboard and chart render
  assert.deepEqual(await violations(), [], '/studio');
  await context.close();

  const golive = await open('/golive');
  await golive.page.waitForLoadState('networkidle');
  // The camera is allowed here (Permissions-Policy camera=(self)).
  const cameraOk = await golive.page.evaluate(async () => {
    try {
      const s = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
      s.getTracks().forEach((t) => t.stop());
      return true;
    } catch (e) {
      return String(e);
    }
  });
  assert.equal(cameraOk, true);
  assert.deepEqual(await golive.violations(), [], '/golive');
  await golive.context.close();

  // ... and refused on the viewer page (camera=()).
  const viewer = await open(`/watch/${sale.id}`);
  const cameraOnViewer = await viewer.page.evaluate(async () => {
    try {
      await navigator.mediaDevices.getUserMedia({ video: true });
      return 'allowed';
    } catch (e) {
      return e.name;
    }
  });
  assert.notEqual(cameraOnViewer, 'allowed');
  await viewer.context.close();
});
