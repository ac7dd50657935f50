// Directory backups (POST/GET /v1/sandboxes/{id}/backups, .../{b}/restore, .../{b}/archive,
// DELETE): squashfs archives made and unpacked inside a real sandbox with Debian's
// squashfs-tools, kept in the engine's state, checked file by file with SHA-256.
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { startEngine } from './support/engine.mjs';

let engine;
let sandbox;

const api = (method, path, body) => engine.api(method, path, body);

const backup = (id, options) => api('POST', `/v1/sandboxes/${id}/backups`, options);
const restore = (id, backupId, body = {}) => api('POST', `/v1/sandboxes/${id}/backups/${backupId}/restore`, body);

const run = (command, id = 'backups') => engine.run(id, command);

// Every file, symlink and directory below dir: path, type, mode, mtime, and content hash
// (symlinks by target), sorted: two trees are equal when these are.
const treeOf = (dir) => run(`cd ${dir} && find . -printf '%p %y %m %TY-%Tm-%Td-%TH:%TM %l\\n' | sort && ` +
  `find . -type f -print0 | sort -z | xargs -0 -r sha256sum`);

before(async () => {
  engine = await startEngine();
  sandbox = engine.client('backups');
  await run('true');
});

after(async () => {
  await engine?.stop();
});

describe('backups', () => {
  test('a tree comes back byte for byte: modes, symlinks, mtimes and names of every script', async () => {
    await run(`mkdir -p /workspace/app/src/deep/er /workspace/app/node_modules/pkg /workspace/app/empty &&
      cd /workspace/app &&
      printf 'console.log(1)\\n' > src/index.js && head -c 300000 /dev/urandom > src/deep/blob.bin &&
      echo secret > src/deep/er/.env && chmod 600 src/deep/er/.env && chmod 755 src/index.js &&
      echo data > 'name with spaces.txt' && echo emoji > 'party 🎉.txt' && echo cjk > '日本語のファイル.txt' &&
      ln -s src/index.js entry && ln -s ../outside-the-tree dangling && echo log > debug.log && echo dep > node_modules/pkg/a.js &&
      touch -h -d '2021-03-04 05:06:07' entry && touch -d '2020-01-02 03:04:05' src/index.js`);
    const before = await treeOf('/workspace/app');
    const made = await backup('backups', { dir: '/workspace/app', name: 'before the refactor' });
    assert.equal(made.status, 200, JSON.stringify(made.body));
    assert.match(made.body.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(made.body.dir, '/workspace/app');
    assert.equal(made.body.backup.name, 'before the refactor');
    assert.match(made.body.backup.sha256, /^[0-9a-f]{64}$/);

    await run('cd /workspace/app && rm -rf src && echo broken > index.js && chmod 700 empty');
    const restored = await restore('backups', made.body.id);
    assert.equal(restored.status, 200, JSON.stringify(restored.body));
    assert.deepEqual({ success: restored.body.success, dir: restored.body.dir, id: restored.body.id },
      { success: true, dir: '/workspace/app', id: made.body.id });
    assert.equal(await treeOf('/workspace/app'), before);
    assert.equal(await run('ls -a /workspace | grep -c sandbench-restore || true'), '0', 'no work directory is left');

    const listed = (await api('GET', '/v1/sandboxes/backups/backups')).body.backups;
    assert.ok(listed.some((entry) => entry.id === made.body.id && entry.dir === '/workspace/app' && !entry.expired));
  });

  test('excludes apply at any depth; .gitignore only when asked, nested and parent rules both', async () => {
    await run(`rm -rf /workspace/repo && mkdir -p /workspace/repo/pkg/dist /workspace/repo/pkg/src /workspace/repo/cache/x &&
      cd /workspace/repo && git init -q && printf '*.log\\n' > .gitignore && printf 'dist/\\n' > pkg/.gitignore &&
      echo keep > pkg/keep.txt && echo out > pkg/dist/out.js && echo log > pkg/src/run.log && echo src > pkg/src/a.ts &&
      echo c > cache/x/c.tmp`);
    const plain = await backup('backups', { dir: '/workspace/repo/pkg' });
    const ignoring = await backup('backups', { dir: '/workspace/repo/pkg', gitignore: true, excludes: ['**/cache/**'] });
    const excluding = await backup('backups', { dir: '/workspace/repo', excludes: ['*.tmp', 'dist/**', '**/src/**'] });
    for (const made of [plain, ignoring, excluding]) assert.equal(made.status, 200, JSON.stringify(made.body));
    const filesAfterRestore = async (made, into) => {
      assert.equal((await restore('backups', made.body.id, { dir: into })).status, 200);
      return (await run(`cd ${into} && find . -path ./.git -prune -o -type f -print | sort`)).split('\n');
    };
    assert.deepEqual(await filesAfterRestore(plain, '/tmp/plain'),
      ['./.gitignore', './dist/out.js', './keep.txt', './src/a.ts', './src/run.log']);
    assert.deepEqual(await filesAfterRestore(ignoring, '/tmp/ignoring'), ['./.gitignore', './keep.txt', './src/a.ts']);
    assert.deepEqual(await filesAfterRestore(excluding, '/tmp/excluding'),
      ['./.gitignore', './pkg/.gitignore', './pkg/keep.txt']);
    // Outside any repository, gitignore leaves everything in and says why.
    await run('mkdir -p /tmp/norepo && echo a > /tmp/norepo/a.log');
    const norepo = await backup('backups', { dir: '/tmp/norepo', gitignore: true });
    assert.equal(norepo.status, 200);
    assert.match(norepo.body.warnings[0], /not in a git repository/);
  });

  test('the sandbox\'s git runs confined (core.fsmonitor); a helper the sandbox stops is ended', { timeout: 60000 }, async () => {
    // git reads the repository's own config: a program it names runs as the sandbox's
    // code does, under its seccomp filter (mode 2), never as the engine's helper.
    await run(`rm -rf /workspace/hooked && mkdir -p /workspace/hooked && cd /workspace/hooked && git init -q &&
      printf '#!/bin/sh\\ngrep Seccomp: /proc/self/status > /tmp/hook-ran\\n' > /tmp/hook.sh && chmod +x /tmp/hook.sh &&
      git config core.fsmonitor /tmp/hook.sh && echo x > f`);
    const made = await backup('backups', { dir: '/workspace/hooked', gitignore: true });
    assert.equal(made.status, 200, JSON.stringify(made.body));
    assert.match(await run('cat /tmp/hook-ran'), /Seccomp:\s+2/);
    // mksquashfs stopped by the sandbox (SIGSTOP) does not hold the backups for an hour.
    await run(`mkdir -p /workspace/slow && for i in $(seq 1 64); do head -c 1048576 /dev/urandom > /workspace/slow/r$i; done`);
    await run('nohup sh -c "while true; do pkill -STOP -x mksquashfs; sleep 0.05; done" > /dev/null 2>&1 &');
    const started = Date.now();
    const stopped = await backup('backups', { dir: '/workspace/slow', compression: { format: 'gzip', threads: 1 } });
    await run('pkill -f "pkill -STOP" || true');
    assert.equal(stopped.status, 500, JSON.stringify(stopped.body));
    assert.match(stopped.body.message, /stopped/);
    assert.ok(Date.now() - started < 20000);
    const after = await backup('backups', { dir: '/workspace/hooked' });
    assert.equal(after.status, 200, JSON.stringify(after.body));
    await run('rm -rf /workspace/slow /workspace/hooked');
  });

  test('a backup restores into another allowed directory; the original stays as it is', async () => {
    await run('mkdir -p /workspace/orig && echo one > /workspace/orig/f.txt');
    const made = await backup('backups', { dir: '/workspace/orig' });
    await run('echo two > /workspace/orig/f.txt');
    assert.equal((await restore('backups', made.body.id, { dir: '/home/copy' })).status, 200);
    assert.equal(await run('cat /home/copy/f.txt'), 'one');
    assert.equal(await run('cat /workspace/orig/f.txt'), 'two');
  });

  test('expired, unknown, malformed and misplaced requests get the SDK\'s errors', async () => {
    await run('mkdir -p /workspace/short');
    const short = await backup('backups', { dir: '/workspace/short', ttl: 1 });
    const expired = await restore('backups', short.body.id);
    assert.equal(expired.status, 400);
    assert.equal(expired.body.code, 'BACKUP_EXPIRED');
    assert.equal(expired.body.context.backupId, short.body.id);
    const unknown = await restore('backups', '00000000-0000-4000-8000-000000000000');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, 'BACKUP_NOT_FOUND');
    for (const [options, pattern] of [
      [{ dir: 'workspace/rel' }, /absolute/], [{ dir: '/workspace/../etc' }, /'\.\.'/], [{ dir: '/etc' }, /\/workspace/],
      [{ dir: '/proc/self' }, /\/workspace/], [{}, /dir is required/], [{ dir: '/workspace', ttl: 0 }, /ttl/],
      [{ dir: '/workspace', compression: { format: 'brotli' } }, /gzip, lz4 or zstd/],
      [{ dir: '/workspace', excludes: 'x' }, /excludes/], [{ dir: '/workspace', name: 'a\nb' }, /control/]]) {
      const refused = await backup('backups', options);
      assert.equal(refused.status, 400, JSON.stringify(options));
      assert.equal(refused.body.code, 'INVALID_BACKUP_CONFIG');
      assert.match(refused.body.message, pattern);
    }
    const notUuid = await restore('backups', 'not-a-uuid');
    assert.equal(notUuid.status, 400);
    assert.equal(notUuid.body.code, 'INVALID_BACKUP_CONFIG');
    const intoProc = await restore('backups', short.body.id, { dir: '/proc/self' });
    assert.equal(intoProc.status, 400);
    const missing = await backup('backups', { dir: '/workspace/does-not-exist' });
    assert.equal(missing.status, 500);
    assert.equal(missing.body.code, 'BACKUP_CREATE_FAILED');
  });

  test('a damaged archive is refused and the directory is untouched; a bad import is refused', async () => {
    await run('mkdir -p /workspace/precious && echo original > /workspace/precious/p.txt');
    const made = await backup('backups', { dir: '/workspace/precious' });
    await run('echo edited > /workspace/precious/p.txt');
    const archive = join(engine.stateDir, 'sandboxes', 'backups', 'backups', made.body.id, 'data.sqsh');
    const bytes = readFileSync(archive);
    bytes[bytes.length >> 1] ^= 0xff;
    writeFileSync(archive, bytes);
    const damaged = await restore('backups', made.body.id);
    assert.equal(damaged.status, 500);
    assert.equal(damaged.body.code, 'BACKUP_RESTORE_FAILED');
    assert.match(damaged.body.message, /SHA-256/);
    assert.equal(await run('cat /workspace/precious/p.txt'), 'edited');

    // An archive that passes its own checksum (imported) but fails to unpack: same answer.
    const good = await backup('backups', { dir: '/workspace/precious' });
    const download = await fetch(`${engine.url}/v1/sandboxes/backups/backups/${good.body.id}/archive`);
    assert.equal(download.status, 200);
    assert.equal(download.headers.get('x-backup-sha256'), good.body.backup.sha256);
    const truncated = Buffer.from(await download.arrayBuffer()).subarray(0, 200);
    const id = '11111111-2222-4333-8444-555555555555';
    const imported = await fetch(`${engine.url}/v1/sandboxes/backups/backups/${id}/archive?dir=/workspace/precious`,
      { method: 'PUT', body: truncated });
    assert.equal(imported.status, 200, await imported.clone().text());
    const broken = await restore('backups', id);
    assert.equal(broken.status, 500);
    assert.equal(broken.body.code, 'BACKUP_RESTORE_FAILED');
    assert.equal(await run('cat /workspace/precious/p.txt'), 'edited');
    assert.equal(await run('ls -a /workspace | grep -c sandbench-restore || true'), '0');

    const notSquashfs = await fetch(`${engine.url}/v1/sandboxes/backups/backups/22222222-2222-4333-8444-555555555555/archive?dir=/workspace/x`,
      { method: 'PUT', body: 'this is no archive at all, not even close to ninety-six bytes of squashfs superblock....' });
    assert.equal(notSquashfs.status, 400);
  });

  test('an archive downloaded from one sandbox restores in another; DELETE removes it', async () => {
    await run('mkdir -p /workspace/moving && head -c 100000 /dev/urandom > /workspace/moving/r.bin');
    const sum = await run('sha256sum < /workspace/moving/r.bin');
    const made = await backup('backups', { dir: '/workspace/moving' });
    const archive = Buffer.from(await (await fetch(`${engine.url}/v1/sandboxes/backups/backups/${made.body.id}/archive`)).arrayBuffer());
    await run('true', 'other');
    const imported = await fetch(`${engine.url}/v1/sandboxes/other/backups/${made.body.id}/archive?dir=/workspace/moving&name=moved`,
      { method: 'PUT', body: archive });
    assert.equal(imported.status, 200);
    const importedBackup = (await imported.json()).backup;
    assert.equal(importedBackup.sha256, made.body.backup.sha256);
    // Made when mksquashfs ran (the time in the archive's header), not at the import.
    const headerTime = new Date(archive.readUInt32LE(8) * 1000).toISOString();
    assert.equal(importedBackup.madeAt, headerTime);
    assert.ok(Math.abs(Date.parse(importedBackup.madeAt) - Date.parse(made.body.backup.createdAt)) < 60000);
    assert.ok(Date.parse(importedBackup.createdAt) >= Date.parse(made.body.backup.createdAt));
    const timeless = Buffer.from(archive);
    timeless.writeUInt32LE(0, 8); // no time worth saying: none is claimed
    const second = await fetch(`${engine.url}/v1/sandboxes/other/backups/33333333-3333-4333-8444-555555555555/archive?dir=/workspace/x`,
      { method: 'PUT', body: timeless });
    assert.equal(second.status, 200);
    assert.equal((await second.json()).backup.madeAt, undefined);
    assert.equal((await restore('other', made.body.id)).status, 200);
    assert.equal(await run('sha256sum < /workspace/moving/r.bin', 'other'), sum);
    const removed = await api('DELETE', `/v1/sandboxes/other/backups/${made.body.id}`);
    assert.equal(removed.status, 200);
    assert.equal((await restore('other', made.body.id)).status, 404);
    await api('DELETE', '/v1/sandboxes/other');
  });

  test('/workspace itself restores (a mount point: its entries are swapped); a link is refused', async () => {
    await run('mkdir -p /workspace/top/inner && echo one > /workspace/top/inner/f && echo w > /workspace/w.txt', 'ws');
    const made = await backup('ws', { dir: '/workspace' });
    assert.equal(made.status, 200, JSON.stringify(made.body));
    const before = await run('cd /workspace && find . | sort && cat w.txt top/inner/f', 'ws');
    await run('rm -rf /workspace/top && echo changed > /workspace/w.txt && echo new > /workspace/extra', 'ws');
    const restored = await restore('ws', made.body.id);
    assert.equal(restored.status, 200, JSON.stringify(restored.body));
    assert.equal(await run('cd /workspace && find . | sort && cat w.txt top/inner/f', 'ws'), before);
    // A folder that is a link (a bucket mount's path is one) is refused, and kept.
    await run('mkdir -p /tmp/real && ln -s /tmp/real /workspace/linked', 'ws');
    const intoLink = await restore('ws', made.body.id, { dir: '/workspace/linked' });
    assert.equal(intoLink.status, 500);
    assert.match(intoLink.body.message, /symbolic link/);
    assert.equal(await run('readlink /workspace/linked', 'ws'), '/tmp/real');
    await api('DELETE', '/v1/sandboxes/ws');
  });

  test('a stored archive cannot be written by its sandbox; restoring /tmp keeps the agent\'s own files', async () => {
    await run('mkdir -p /tmp/mine && echo one > /tmp/mine/f', 'ws2');
    const made = await backup('ws2', { dir: '/tmp' });
    assert.equal(made.status, 200, JSON.stringify(made.body));
    const archive = join(engine.stateDir, 'sandboxes', 'ws2', 'backups', made.body.id, 'data.sqsh');
    if (process.getuid() === 0) { // a sandbox with a uid of its own: the archive is the engine's
      const info = statSync(archive);
      assert.equal(info.uid, 0);
      assert.equal(info.mode & 0o777, 0o644);
    }
    await run('echo two > /tmp/mine/f && touch /tmp/later', 'ws2');
    const restored = await restore('ws2', made.body.id);
    assert.equal(restored.status, 200, JSON.stringify(restored.body));
    assert.equal(await run('cat /tmp/mine/f && ls /tmp', 'ws2'), 'one\nmine');
    // The agent's scratch directory (/tmp/.sandbench) stayed: commands and processes still run.
    await engine.client('ws2').processes.startProcess('sleep 1', 'default');
    assert.equal(await run('echo still here', 'ws2'), 'still here');
    await api('DELETE', '/v1/sandboxes/ws2');
  });

  test('the container protocol: BackupClient.createArchive and restoreArchive in /var/backups', async () => {
    await run(`mkdir -p "/workspace/proto/sub dir" && cd /workspace/proto && echo one > a.txt &&
      echo 'é 漢字 🙂' > "sub dir/ünï.txt" && chmod 640 a.txt && ln -s a.txt link && mkdir skip && echo x > skip/x &&
      echo log > b.log && touch -d 2020-01-02T03:04:05 a.txt`);
    const before = await treeOf('/workspace/proto');
    const made = await sandbox.backup.createArchive('/workspace/proto', '/var/backups/p1.sqsh', 'default',
      { excludes: ['skip', '*.log'], compression: { format: 'gzip', threads: 1 } });
    assert.equal(made.success, true);
    assert.equal(made.archivePath, '/var/backups/p1.sqsh');
    assert.equal(Number(await run('stat -c %s /var/backups/p1.sqsh')), made.sizeBytes);
    assert.equal(await run('ls /var/backups'), 'p1.sqsh'); // the exclude list is gone
    await run('rm -rf /workspace/proto/sub\\ dir && echo changed > /workspace/proto/a.txt && touch /workspace/proto/new');
    const restored = await sandbox.backup.restoreArchive('/workspace/proto', '/var/backups/p1.sqsh', 'default');
    assert.equal(restored.success, true);
    assert.equal(restored.dir, '/workspace/proto');
    const expected = before.split('\n').filter((line) => !/skip|b\.log/.test(line)).join('\n');
    assert.equal(await treeOf('/workspace/proto'), expected);
    assert.equal(await run('ls -a /workspace | grep -c sandbench-restore || true'), '0');
    // Errors: the protocol's, and a failed restore leaves the directory as it was.
    const post = (route, body) => api('POST', `/v1/sandboxes/backups/api/backup/${route}`, body);
    for (const body of [{ dir: 'rel', archivePath: '/var/backups/x.sqsh' }, { dir: '/workspace/a/../b', archivePath: '/var/backups/x.sqsh' },
      { dir: '/workspace/proto', archivePath: '/tmp/x.sqsh' }, { dir: '/workspace/proto', archivePath: '/var/backups/../x' },
      { dir: '/workspace/proto' }, { dir: '/workspace/proto', archivePath: '/var/backups/x.sqsh', excludes: 'skip' }]) {
      const answer = await post('create', body);
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.equal(answer.body.code, 'INVALID_BACKUP_CONFIG');
    }
    const missingDir = await post('create', { dir: '/workspace/none', archivePath: '/var/backups/n.sqsh' });
    assert.equal(missingDir.status, 500);
    assert.equal(missingDir.body.code, 'BACKUP_CREATE_FAILED');
    const intoProc = await post('restore', { dir: '/proc/sandbench', archivePath: '/var/backups/p1.sqsh' });
    assert.equal(intoProc.body.code, 'BACKUP_RESTORE_FAILED');
    await run('head -c 200 /var/backups/p1.sqsh > /var/backups/broken.sqsh'); // the superblock, no tables
    const broken = await post('restore', { dir: '/workspace/proto', archivePath: '/var/backups/broken.sqsh' });
    assert.equal(broken.status, 500);
    assert.equal(broken.body.code, 'BACKUP_RESTORE_FAILED');
    assert.equal(await treeOf('/workspace/proto'), expected);
    const noArchive = await post('restore', { dir: '/workspace/proto', archivePath: '/var/backups/none.sqsh' });
    assert.equal(noArchive.body.code, 'BACKUP_RESTORE_FAILED');
    await run('rm -rf /workspace/proto /var/backups/*');
  });

  test('1 GiB of mixed files round-trips by the SHA-256 of every file', { timeout: 300000 }, async () => {
    await run(`mkdir -p /workspace/big/text /workspace/big/bin && cd /workspace/big &&
      for i in $(seq 1 7); do head -c 134217728 /dev/urandom > bin/r$i.bin; done &&
      head -c 167772160 /dev/zero > bin/zeros.bin &&
      for i in $(seq 1 2000); do seq $i $((i + 500)) > text/f$i.txt; done && ln -s bin/r1.bin first`);
    const before = await treeOf('/workspace/big');
    assert.ok(Number(await run('du -sb /workspace/big | cut -f1')) >= 1024 * 1024 * 1024);
    const made = await backup('backups', { dir: '/workspace/big', compression: { format: 'lz4', threads: 2 } });
    assert.equal(made.status, 200, JSON.stringify(made.body));
    await run('rm -rf /workspace/big/bin && echo changed > /workspace/big/text/f1.txt');
    assert.equal((await restore('backups', made.body.id)).status, 200);
    assert.equal(await treeOf('/workspace/big'), before);
    await run('rm -rf /workspace/big');
    await api('DELETE', `/v1/sandboxes/backups/backups/${made.body.id}`);
  });
});
