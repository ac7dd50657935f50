// The SDK's xterm.js addon (@cloudflare/sandbox/xterm, SandboxAddon) driving a real
// sandbox's PTY through the engine's terminal page, in a real browser: Debian's chromium,
// driven by playwright-core. The page asks for one-time tickets with the token it got in
// its address's fragment; the tests type, resize, reload, drop the socket, and check that
// tickets work once and not after 30 s.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { chromium } from 'playwright-core';
import WebSocket from 'ws';

import { startEngine } from './support/engine.mjs';

const chromiumPath = '/usr/bin/chromium';
const chromiumFlags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let engine;
let browser;
let page;
let earlyTicket; // issued first, tried last: by then it has expired
let earlyTicketAt;

const api = (method, path, body) => engine.api(method, path, body);

// A request without the token (the engine support adds it to every fetch).
function bare(method, path, headers = {}, body = undefined) {
  return new Promise((resolve, reject) => {
    const target = new URL(path, engine.url);
    const request = http.request({ host: target.hostname, port: target.port, path: target.pathname, method,
      headers: { Host: target.host, ...headers }, agent: false }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode, headers: response.headers,
        body: Buffer.concat(chunks).toString() }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

// The terminal's text as xterm.js holds it (scrollback included), one string per line.
function screenLines() {
  return page.evaluate(() => {
    const buffer = window.sandbench.terminal.buffer.active;
    const lines = [];
    for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i)?.translateToString(true) ?? '');
    return lines;
  });
}

async function untilScreenShows(text, timeout = 10000) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if ((await screenLines()).some((line) => line.includes(text))) return;
    await sleep(50);
  }
  assert.fail(`the terminal never showed ${text}:\n${(await screenLines()).join('\n')}`);
}

function untilConnected(timeout = 15000) {
  return page.waitForFunction(() => window.sandbench?.addon.state === 'connected', null, { timeout });
}

// The page's address as sandbenchctl terminal makes it: a one-time code, never the token.
async function pageAddress(query = '', sandboxId = 'browser') {
  const { code } = (await api('POST', `/v1/sandboxes/${sandboxId}/terminal/code`)).body;
  return `${engine.url}/v1/sandboxes/${sandboxId}/terminal${query}#code=${code}`;
}

// Whether the engine upgrades a WebSocket to the PTY with this ticket (and no token).
function upgradesWith(ticket, sandboxId = 'browser', origin = undefined) {
  return new Promise((resolve) => {
    const socket = new WebSocket(
      `${engine.url.replace('http:', 'ws:')}/v1/sandboxes/${sandboxId}/ws/pty?sessionId=probe&ticket=${ticket}`,
      { origin });
    socket.on('open', () => { socket.close(); resolve(true); });
    socket.on('unexpected-response', (request, response) => { resolve(response.statusCode); request.destroy(); });
    socket.on('error', () => resolve(false));
  });
}

