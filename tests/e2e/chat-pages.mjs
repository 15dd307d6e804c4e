// Viewer pages for the chat tests: opened on one broadcast, each in its own browser context (own
// localStorage, so its own guest), with script errors and dialogs collected and the WebSockets
// each page opened counted.
//
//   const pages = new WatchPages(browser, server, 'my-broadcast');
//   const ann = await pages.open('Ann', { name: 'Ann' });
//   const mod = await pages.open('moderator', { hash: `#token=${token}` });
//   await say(ann, 'hello');  await lineAction(mod, 'hello', 'Delete');
//   assert.deepEqual(pages.problems, []);
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 375, height: 812 };

export class WatchPages {
  constructor(browser, server, broadcastId) {
    this.browser = browser;
    this.server = server;
    this.broadcastId = broadcastId;
    this.problems = [];         // script errors and dialogs on any page
    this.sockets = new Map();   // page -> WebSockets it opened
  }

  // name: the chat name the page starts with. route: a page.routeWebSocket handler. video: false
  // keeps the page off the HLS stream (less work for two cores when nobody looks at the video).
  // Resolves once the room socket is connected (with wait: false, once the page has loaded).
  async open(label, { hash = '', name = null, viewport = DESKTOP, route = null, video = true, wait = true } = {}) {
    const context = await this.browser.newContext({ viewport, locale: 'en-US' });
    if (!video) await context.route(/\/live\//, (r) => r.abort());
    if (name) await context.addInitScript((n) => localStorage.setItem('livegate.name', n), name);
    const page = await context.newPage();
    page.on('pageerror', (e) => this.problems.push(`${label}: ${e.message}`));
    page.on('dialog', (d) => { this.problems.push(`${label}: dialog "${d.message()}"`); d.dismiss().catch(() => {}); });
    this.sockets.set(page, 0);
    page.on('websocket', () => this.sockets.set(page, this.sockets.get(page) + 1));
    if (route) await page.routeWebSocket(/\/ws\//, route);
    await page.goto(`${this.server.baseUrl}/watch/${this.broadcastId}${hash}`);
    if (wait) await connected(page);
    return page;
  }
}

export const connected = (page) => page.getByTestId('conn-state').filter({ hasText: 'connected' }).waitFor({ timeout: 10000 });

export const lineIn = (page, text) => page.getByTestId('chat-list').locator('li.line', { hasText: text });

// Sends a chat line and waits until it is back from the room.
export async function say(page, text) {
  await page.getByTestId('chat-input').fill(text);
  await page.getByTestId('chat-send').click();
  await lineIn(page, text).waitFor({ timeout: 5000 });
}

// On a staff page: opens the actions of the line with this text and picks one.
export async function lineAction(page, text, item) {
  const line = lineIn(page, text);
  await line.waitFor({ timeout: 5000 });
  await line.hover();
  await line.getByTestId('line-actions').click();
  await page.getByTestId('line-menu').getByRole('menuitem', { name: item, exact: true }).click();
}
