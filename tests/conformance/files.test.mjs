// The published SDK's FileClient against a real engine (behaviours.md [Files]).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { collectFile } from '@cloudflare/sandbox';

import { startEngine } from './support/engine.mjs';

let engine;
let sandbox;
const dir = '/workspace/files-conformance';

before(async () => {
  engine = await startEngine();
  sandbox = engine.client('files');
});

after(async () => {
  await engine?.stop();
});

test('write into a missing directory, then read back', async () => {
  const written = await sandbox.files.writeFile(`${dir}/new/deep/hello.txt`, 'Hello, files!\n', 'fs');
  assert.equal(written.success, true);
  const read = await sandbox.files.readFile(`${dir}/new/deep/hello.txt`, 'fs');
  assert.equal(read.content, 'Hello, files!\n');
  assert.equal(read.encoding, 'utf-8');
  assert.equal(read.isBinary, false);
  assert.equal(read.mimeType, 'text/plain');
  assert.equal(read.size, 14);
});

test('binary content round-trips as base64', async () => {
  const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]);
  await sandbox.files.writeFile(`${dir}/image.png`, bytes.toString('base64'), 'fs', { encoding: 'base64' });
  const read = await sandbox.files.readFile(`${dir}/image.png`, 'fs');
  assert.equal(read.isBinary, true);
  assert.equal(read.encoding, 'base64');
  assert.deepEqual(Buffer.from(read.content, 'base64'), bytes);
});

test('invalid base64 is a validation error', async () => {
  await assert.rejects(sandbox.files.writeFile(`${dir}/bad.bin`, 'not base64!', 'fs', { encoding: 'base64' }),
    (error) => error.code === 'VALIDATION_FAILED');
});

test('mkdir, rename, move, list recursively, delete, exists', async () => {
  await sandbox.files.mkdir(`${dir}/project/src/utils`, 'fs', { recursive: true });
  await sandbox.files.writeFile(`${dir}/project/src/utils/greeter.js`, 'export const hi = 1;\n', 'fs');
  await sandbox.files.writeFile(`${dir}/project/config.json`, '{}', 'fs');
  await sandbox.files.renameFile(`${dir}/project/config.json`, `${dir}/project/settings.json`, 'fs');
  await sandbox.files.mkdir(`${dir}/project/backup`, 'fs');
  await sandbox.files.moveFile(`${dir}/project/settings.json`, `${dir}/project/backup/settings.json`, 'fs');
  const listed = await sandbox.files.listFiles(`${dir}/project`, 'fs', { recursive: true });
  const relative = listed.files.map((file) => file.relativePath).sort();
  assert.deepEqual(relative, ['backup', 'backup/settings.json', 'src', 'src/utils', 'src/utils/greeter.js']);
  const greeter = listed.files.find((file) => file.name === 'greeter.js');
  assert.equal(greeter.type, 'file');
  assert.equal(greeter.mode, 'rw-r--r--');
  assert.equal(greeter.permissions.readable, true);
  assert.equal((await sandbox.files.exists(`${dir}/project/backup/settings.json`, 'fs')).exists, true);
  await sandbox.files.deleteFile(`${dir}/project/backup/settings.json`, 'fs');
  assert.equal((await sandbox.files.exists(`${dir}/project/backup/settings.json`, 'fs')).exists, false);
});

test('deleteFile refuses a directory and keeps it', async () => {
  await sandbox.files.mkdir(`${dir}/keep`, 'fs', { recursive: true });
  await assert.rejects(sandbox.files.deleteFile(`${dir}/keep`, 'fs'),
    (error) => error.code === 'IS_DIRECTORY' && /Cannot delete directory/.test(error.message) && /deleteFile\(\)/.test(error.message));
  assert.equal((await sandbox.files.exists(`${dir}/keep`, 'fs')).exists, true);
});

test('missing targets are FileNotFoundError', async () => {
  for (const attempt of [
    () => sandbox.files.deleteFile(`${dir}/missing.txt`, 'fs'),
    () => sandbox.files.listFiles(`${dir}/missing-dir`, 'fs'),
    () => sandbox.files.renameFile(`${dir}/missing.txt`, `${dir}/x.txt`, 'fs'),
    () => sandbox.files.moveFile(`${dir}/missing.txt`, `${dir}/x.txt`, 'fs'),
    () => sandbox.files.readFile(`${dir}/missing.txt`, 'fs'),
  ]) {
    await assert.rejects(attempt(), (error) =>
      error.name === 'FileNotFoundError' && error.httpStatus === 404 && /not found|does not exist|no such file/i.test(error.message));
  }
});

test('hidden files are listed only when asked', async () => {
  const hidden = `${dir}/.hidden/foo`;
  for (const name of ['visible1.txt', 'visible2.txt', '.hiddenfile.txt']) {
    await sandbox.files.writeFile(`${hidden}/${name}`, name, 'fs');
  }
  await sandbox.files.mkdir(`${hidden}/bar`, 'fs');
  assert.equal((await sandbox.files.listFiles(hidden, 'fs')).files.length, 3);
  assert.equal((await sandbox.files.listFiles(hidden, 'fs', { includeHidden: true })).files.length, 4);
});

test('relative paths resolve against the session directory', async () => {
  await sandbox.utils.createSession({ id: 'reldir', cwd: '/tmp' });
  await sandbox.files.writeFile('relative.txt', 'in tmp', 'reldir');
  assert.equal((await sandbox.files.readFile('/tmp/relative.txt', 'fs')).content, 'in tmp');
  const listed = await sandbox.files.listFiles('.', 'reldir');
  assert.ok(listed.files.some((file) => file.name === 'relative.txt'));
});

test('readFileStream of a small text file', async () => {
  const content = 'line one\nline two\nline three\nline four\n';
  await sandbox.files.writeFile(`${dir}/stream.txt`, content, 'fs');
  const { content: streamed, metadata } = await collectFile(await sandbox.files.readFileStream(`${dir}/stream.txt`, 'fs'));
  assert.equal(metadata.mimeType, 'text/plain');
  assert.equal(streamed, content);
});

test('a file written by a command is read by the file API and vice versa', async () => {
  await sandbox.commands.execute(`printf 'from shell' > ${dir}/shell.txt`, 'fs');
  assert.equal((await sandbox.files.readFile(`${dir}/shell.txt`, 'fs')).content, 'from shell');
  await sandbox.files.writeFile(`${dir}/api.txt`, 'from api', 'fs');
  assert.equal((await sandbox.commands.execute(`cat ${dir}/api.txt`, 'fs')).stdout, 'from api');
});

test('a chunked upload to /files keeps every byte (bodies without Content-Length)', async () => {
  const parts = ['new\n', 'x'.repeat(70000), '\nend\n'];
  const body = new ReadableStream({
    async start(controller) {
      for (const part of parts) {
        controller.enqueue(new TextEncoder().encode(part));
        await new Promise((resolve) => setTimeout(resolve, 20)); // separate chunks on the wire
      }
      controller.close();
    },
  });
  const response = await fetch(`${engine.url}/v1/sandboxes/files/files?path=/workspace/chunked.txt`,
    { method: 'PUT', body, duplex: 'half' });
  assert.equal(response.status, 200, await response.clone().text());
  assert.equal((await response.json()).size, parts.join('').length);
  assert.equal((await sandbox.files.readFile('/workspace/chunked.txt')).content, parts.join(''));
});
