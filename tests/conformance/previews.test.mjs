// Preview URLs end to end: real servers inside a real sandbox (python3 -m http.server, a
// WebSocket echo server on Node), real clients outside (node:http, the ws package),
// through the engine's preview router. The SDK's exposePort lives in its Worker, not in
// the SandboxClient, so the engine's own /ports routes are called directly.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import WebSocket from 'ws';

import { startEngine } from './support/engine.mjs';

const echoServer = readFileSync(new URL('../support/servers/websocket-echo.js', import.meta.url), 'utf8');

let engine;
let enginePort;

const api = (method, path, body) => engine.api(method, path, body);

async function exposed(id, port, token) {
  const answer = await api('POST', `/v1/sandboxes/${id}/ports`, { port, token });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return new URL(answer.body.url).host; // {port}-{id}-{token}.localhost:{enginePort}
}

// A request to the engine's listener with a preview Host (Node does not resolve *.localhost).
function previewRequest(host, path = '/', onResponse) {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port: enginePort, path, headers: { Host: host }, agent: false },
      (response) => resolve(onResponse ? onResponse(response) : response));
    request.on('error', reject);
  });
}

async function bodyOf(response) {
  const chunks = [];
  for await (const chunk of response) chunks.push(chunk);
  return Buffer.concat(chunks).toString();
}

async function untilListening(host, path = '/') {
  for (let i = 0; i < 100; i++) {
    const response = await previewRequest(host, path);
    if (response.statusCode !== 502) return response;
    response.resume();
    await sleep(100);
  }
  throw new Error(`${host} never listened`);
}

async function startProcess(id, command, processId) {
  const answer = await api('POST', `/v1/sandboxes/${id}/api/process/start`, { command, processId });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
}

before(async () => {
  engine = await startEngine();
  enginePort = Number(new URL(engine.url).port);
  for (const id of ['previews', 'neighbour']) assert.equal((await api('PUT', `/v1/sandboxes/${id}`, {})).status, 200);
  await api('POST', '/v1/sandboxes/previews/api/write', { path: '/workspace/ws-echo.js', content: echoServer });
  await startProcess('previews', 'node /workspace/ws-echo.js 8765', 'ws');
  await startProcess('previews', 'python3 -m http.server 8080 --bind 127.0.0.1 --directory /workspace', 'http');
});

after(async () => {
  await engine?.stop();
});

