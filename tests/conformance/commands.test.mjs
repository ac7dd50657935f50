// The published @cloudflare/sandbox SandboxClient against a real engine:
// commands, sessions and background processes (behaviours.md [Commands], [Sessions]).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { collectEvents, startEngine } from './support/engine.mjs';

let engine;
let sandbox;

before(async () => {
  engine = await startEngine();
  sandbox = engine.client('conformance');
});

after(async () => {
  await engine?.stop();
});

describe('utility', () => {
  test('ping and version', async () => {
    assert.equal(await sandbox.utils.ping(), 'pong');
    assert.equal(typeof (await sandbox.utils.getVersion()), 'string');
  });
});

describe('commands', () => {
  test('echo and pwd in a fresh session', async () => {
    const result = await sandbox.commands.execute('echo "Hello from sandbox"', 'fresh');
    assert.equal(result.exitCode, 0);
    assert.equal(result.success, true);
    assert.match(result.stdout, /Hello from sandbox/);
    assert.equal((await sandbox.commands.execute('pwd', 'fresh')).stdout.trim(), '/workspace');
  });

  test('non-zero exit resolves with success false', async () => {
    const result = await sandbox.commands.execute('sh -c "exit 42"', 'codes');
    assert.equal(result.exitCode, 42);
    assert.equal(result.success, false);
    const missing = await sandbox.commands.execute('nonexistentcommand123', 'codes');
    assert.equal(missing.exitCode, 127);
  });

  test('the answer says how long the command took (duration, ms)', async () => {
    const timed = await engine.api('POST', '/v1/sandboxes/conformance/api/execute',
      { command: 'sleep 0.3', sessionId: '__DISABLE_SESSION__' });
    assert.equal(timed.status, 200);
    assert.ok(timed.body.duration >= 250 && timed.body.duration < 10000, JSON.stringify(timed.body));
  });

  test('stdin is empty', async () => {
    assert.equal((await sandbox.commands.execute('cat', 'stdin')).stdout, '');
  });

  test('cwd and env are per command', async () => {
    await sandbox.commands.execute('export OVERRIDE_TEST=session-level', 'scoped');
    const scoped = await sandbox.commands.execute('pwd; echo $OVERRIDE_TEST', 'scoped', {
      cwd: '/tmp', env: { OVERRIDE_TEST: 'command-level' },
    });
    assert.equal(scoped.stdout.trim(), '/tmp\ncommand-level');
    const plain = await sandbox.commands.execute('pwd; echo $OVERRIDE_TEST', 'scoped');
    assert.equal(plain.stdout.trim(), '/workspace\nsession-level');
  });

  test('session timeout rejects with a command error', async () => {
    const started = Date.now();
    await assert.rejects(sandbox.commands.execute('sleep 30', 'timeouts', { timeoutMs: 1000 }),
      (error) => error.code === 'COMMAND_EXECUTION_ERROR' && /timeout/i.test(error.message));
    assert.ok(Date.now() - started < 15000);
  });

  test('sessionless timeout resolves with exit code 124', async () => {
    const result = await sandbox.commands.execute('sleep 1', '__DISABLE_SESSION__', { timeoutMs: 50 });
    assert.equal(result.exitCode, 124);
    assert.equal(result.success, false);
    assert.match(result.stderr, /Command timed out after 50ms/);
  });

  test('exit in a session is SessionTerminatedError, then a fresh shell', async () => {
    await assert.rejects(sandbox.commands.execute('exit 1', 'exiting'), (error) =>
      error.name === 'SessionTerminatedError' && error.code === 'SESSION_TERMINATED' &&
      error.httpStatus === 410 && /shell exited/i.test(error.message) && /exit code:?\s*1/i.test(error.message));
    assert.equal((await sandbox.commands.execute('echo again', 'exiting')).stdout.trim(), 'again');
  });

  test('executeStream yields start, output and complete', async () => {
    const stream = await sandbox.commands.executeStream('for i in 1 2 3; do echo "step $i"; sleep 0.2; done', 'streams');
    const events = await collectEvents(stream);
    assert.equal(events[0].type, 'start');
    assert.equal(events.at(-1).type, 'complete');
    assert.equal(events.at(-1).exitCode, 0);
    const stdout = events.filter((e) => e.type === 'stdout').map((e) => e.data).join('');
    assert.equal(stdout, 'step 1\nstep 2\nstep 3\n');
  });

  test('executeStream of a missing command completes with 127', async () => {
    const events = await collectEvents(await sandbox.commands.executeStream('nonexistentcommand123', 'streams'));
    assert.equal(events.at(-1).exitCode, 127);
    assert.ok(events.some((e) => e.type === 'stderr' && /not found/.test(e.data)));
  });

  test('executeStream honours env', async () => {
    const events = await collectEvents(await sandbox.commands.executeStream('echo "$STREAM_VAR"', 'streams', {
      env: { STREAM_VAR: 'stream-env-value' },
    }));
    assert.equal(events.filter((e) => e.type === 'stdout').map((e) => e.data).join('').trim(), 'stream-env-value');
  });

  test('cancelling a stream early leaves the sandbox healthy', async () => {
    const stream = await sandbox.commands.executeStream('for i in $(seq 1 50); do echo $i; sleep 0.1; done', 'cancel');
    const reader = stream.getReader();
    await reader.read();
    await reader.cancel();
    assert.equal((await sandbox.commands.execute('echo healthy', 'cancel')).stdout.trim(), 'healthy');
  });
});

