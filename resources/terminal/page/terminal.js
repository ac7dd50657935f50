// The engine's terminal page: xterm.js with the SDK's SandboxAddon, on a sandbox's PTY.
// A browser cannot put a credential on a WebSocket, so each connection takes a one-time
// ticket (30 s) that the page asks for with its credential: this sandbox's terminal key,
// which the page gets for the one-time code in its address's fragment (sandbenchctl
// terminal makes one; the fragment is never sent, and is taken out of the address bar at
// once), or the engine's token typed into the form. The credential is kept for this tab
// only (sessionStorage, so a reload works). See engine/BrowserAccess.h.
import { Terminal } from './xterm.mjs';
import { FitAddon } from './addon-fit.mjs';
import { SandboxAddon } from './sandbox-xterm.js';

const credentialKey = 'sandbench-credential';
const ticketLifetimeMs = 25000; // the engine's is 30 s: a spare older than this is not used

// /v1/sandboxes/{id}/terminal[?session=NAME]
const sandboxId = decodeURIComponent(location.pathname.split('/')[3] ?? '');
const sessionId = new URLSearchParams(location.search).get('session') || 'default';

let pageCode = new URLSearchParams(location.hash.slice(1)).get('code');
if (pageCode)
  history.replaceState(null, '', location.pathname + location.search);

const stateLabel = document.getElementById('state');
const problem = document.getElementById('problem');
const login = document.getElementById('login');
document.getElementById('where').textContent = `${sandboxId} · session ${sessionId}`;
document.title = `${sandboxId} · Terminal · Sandbench`;

function showProblem(message) {
  problem.textContent = message ?? '';
  problem.hidden = !message;
}

function showState(state) {
  stateLabel.textContent = state;
  stateLabel.dataset.state = state;
}

// A ticket kept ready, so that a reconnect (getWebSocketUrl is synchronous) has one.
let spare = null;
let fetching = null;

class TokenRefused extends Error {}

async function redeemPageCode() {
  const answer = await fetch(`/v1/sandboxes/${encodeURIComponent(sandboxId)}/terminal/key`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ code: pageCode }),
    cache: 'no-store',
  });
  pageCode = null; // spent either way
  const body = await answer.json().catch(() => ({}));
  if (!answer.ok)
    throw new TokenRefused(body.message ?? `HTTP ${answer.status}`);
  sessionStorage.setItem(credentialKey, body.key);
}

async function fetchTicket() {
  if (pageCode)
    await redeemPageCode();
  const token = sessionStorage.getItem(credentialKey);
  if (!token)
    throw new TokenRefused('no token');
  const answer = await fetch(`/v1/sandboxes/${encodeURIComponent(sandboxId)}/ws/ticket`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}` },
    cache: 'no-store',
  });
  const body = await answer.json().catch(() => ({}));
  if (answer.status === 401)
    throw new TokenRefused(body.message ?? 'the token was refused');
  if (!answer.ok)
    throw new Error(body.message ?? `HTTP ${answer.status}`);
  spare = { ticket: body.ticket, at: Date.now() };
}

function refreshTicket() {
  fetching ??= fetchTicket()
    .catch((error) => {
      if (error instanceof TokenRefused)
        askForToken(error.message);
      else
        showProblem(`Could not get a ticket for the terminal: ${error.message}`);
    })
    .finally(() => { fetching = null; });
  return fetching;
}

function takeTicket() {
  const ticket = spare && Date.now() - spare.at < ticketLifetimeMs ? spare.ticket : '';
  spare = null;
  refreshTicket(); // the next one, for a reconnect
  return ticket;
}

const terminal = new Terminal({ cursorBlink: true, scrollback: 10000, fontFamily: 'monospace', fontSize: 14 });
const fit = new FitAddon();
const addon = new SandboxAddon({
  getWebSocketUrl: ({ sandboxId: id, sessionId: session, origin }) => {
    const query = new URLSearchParams({ sessionId: session ?? 'default', cols: terminal.cols, rows: terminal.rows,
                                        ticket: takeTicket() });
    return `${origin}/v1/sandboxes/${encodeURIComponent(id)}/ws/pty?${query}`;
  },
  onStateChange: (state, error) => {
    showState(state);
    if (error)
      showProblem(error.message);
    else if (state === 'connected')
      showProblem('');
    if (state === 'disconnected')
      refreshTicket(); // ready before the addon's reconnect (1 s at the soonest)
  },
});
terminal.loadAddon(fit);
terminal.loadAddon(addon);
terminal.open(document.getElementById('terminal'));
fit.fit();
new ResizeObserver(() => fit.fit()).observe(document.getElementById('terminal'));
window.sandbench = { terminal, addon }; // for tests and the curious: no secret in it
// The addon waits up to 32 s between attempts: keep the spare fresh while it waits.
setInterval(() => {
  if (addon.state !== 'connected' && login.hidden && (!spare || Date.now() - spare.at > ticketLifetimeMs / 2))
    refreshTicket();
}, 5000);

async function start() {
  login.hidden = true;
  await refreshTicket();
  if (spare)
    addon.connect({ sandboxId, sessionId });
}

function askForToken(why) {
  sessionStorage.removeItem(credentialKey);
  addon.disconnect();
  showState('disconnected');
  showProblem(why === 'no token' ? '' : `The engine refused this page: ${why}`);
  login.hidden = false;
  document.getElementById('token').focus();
}

login.addEventListener('submit', (event) => {
  event.preventDefault();
  const field = document.getElementById('token');
  sessionStorage.setItem(credentialKey, field.value.trim());
  field.value = '';
  start();
});

start();
