// Starts a real sandbenchd in temporary directories and gives SandboxClients
// for its sandboxes, with the engine's bearer token added to every request.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { SandboxClient } from '@cloudflare/sandbox';

const binDir = process.env.SANDBENCH_BIN_DIR ?? new URL('../../../build/bin', import.meta.url).pathname;

export async function startEngine() {
  const stateDir = mkdtempSync(join(tmpdir(), 'sandbench-conformance-state-'));
  const runtimeDir = mkdtempSync(join(tmpdir(), 'sandbench-conformance-run-'));
  chmodSync(stateDir, 0o711); // sandboxes of a root engine run as their own uids
  const engineFile = join(runtimeDir, 'engine.json');
  const launch = async () => {
    const child = spawn(join(binDir, 'sandbenchd'),
      ['--listen', '127.0.0.1:0', '--state-dir', stateDir, '--runtime-dir', runtimeDir, '--stop-sandboxes-on-exit'],
      { stdio: ['ignore', 'ignore', 'inherit'] });
    const started = () => existsSync(engineFile) && JSON.parse(readFileSync(engineFile, 'utf8')).pid === child.pid;
    for (let i = 0; i < 200 && !started(); i++) await sleep(25);
    if (!started()) throw new Error('sandbenchd did not write engine.json');
    const { url, token } = JSON.parse(readFileSync(engineFile, 'utf8'));
    return { child, url, token };
  };
  let current = await launch();

  // The SDK's HTTP transport calls globalThis.fetch; add the engine token to our requests.
  const originalFetch = globalThis.fetch;
  globalThis.fetch = (input, init = {}) => {
    const target = typeof input === 'string' ? input : input.url;
    if (!target.startsWith(current.url)) return originalFetch(input, init);
    const headers = new Headers(init.headers ?? (typeof input === 'string' ? undefined : input.headers));
    headers.set('Authorization', `Bearer ${current.token}`);
    return originalFetch(input, { ...init, headers });
  };

  const engine = {
    get url() { return current.url; },
    get token() { return current.token; },
    stateDir,
    client(id) {
      return new SandboxClient({ baseUrl: `${current.url}/v1/sandboxes/${id}` });
    },
    // A request to the engine's own API: {status, body (its JSON; {} when empty), headers}.
    async api(method, path, body) {
      const response = await fetch(`${current.url}${path}`, {
        method, headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : {}, headers: response.headers };
    },
    // A command in sandbox id that has to succeed: its stdout, trimmed.
    async run(id, command) {
      const result = await this.client(id).commands.execute(command, 'default');
      assert.equal(result.exitCode, 0, `${command}: ${result.stderr}`);
      return result.stdout.trim();
    },
    // An engine that dies without a word (SIGKILL) and a new one on the same state: its
    // sandboxes run on and are taken back.
    async crashAndRestart() {
      current.child.kill('SIGKILL');
      await new Promise((resolve) => current.child.once('exit', resolve));
      current = await launch();
    },
    async stop() {
      globalThis.fetch = originalFetch;
      current.child.kill('SIGTERM');
      await new Promise((resolve) => current.child.once('exit', resolve));
      rmSync(stateDir, { recursive: true, force: true });
      rmSync(runtimeDir, { recursive: true, force: true });
    },
  };
  return engine;
}

// Collects every SSE event of a stream returned by the SDK.
export async function collectEvents(stream) {
  const { parseSSEStream } = await import('@cloudflare/sandbox');
  const events = [];
  for await (const event of parseSSEStream(stream)) events.push(event);
  return events;
}