describe('sessions', () => {
  test('sessions have separate env and cwd', async () => {
    await sandbox.utils.createSession({ id: 'prod', env: { APP_ENV: 'production' }, cwd: '/workspace' });
    await sandbox.utils.createSession({ id: 'test', env: { APP_ENV: 'test' }, cwd: '/tmp' });
    assert.equal((await sandbox.commands.execute('echo $APP_ENV; pwd', 'prod')).stdout.trim(), 'production\n/workspace');
    assert.equal((await sandbox.commands.execute('echo $APP_ENV; pwd', 'test')).stdout.trim(), 'test\n/tmp');
  });

  test('duplicate create is SESSION_ALREADY_EXISTS with a placement id', async () => {
    await assert.rejects(sandbox.utils.createSession({ id: 'prod' }), (error) =>
      error.code === 'SESSION_ALREADY_EXISTS' && error.httpStatus === 409 && 'containerPlacementId' in error.context);
  });

  test('delete, then the id is a fresh session', async () => {
    const deleted = await sandbox.utils.deleteSession('prod');
    assert.equal(deleted.success, true);
    assert.equal(deleted.sessionId, 'prod');
    assert.equal((await sandbox.commands.execute('echo "[$APP_ENV]"', 'prod')).stdout.trim(), '[]');
  });

  test('deleting an unknown session fails', async () => {
    await assert.rejects(sandbox.utils.deleteSession('never-created'), (error) => error.code === 'INTERNAL_ERROR');
  });
});

describe('processes', () => {
  test('start, list, get, logs and kill', async () => {
    const started = await sandbox.processes.startProcess('echo ready; sleep 30', 'procs', { processId: 'p-sleep' });
    assert.equal(started.processId, 'p-sleep');
    assert.equal(typeof started.pid, 'number');
    const listed = await sandbox.processes.listProcesses();
    assert.ok(listed.processes.some((p) => p.id === 'p-sleep' && p.status === 'running'));
    const info = await sandbox.processes.getProcess('p-sleep');
    assert.equal(info.process.status, 'running');
    await sleep(200);
    assert.equal((await sandbox.processes.getProcessLogs('p-sleep')).stdout, 'ready\n');
    await sandbox.processes.killProcess('p-sleep');
    const killed = await sandbox.processes.getProcess('p-sleep');
    assert.equal(killed.process.status, 'killed');
    assert.equal(killed.process.exitCode, 143);
  });

  test('unknown process is ProcessNotFoundError', async () => {
    await assert.rejects(sandbox.processes.killProcess('fake-process-id-12345'),
      (error) => error.name === 'ProcessNotFoundError' && error.httpStatus === 404 && /not found/.test(error.message));
  });

  test('killAllProcesses ends every running process', async () => {
    await sandbox.processes.startProcess('sleep 30', 'procs');
    await sandbox.processes.startProcess('sleep 30', 'procs');
    const result = await sandbox.processes.killAllProcesses();
    assert.ok(result.cleanedCount >= 2);
    const listed = await sandbox.processes.listProcesses();
    assert.ok(!listed.processes.some((p) => p.status === 'running'));
  });

  test('streamProcessLogs replays and follows to exit', async () => {
    await sandbox.processes.startProcess('echo first; sleep 0.5; echo second', 'procs', { processId: 'p-logs' });
    const events = await collectEvents(await sandbox.processes.streamProcessLogs('p-logs'));
    assert.equal(events[0].type, 'process_info');
    assert.equal(events.at(-1).type, 'exit');
    assert.equal(events.at(-1).exitCode, 0);
    const output = events.filter((e) => e.type === 'stdout').map((e) => e.data).join('');
    assert.match(output, /first\n[\s\S]*second\n/);
  });

  test('foreground commands are not blocked by a background process', async () => {
    await sandbox.processes.startProcess('sleep 60', 'busy');
    const started = Date.now();
    assert.equal((await sandbox.commands.execute('echo "test"', 'busy')).stdout.trim(), 'test');
    assert.ok(Date.now() - started < 4000);
    await sandbox.processes.killAllProcesses();
  });
});
