// The published SandboxClient's port readiness watch (PortClient.watchPort, protocol
// §4.5) against a real engine: real servers inside a real sandbox.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { collectEvents, startEngine } from './support/engine.mjs';

let engine;
let sandbox;

before(async () => {
  engine = await startEngine();
  sandbox = engine.client('ports');
});

after(async () => {
  await engine?.stop();
});

describe('port-watch', () => {
  test('an HTTP server becomes ready with its status; TCP mode needs only a connect', async () => {
    await sandbox.processes.startProcess('sleep 0.5; exec python3 -m http.server 8123 --bind 127.0.0.1', 'web',
      { processId: 'web' });
    const http = await collectEvents(await sandbox.ports.watchPort({ port: 8123, mode: 'http', path: '/', processId: 'web',
      interval: 100 }));
    assert.deepEqual(http.map((event) => event.type), ['watching', 'ready']);
    assert.equal(http[1].statusCode, 200);
    const tcp = await collectEvents(await sandbox.ports.watchPort({ port: 8123, mode: 'tcp' }));
    assert.deepEqual(tcp.at(-1), { type: 'ready', port: 8123 });
  });

  test('a status outside the range keeps waiting; a range that takes it is ready', async () => {
    const missing = await collectEvents(await sandbox.ports.watchPort({ port: 8123, mode: 'http', path: '/nothing-here',
      statusMin: 400, statusMax: 404 }));
    assert.equal(missing.at(-1).type, 'ready');
    assert.equal(missing.at(-1).statusCode, 404);
    const controller = new AbortController();
    const waiting = await sandbox.ports.watchPort({ port: 8123, mode: 'http', path: '/nothing-here', interval: 100 });
    const reader = waiting.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    assert.match(first, /"type":"watching"/);
    const second = await Promise.race([reader.read(), new Promise((resolve) => setTimeout(() => resolve('still waiting'), 700))]);
    assert.equal(second, 'still waiting');
    await reader.cancel();
    controller.abort();
  });

  test('the process exiting first ends the watch with its code; an unknown process is an error', async () => {
    await sandbox.processes.startProcess('sleep 0.3; exit 3', 'web', { processId: 'quitter' });
    const exited = await collectEvents(await sandbox.ports.watchPort({ port: 8999, mode: 'tcp', processId: 'quitter',
      interval: 100 }));
    assert.deepEqual(exited.at(-1), { type: 'process_exited', port: 8999, exitCode: 3 });
    const unknown = await collectEvents(await sandbox.ports.watchPort({ port: 8999, mode: 'tcp', processId: 'nobody' }));
    assert.deepEqual(unknown.at(-1), { type: 'error', port: 8999, error: 'Process not found' });
  });

  test('bad requests are refused before the stream starts', async () => {
    for (const body of [{ port: 0 }, { port: 70000 }, { port: 8080, mode: 'udp' }, { port: 8080, path: 'no-slash' },
      { port: 8080, statusMin: 500, statusMax: 200 }]) {
      const response = await fetch(`${engine.url}/v1/sandboxes/ports/api/port-watch`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
      });
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.equal((await response.json()).code, 'VALIDATION_FAILED');
    }
  });
});