describe('terminal page with the SDK addon in chromium', { skip: !existsSync(chromiumPath) && 'no chromium' }, () => {
  before(async () => {
    engine = await startEngine();
    assert.equal((await api('PUT', '/v1/sandboxes/browser', { keepAlive: true })).status, 200);
    earlyTicket = (await api('POST', '/v1/sandboxes/browser/ws/ticket')).body.ticket;
    earlyTicketAt = Date.now();
    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumFlags });
    page = await browser.newPage({ viewport: { width: 1000, height: 600 } });
  });

  after(async () => {
    await browser?.close();
    await api('DELETE', '/v1/sandboxes/browser');
    await engine?.stop();
  });

  test('the page is served with a strict policy and holds no secret', async () => {
    const response = await bare('GET', '/v1/sandboxes/browser/terminal');
    assert.equal(response.status, 200);
    const policy = response.headers['content-security-policy'];
    assert.match(policy, /script-src 'self'/);
    assert.match(policy, /default-src 'none'/);
    assert.match(policy, /frame-ancestors 'none'/);
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
    assert.ok(!response.body.includes(engine.token));
    assert.ok(!/<script>/.test(response.body), 'no inline script');
    // Only the page's own files are served; the rest of the API still needs the token.
    assert.equal((await bare('GET', '/v1/terminal/xterm.mjs')).status, 200);
    assert.equal((await bare('GET', '/v1/terminal/..%2Fengine.json')).status, 404);
    assert.equal((await bare('GET', '/v1/terminal/')).status, 404); // no listing
    assert.equal((await bare('POST', '/v1/sandboxes/browser/ws/ticket')).status, 401);
    assert.equal((await bare('GET', '/v1/sandboxes')).status, 401);
    // A foreign Host is refused here as everywhere (DNS rebinding).
    assert.equal((await bare('GET', '/v1/sandboxes/browser/terminal', { Host: 'evil.example' })).status, 403);
    // So is another site's page, or a sandbox's preview page, calling without the token.
    const host = new URL(engine.url).host;
    const preview = `http://8080-browser-tok.localhost:${new URL(engine.url).port}`;
    for (const origin of ['http://evil.example', preview, `https://${host}`, 'null']) {
      const answer = await bare('GET', '/v1/terminal/terminal.js', { Origin: origin });
      assert.equal(answer.status, 403, origin);
      assert.equal(JSON.parse(answer.body).code, 'FORBIDDEN_ORIGIN');
    }
    assert.equal((await bare('GET', '/v1/terminal/terminal.js', { Origin: `http://${host}` })).status, 200);
  });

  test('without the token the page asks for it, and a wrong one is refused', async () => {
    const fresh = await browser.newPage();
    await fresh.goto(`${engine.url}/v1/sandboxes/browser/terminal`);
    await fresh.waitForSelector('#login:not([hidden])');
    await fresh.fill('#token', 'not-the-token');
    await fresh.click('#login button');
    await fresh.waitForFunction(() => document.getElementById('problem').textContent.includes('refused'));
    assert.equal(await fresh.evaluate(() => window.sandbench.addon.state), 'disconnected');
    await fresh.close();
  });

  test('the addon connects, types and sees the output', async () => {
    const address = await pageAddress();
    await page.goto(address);
    await untilConnected();
    assert.ok(!page.url().includes('code'), 'the code leaves the address bar');
    // The address as the history keeps it opens nothing: its code is spent.
    const again = await browser.newPage();
    await again.goto(address);
    await again.waitForSelector('#login:not([hidden])');
    await again.waitForFunction(() => document.getElementById('problem').textContent.includes('spent'));
    await again.close();
    await untilScreenShows('@browser:'); // the prompt
    await page.keyboard.type('echo hello-$((6*7))\n');
    await untilScreenShows('hello-42');
  });

  test('a resize reaches the PTY', async () => {
    await page.setViewportSize({ width: 700, height: 400 });
    await page.waitForFunction(() => window.sandbench.terminal.cols < 90);
    const { cols, rows } = await page.evaluate(() => ({ cols: window.sandbench.terminal.cols, rows: window.sandbench.terminal.rows }));
    await page.keyboard.type('stty size\n');
    await untilScreenShows(`${rows} ${cols}`);
  });

  test('a reload shows the replay and the same shell', async () => {
    await page.keyboard.type('export KEPT=across-reload\n');
    await page.reload();
    await untilConnected();
    await untilScreenShows('hello-42'); // drawn again from the engine's replay
    await page.keyboard.type('echo "$KEPT"\n');
    await untilScreenShows('across-reload', 10000);
  });

  test('a dropped socket reconnects by itself with the screen as it was', async () => {
    await page.keyboard.type('clear; echo before-drop-$((2+3))\n');
    await untilScreenShows('before-drop-5');
    await page.evaluate(() => window.sandbench.addon.socket.close()); // as a network that drops it
    await page.waitForFunction(() => window.sandbench.addon.state !== 'connected');
    await untilConnected(10000);
    const lines = await screenLines();
    assert.equal(lines.filter((line) => line === 'before-drop-5').length, 1, lines.join('\n'));
    await page.keyboard.type('echo after-drop\n');
    await untilScreenShows('after-drop');
  });

  test('another session is another shell', async () => {
    const other = await browser.newPage();
    await other.goto(await pageAddress('?session=second'));
    await other.waitForFunction(() => window.sandbench?.addon.state === 'connected', null, { timeout: 15000 });
    await other.waitForFunction(() => window.sandbench.terminal.buffer.active.getLine(0)?.translateToString().includes('@browser:'));
    await other.keyboard.type('echo "[$KEPT]"\n');
    await other.waitForFunction(() => {
      const buffer = window.sandbench.terminal.buffer.active;
      for (let i = 0; i < buffer.length; i++) if (buffer.getLine(i)?.translateToString(true) === '[]') return true;
      return false;
    });
    await other.screenshot({ path: new URL('../../build/screenshots/terminal-browser.png', import.meta.url).pathname })
      .catch(() => {});
    await other.close();
  });

  test('a ticket opens one terminal once, and not after 30 s', async () => {
    const ticket = (await api('POST', '/v1/sandboxes/browser/ws/ticket')).body.ticket;
    assert.equal(await upgradesWith(ticket, 'browser', 'http://evil.example'), 403); // not from another site
    assert.equal(await upgradesWith(ticket), true);
    assert.equal(await upgradesWith(ticket), 401); // used
    const wait = earlyTicketAt + 31000 - Date.now();
    if (wait > 0) await sleep(wait);
    assert.equal(await upgradesWith(earlyTicket), 401); // expired, never used
  });

  test("a page's key opens tickets for its own sandbox only, and not after the sandbox is gone", async () => {
    assert.equal((await api('PUT', '/v1/sandboxes/other', {})).status, 200);
    const { code } = (await api('POST', '/v1/sandboxes/browser/terminal/code')).body;
    const keyFor = (id, withCode) => bare('POST', `/v1/sandboxes/${id}/terminal/key`, { 'Content-Type': 'application/json' },
                                          JSON.stringify({ code: withCode }));
    assert.equal((await keyFor('other', code)).status, 401); // another sandbox's code, and now spent
    const { code: second } = (await api('POST', '/v1/sandboxes/other/terminal/code')).body;
    const answer = await keyFor('other', second);
    assert.equal(answer.status, 200);
    const key = JSON.parse(answer.body).key;
    assert.equal((await keyFor('other', second)).status, 401); // once
    assert.equal((await keyFor('other', 42)).status, 400);
    const ticketWith = (id) => bare('POST', `/v1/sandboxes/${id}/ws/ticket`, { Authorization: `Bearer ${key}` });
    assert.equal((await ticketWith('other')).status, 200);
    assert.equal((await ticketWith('browser')).status, 401);
    // Tickets minted for one sandbox never push out another's.
    const kept = (await api('POST', '/v1/sandboxes/browser/ws/ticket')).body.ticket;
    for (let i = 0; i < 300; i++) await ticketWith('other');
    assert.equal(await upgradesWith(kept), true);
    // Without the token a body is small: nothing large is read or parsed.
    const large = await bare('POST', '/v1/sandboxes/other/terminal/key',
                             { 'Content-Type': 'application/json' }, JSON.stringify({ code: 'x'.repeat(8192) }));
    assert.equal(large.status, 413);
    // A ticket opens a stopped sandbox's terminal only once it runs: a tab does not undo a Stop.
    assert.equal((await api('POST', '/v1/sandboxes/other/stop')).status, 200);
    const ticket = JSON.parse((await ticketWith('other')).body).ticket;
    assert.equal(await upgradesWith(ticket, 'other'), 409);
    assert.equal((await api('GET', '/v1/sandboxes/other')).body.sandbox.status, 'stopped');
    assert.equal((await bare('GET', '/v1/sandboxes/other', { Authorization: `Bearer ${key}` })).status, 401);
    assert.equal((await api('DELETE', '/v1/sandboxes/other')).status, 200);
    assert.equal((await api('PUT', '/v1/sandboxes/other', {})).status, 200); // the same name again
    assert.equal((await ticketWith('other')).status, 401);
    await api('DELETE', '/v1/sandboxes/other');
  });

  test('a ticket for a sandbox destroyed since does not bring it back', async () => {
    assert.equal((await api('PUT', '/v1/sandboxes/brief', {})).status, 200);
    const ticket = (await api('POST', '/v1/sandboxes/brief/ws/ticket')).body.ticket;
    assert.equal((await api('DELETE', '/v1/sandboxes/brief')).status, 200);
    assert.equal(await upgradesWith(ticket, 'brief'), 401); // destroying revoked it
    assert.equal((await api('GET', '/v1/sandboxes/brief')).status, 404);
  });
});
