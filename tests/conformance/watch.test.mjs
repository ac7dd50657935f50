// The published SDK's WatchClient against a real engine (behaviours.md [Watch]).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { parseSSEStream } from '@cloudflare/sandbox';

import { startEngine } from './support/engine.mjs';

let engine;
let sandbox;
const dir = '/workspace/watched';

before(async () => {
  engine = await startEngine();
  sandbox = engine.client('watch');
  await sandbox.files.mkdir(dir, 'w', { recursive: true });
});

after(async () => {
  await engine?.stop();
});

// Reads events until predicate(events) holds or the time runs out, then cancels the stream.
async function eventsUntil(stream, predicate, timeoutMs = 8000) {
  const events = [];
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    for await (const event of parseSSEStream(stream, controller.signal)) {
      events.push(event);
      if (predicate(events)) break;
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
  }
  return events;
}

test('watching comes first, then create, modify and delete', async () => {
  const stream = await sandbox.watch.watch({ path: dir, sessionId: 'w' });
  const writes = (async () => {
    await sleep(100);
    await sandbox.files.writeFile(`${dir}/newfile.txt`, 'one', 'w');
    await sleep(200);
    await sandbox.files.writeFile(`${dir}/newfile.txt`, 'two', 'w');
    await sleep(200);
    await sandbox.files.deleteFile(`${dir}/newfile.txt`, 'w');
  })();
  const events = await eventsUntil(stream, (seen) => seen.some((e) => e.eventType === 'delete'));
  await writes;
  assert.equal(events[0].type, 'watching');
  assert.equal(events[0].path, dir);
  assert.ok(events[0].watchId);
  const changes = events.filter((e) => e.type === 'event').map((e) => `${e.eventType} ${e.path}`);
  assert.deepEqual(changes, [`create ${dir}/newfile.txt`, `modify ${dir}/newfile.txt`, `delete ${dir}/newfile.txt`]);
});

test('default excludes hide node_modules and .git', async () => {
  await sandbox.files.mkdir(`${dir}/node_modules/pkg`, 'w', { recursive: true });
  await sandbox.files.mkdir(`${dir}/.git`, 'w', { recursive: true });
  const stream = await sandbox.watch.watch({ path: dir, sessionId: 'w' });
  await sandbox.files.writeFile(`${dir}/node_modules/pkg/index.js`, 'x', 'w');
  await sandbox.files.writeFile(`${dir}/.git/HEAD`, 'x', 'w');
  await sandbox.files.writeFile(`${dir}/app.ts`, 'x', 'w');
  const events = await eventsUntil(stream, (seen) => seen.some((e) => e.path?.endsWith('app.ts')));
  assert.ok(events.some((e) => e.path?.endsWith('app.ts')));
  assert.ok(!events.some((e) => e.type === 'event' && /node_modules|\.git/.test(e.path)));
});

test('include and exclude together are rejected', async () => {
  await assert.rejects(sandbox.watch.watch({ path: dir, include: ['*.ts'], exclude: ['x'] }),
    (error) => error.code === 'VALIDATION_FAILED');
});

test('a path outside the workspace is refused', async () => {
  await assert.rejects(sandbox.watch.watch({ path: '/etc' }), (error) => error.code === 'PERMISSION_DENIED');
});

test('cancel after the first chunk, then watch again', async () => {
  const first = await sandbox.watch.watch({ path: dir });
  const reader = first.getReader();
  await reader.read();
  await reader.cancel();
  const second = await sandbox.watch.watch({ path: dir });
  const events = await eventsUntil(second, (seen) => seen.length >= 1);
  assert.equal(events[0].type, 'watching');
});

test('checkChanges versions', async () => {
  const first = await sandbox.watch.checkChanges({ path: dir });
  assert.equal(first.status, 'unchanged');
  assert.match(first.version, /^watch-\d+-\d+:0$/);
  await sandbox.files.writeFile(`${dir}/changed.txt`, 'x', 'w');
  await sleep(200);
  const second = await sandbox.watch.checkChanges({ path: dir, since: first.version });
  assert.equal(second.status, 'changed');
  const third = await sandbox.watch.checkChanges({ path: dir, since: second.version });
  assert.equal(third.status, 'unchanged');
  await assert.rejects(sandbox.watch.checkChanges({ path: dir, since: '' }), (error) => error.code === 'VALIDATION_FAILED');
});