describe('preview URLs', () => {
  test('python3 -m http.server answers through its preview URL', async () => {
    await api('POST', '/v1/sandboxes/previews/api/write', { path: '/workspace/hello.txt', content: 'hello from inside' });
    const host = await exposed('previews', 8080);
    const response = await untilListening(host, '/hello.txt');
    assert.equal(response.statusCode, 200);
    assert.equal(await bodyOf(response), 'hello from inside');
  });

  test('a WebSocket echo server: text, binary and a 4 MiB message come back; the Host is the preview host', async () => {
    const host = await exposed('previews', 8765, 'ws_token');
    await untilListening(host);
    const socket = new WebSocket(`ws://127.0.0.1:${enginePort}/chat`, { headers: { Host: host } });
    const upgrade = new Promise((resolve) => socket.once('upgrade', resolve));
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    assert.equal((await upgrade).headers['x-seen-host'], host);
    const next = () => new Promise((resolve) => socket.once('message', (data, binary) => resolve({ data, binary })));
    socket.send('hello');
    assert.deepEqual(await next().then(({ data, binary }) => [data.toString(), binary]), ['hello', false]);
    const big = Buffer.alloc(4 << 20, 7);
    big.writeUInt32BE(0xdeadbeef, 1000);
    socket.send(big);
    const echoed = await next();
    assert.equal(echoed.binary, true);
    assert.ok(Buffer.compare(echoed.data, big) === 0);
    socket.close();
    await new Promise((resolve) => socket.once('close', resolve));
  });

  test('a 256 MiB download keeps its SHA-256', async () => {
    const made = await api('POST', '/v1/sandboxes/previews/api/execute', {
      command: 'head -c 268435456 /dev/urandom > /workspace/big.bin && sha256sum /workspace/big.bin',
    });
    assert.equal(made.body.exitCode, 0, JSON.stringify(made.body));
    const expected = made.body.stdout.split(' ')[0];
    const host = await exposed('previews', 8080);
    const hash = createHash('sha256');
    let bytes = 0;
    await previewRequest(host, '/big.bin', async (response) => {
      assert.equal(response.statusCode, 200);
      for await (const chunk of response) {
        hash.update(chunk);
        bytes += chunk.length;
      }
    }).then((done) => done);
    assert.equal(bytes, 268435456);
    assert.equal(hash.digest('hex'), expected);
    await api('POST', '/v1/sandboxes/previews/api/execute', { command: 'rm /workspace/big.bin' });
  });

  test('a streamed (chunked, server-sent events) answer arrives piece by piece', async () => {
    await api('POST', '/v1/sandboxes/previews/api/write', {
      path: '/workspace/sse.py', content: [
        'import http.server, time',
        'class Events(http.server.BaseHTTPRequestHandler):',
        '    protocol_version = "HTTP/1.1"',
        '    def do_GET(self):',
        '        self.send_response(200)',
        '        self.send_header("Content-Type", "text/event-stream")',
        '        self.send_header("Transfer-Encoding", "chunked")',
        '        self.end_headers()',
        '        for n in range(5):',
        '            piece = f"data: {n}\\n\\n".encode()',
        '            self.wfile.write(b"%x\\r\\n%s\\r\\n" % (len(piece), piece))',
        '            self.wfile.flush()',
        '            time.sleep(0.3)',
        '        self.wfile.write(b"0\\r\\n\\r\\n")',
        'http.server.ThreadingHTTPServer(("127.0.0.1", 8070), Events).serve_forever()',
      ].join('\n'),
    });
    await startProcess('previews', 'python3 /workspace/sse.py', 'sse');
    const host = await exposed('previews', 8070);
    await untilListening(host).then((response) => bodyOf(response));
    const arrivals = [];
    const started = Date.now();
    await previewRequest(host, '/', async (response) => {
      assert.equal(response.headers['transfer-encoding'], 'chunked');
      for await (const chunk of response) arrivals.push([Date.now() - started, chunk.toString()]);
    });
    const text = arrivals.map(([, piece]) => piece).join('');
    assert.equal(text, [0, 1, 2, 3, 4].map((n) => `data: ${n}\n\n`).join(''));
    assert.ok(arrivals.length >= 4, JSON.stringify(arrivals));
    assert.ok(arrivals[0][0] < 500 && arrivals.at(-1)[0] >= 1100, JSON.stringify(arrivals));
  });

  test('unexposing closes a kept-alive connection at once; the next request is refused', async () => {
    const host = await exposed('previews', 8080, 'keep_alive');
    await untilListening(host).then((response) => bodyOf(response));
    const socket = net.connect(enginePort, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    let received = '';
    socket.on('data', (data) => { received += data; });
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.write(`GET /hello.txt HTTP/1.1\r\nHost: ${host}\r\nConnection: keep-alive\r\n\r\n`);
    for (let i = 0; i < 50 && !received.includes('hello from inside'); i++) await sleep(20);
    assert.match(received, /^HTTP\/1\.[01] 200/);
    assert.equal((await api('DELETE', '/v1/sandboxes/previews/ports/8080')).status, 200);
    const ended = await Promise.race([closed.then(() => 'closed'), sleep(2000).then(() => 'still open')]);
    assert.equal(ended, 'closed');
    const refused = await previewRequest(host, '/hello.txt');
    assert.equal(refused.statusCode, 404);
    assert.equal(JSON.parse(await bodyOf(refused)).code, 'INVALID_TOKEN');
  });

  test("another sandbox's port is never reached: each preview is its own sandbox's loopback", async () => {
    await startProcess('neighbour', 'python3 -m http.server 8095 --bind 127.0.0.1', 'web');
    const neighbour = await exposed('neighbour', 8095);
    assert.equal((await untilListening(neighbour)).statusCode, 200);
    const own = await exposed('previews', 8095);
    const answer = await previewRequest(own);
    assert.equal(answer.statusCode, 502);
    assert.match(await bodyOf(answer), /Port 8095 is not listening yet/);
    // A preview host naming the neighbour with our token is refused.
    const crossed = own.replace('-previews-', '-neighbour-');
    assert.equal((await previewRequest(crossed)).statusCode, 404);
  });
});
