// Bucket mounts (POST/GET/DELETE /v1/sandboxes/{id}/mounts): Debian's s3fs inside a real
// sandbox against a real S3-compatible server on loopback (s3rver from npm, started here),
// checked from outside with the AWS SDK's S3 client. s3rver verifies access key ids and
// signature V2 (V4 signatures it does not check): the wrong-secret case signs with V2.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

import { startEngine } from './support/engine.mjs';

const KEY = 'S3RVER'; // s3rver's built-in account
const SECRET = 'S3RVER';
const credentials = { accessKeyId: KEY, secretAccessKey: SECRET };

let engine;
let sandbox;
let s3;
let s3Server;
let s3Port;
let tlsServer;
let tlsPort;
let s3Dir;

const api = (method, path, body) => engine.api(method, path, body);

const mount = (id, bucket, mountPath, options) =>
  api('POST', `/v1/sandboxes/${id}/mounts`, { bucket, mountPath, options });
const unmount = (id, path) => api('DELETE', `/v1/sandboxes/${id}/mounts?path=${encodeURIComponent(path)}`);
const mounts = async (id) => (await api('GET', `/v1/sandboxes/${id}/mounts`)).body.mounts;

async function run(command) {
  return sandbox.commands.execute(command, 'default');
}

async function objectText(bucket, key) {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return object.Body.transformToString();
}

before(async () => {
  s3Dir = mkdtempSync(join(tmpdir(), 'sandbench-s3rver-'));
  s3Server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: join(s3Dir, 'plain'),
    configureBuckets: [{ name: 'data' }, { name: 'other' }] });
  s3Port = (await s3Server.run()).port;
  // The same server behind TLS (a self-signed certificate for localhost): s3fs's HTTPS
  // passes the engine's relay as CONNECT, so the sandbox talks TLS to the server itself.
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(s3Dir, 'key.pem'),
    '-out', join(s3Dir, 'cert.pem'), '-days', '2', '-subj', '/CN=localhost'], { stdio: 'ignore' });
  tlsServer = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: join(s3Dir, 'tls'),
    key: readFileSync(join(s3Dir, 'key.pem')), cert: readFileSync(join(s3Dir, 'cert.pem')),
    configureBuckets: [{ name: 'secure' }] });
  tlsPort = (await tlsServer.run()).port;
  s3 = new S3Client({ endpoint: `http://127.0.0.1:${s3Port}`, region: 'us-east-1', forcePathStyle: true, credentials });
  engine = await startEngine();
  sandbox = engine.client('storage');
  await run('true'); // created and started
});

after(async () => {
  await engine?.stop();
  await s3Server?.close();
  await tlsServer?.close();
  if (s3Dir) rmSync(s3Dir, { recursive: true, force: true });
});

describe('bucket mounts', () => {
  test('files written in the sandbox land in the bucket, and objects show up as files', async () => {
    const mounted = await mount('storage', 'data', '/mnt/data', { endpoint: `http://127.0.0.1:${s3Port}`, credentials });
    assert.equal(mounted.status, 200, JSON.stringify(mounted.body));
    assert.equal(mounted.body.mount.state, 'mounted');
    assert.equal(mounted.body.mount.mountPath, '/mnt/data');

    const written = await run('printf "from the sandbox" > /mnt/data/hello.txt && mkdir -p /mnt/data/dir && echo nested > /mnt/data/dir/n.txt');
    assert.equal(written.exitCode, 0, written.stderr);
    assert.equal(await objectText('data', 'hello.txt'), 'from the sandbox');
    assert.equal(await objectText('data', 'dir/n.txt'), 'nested\n');

    await s3.send(new PutObjectCommand({ Bucket: 'data', Key: 'from-s3.txt', Body: 'put through the S3 API' }));
    const read = await run('cat /mnt/data/from-s3.txt');
    assert.equal(read.stdout, 'put through the S3 API');
    // The container protocol's file routes see the mount like any directory.
    const listed = await sandbox.files.listFiles('/mnt/data');
    assert.deepEqual(listed.files.map((file) => file.name).sort(), ['dir', 'from-s3.txt', 'hello.txt']);
    assert.equal((await sandbox.files.readFile('/mnt/data/hello.txt')).content, 'from the sandbox');

    // s3fs mounts in the sandbox's read-only root; the path is a symlink to it.
    const table = await run('grep fuse.s3fs /proc/self/mountinfo | cut -d" " -f5; readlink /mnt/data');
    assert.match(table.stdout.trim(), /^\/\.sandbench\/mounts\/\d+\n\/\.sandbench\/mounts\/\d+$/);
    // ...and lists as the folder it is (the Files pane opens it like any other).
    const parent = (await sandbox.files.listFiles('/mnt')).files.find((file) => file.name === 'data');
    assert.equal(parent.type, 'directory');
    assert.equal(parent.mount, true);

    const listing = await mounts('storage');
    assert.equal(listing.length, 1);
    assert.equal(listing[0].state, 'mounted');
    assert.equal(listing[0].credentialsRemembered, true);
  });

  test('credentials appear in no answer, process list, environment or log', async () => {
    const secret = 'Secret-Marker-0123456789';
    // A mount that fails still passes its secret through everything there is to look at.
    const failed = await mount('storage', 'data', '/mnt/secret', { endpoint: `http://127.0.0.1:${s3Port}`,
      credentials: { accessKeyId: 'Key-Marker-0123', secretAccessKey: secret } });
    assert.equal(failed.status, 500);
    const everything = JSON.stringify([failed.body, await mounts('storage'), (await api('GET', '/v1/sandboxes/storage')).body,
      (await api('GET', '/v1/sandboxes')).body]);
    assert.ok(!everything.includes(secret) && !everything.includes('Key-Marker-0123'), everything);
    // Inside: every process's command line and environment, as the sandbox's root sees them.
    const inside = await run('cat /proc/[0-9]*/cmdline /proc/[0-9]*/environ 2>/dev/null | tr "\\0" "\\n"; ps -eo args');
    assert.ok(!inside.stdout.includes(SECRET + ':') && !inside.stdout.includes('passwd-s3fs'));
    assert.ok(!inside.stdout.includes('secretAccessKey'));
    // Outside: every host process this user can read.
    for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      for (const file of ['cmdline', 'environ']) {
        let text = '';
        try { text = readFileSync(`/proc/${pid}/${file}`, 'latin1'); } catch { continue; }
        assert.ok(!text.includes(secret), `/proc/${pid}/${file} holds the secret`);
      }
    }
    // The mounted one's secret: s3fs reads it from a memfd nobody inside may open.
    const s3fs = await run('for p in $(pgrep -x s3fs); do ls -l /proc/$p/fd/3 2>&1; cat /proc/$p/fd/3 2>&1; cat /proc/$p/environ 2>&1; done');
    assert.match(s3fs.stdout + s3fs.stderr, /Permission denied/);
    assert.ok(!(s3fs.stdout + s3fs.stderr).includes(`${KEY}:${SECRET}`));
  });

  test('read-only mounts refuse writes with EROFS; a prefix mount sees only its prefix', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'other', Key: 'inner/only-here.txt', Body: 'inner' }));
    await s3.send(new PutObjectCommand({ Bucket: 'other', Key: 'outside.txt', Body: 'outer' }));
    const readOnly = await mount('storage', 'other', '/mnt/ro', { endpoint: `http://localhost:${s3Port}`, credentials,
      readOnly: true });
    assert.equal(readOnly.status, 200, JSON.stringify(readOnly.body));
    const refused = await run('echo x > /mnt/ro/new.txt');
    assert.notEqual(refused.exitCode, 0);
    assert.match(refused.stderr, /Read-only file system/);
    assert.equal((await run('cat /mnt/ro/outside.txt')).stdout, 'outer');

    const prefixed = await mount('storage', 'other', '/workspace/inner', { endpoint: `http://127.0.0.1:${s3Port}`,
      credentials, prefix: '/inner' });
    assert.equal(prefixed.status, 200, JSON.stringify(prefixed.body));
    assert.equal((await run('ls /workspace/inner')).stdout.trim(), 'only-here.txt');
    await run('echo added > /workspace/inner/added.txt');
    assert.equal(await objectText('other', 'inner/added.txt'), 'added\n');
  });

  test('HTTPS endpoints: TLS runs from the sandbox to the server through the relay', async () => {
    const endpoint = `https://localhost:${tlsPort}`;
    // The server's certificate is self-signed: s3fs checks it unless told not to, which
    // only the server's own certificate can make fail.
    const checked = await mount('storage', 'secure', '/mnt/tls-checked', { endpoint, credentials });
    assert.equal(checked.status, 500);
    assert.match(checked.body.message, /certificate|SSL|TLS|peer/i);
    const mounted = await mount('storage', 'secure', '/mnt/tls', { endpoint, credentials,
      s3fsOptions: ['no_check_certificate', 'ssl_verify_hostname=0'] });
    assert.equal(mounted.status, 200, JSON.stringify(mounted.body));
    await run('echo over-tls > /mnt/tls/t.txt');
    assert.equal((await run('cat /mnt/tls/t.txt')).stdout.trim(), 'over-tls');
  });

  test('wrong credentials fail at once with s3fs\'s reason, and leave nothing behind', async () => {
    const started = Date.now();
    const wrongKey = await mount('storage', 'data', '/mnt/wrong', { endpoint: `http://127.0.0.1:${s3Port}`,
      credentials: { accessKeyId: 'NOBODY', secretAccessKey: SECRET } });
    assert.equal(wrongKey.status, 500);
    assert.equal(wrongKey.body.code, 'S3FS_MOUNT_ERROR');
    assert.match(wrongKey.body.message, /S3FS mount failed: .*InvalidAccessKeyId/s);
    const wrongSecret = await mount('storage', 'data', '/mnt/wrong', { endpoint: `http://127.0.0.1:${s3Port}`,
      credentials: { accessKeyId: KEY, secretAccessKey: 'not-the-secret' }, s3fsOptions: ['sigv2'] });
    assert.equal(wrongSecret.status, 500);
    assert.match(wrongSecret.body.message, /SignatureDoesNotMatch|invalid credentials/);
    const noBucket = await mount('storage', 'missing-bucket', '/mnt/wrong', { endpoint: `http://127.0.0.1:${s3Port}`,
      credentials });
    assert.match(noBucket.body.message, /bucket or key not found|NoSuchBucket/);
    const closed = await mount('storage', 'data', '/mnt/wrong', { endpoint: 'http://127.0.0.1:1', credentials });
    assert.match(closed.body.message, /cannot connect to 127\.0\.0\.1 port 1/);
    assert.ok(Date.now() - started < 20000, 'failures take seconds, not minutes');
    assert.ok(!(await mounts('storage')).some((entry) => entry.mountPath === '/mnt/wrong'));
    assert.equal((await run('test -e /mnt/wrong')).exitCode, 1, 'the directory made for it is gone');
    assert.equal((await run('pgrep -fc "s3fs .*/mnt/wrong" || true')).stdout.trim(), '0');
  });

  test('symlinks cannot steer a mount: it lands in its slot, never over /etc', async () => {
    await run('ln -sfn /etc /mnt/evil && ln -sfn /etc /mnt/etcdir');
    const direct = await mount('storage', 'data', '/mnt/evil', { endpoint: `http://127.0.0.1:${s3Port}`, credentials });
    assert.equal(direct.status, 400);
    assert.match(direct.body.message, /symbolic link/);
    const below = await mount('storage', 'data', '/mnt/etcdir/sub', { endpoint: `http://127.0.0.1:${s3Port}`, credentials });
    assert.equal(below.status, 400, JSON.stringify(below.body));
    const table = await run('grep fuse.s3fs /proc/self/mountinfo | cut -d" " -f5');
    assert.ok(table.stdout.trim().split('\n').every((point) => point.startsWith('/.sandbench/mounts/')), table.stdout);
    assert.equal((await run('test -e /etc/sub || test -L /etc/sub; echo $?')).stdout.trim(), '1');
  });

  test('the relay reaches the endpoint and nothing else: never the engine', async () => {
    const enginePort = new URL(engine.url).port;
    for (const host of ['127.0.0.1', '0.0.0.0', '[::ffff:127.0.0.1]', 'localhost']) {
      const toEngine = await mount('storage', 'data', '/mnt/engine', { endpoint: `http://${host}:${enginePort}`,
        credentials });
      assert.equal(toEngine.status, 500, host);
      assert.match(toEngine.body.message, /engine's own port is not an endpoint/, host);
    }
    // From inside, through the data mount's relay, a request for the engine reaches s3rver.
    const proxy = await run(`python3 - <<'EOF'
import urllib.request
listening = [int(line.split()[1].split(':')[1], 16) for line in open('/proc/net/tcp').readlines()[1:]
             if line.split()[3] == '0A']
for port in listening:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({'http': f'http://127.0.0.1:{port}'}))
    try:
        print(port, opener.open('http://127.0.0.1:${enginePort}/v1/health', timeout=5).read()[:300])
    except Exception as error:
        print(port, 'refused:', error, getattr(error, 'read', lambda: b'')()[:300])
EOF`);
    assert.match(proxy.stdout, /\d+ /, 'the relays listen inside');
    assert.ok(!proxy.stdout.includes('UNAUTHORIZED') && !proxy.stdout.includes('sandbench'), proxy.stdout);
    assert.match(proxy.stdout, /NoSuchBucket/, 'the request went to the bucket server');
    // The relays are the engine's: never offered as the sandbox's ports, never exposed.
    const relays = [...proxy.stdout.matchAll(/^(\d+) /gm)].map((match) => Number(match[1]));
    const ports = (await api('GET', '/v1/sandboxes/storage/ports')).body;
    for (const port of relays) {
      assert.ok(!ports.listeningNotExposed.includes(port), `relay ${port} is offered`);
      const exposed = await api('POST', '/v1/sandboxes/storage/ports', { port });
      assert.equal(exposed.status, 409, JSON.stringify(exposed.body));
      assert.match(exposed.body.message, /relay for the bucket/);
    }
  });

  test('bad requests are refused with INVALID_MOUNT_CONFIG or MISSING_CREDENTIALS', async () => {
    const endpoint = `http://127.0.0.1:${s3Port}`;
    const cases = [
      ['data', 'relative/path', { endpoint, credentials }, 'INVALID_MOUNT_CONFIG', /mount path/i],
      ['data', '/proc/x', { endpoint, credentials }, 'INVALID_MOUNT_CONFIG', /\/proc/],
      ['data', '/mnt/../etc', { endpoint, credentials }, 'INVALID_MOUNT_CONFIG', /'\.\.'/],
      ['Bad_Name', '/mnt/x', { endpoint, credentials }, 'INVALID_MOUNT_CONFIG', /bucket name/i],
      ['data:sub', '/mnt/x', { endpoint, credentials }, 'INVALID_MOUNT_CONFIG', /prefix/],
      ['data', '/mnt/x', { credentials }, 'INVALID_MOUNT_CONFIG', /endpoint/],
      ['data', '/mnt/x', { endpoint: 'ftp://host', credentials }, 'INVALID_MOUNT_CONFIG', /Invalid endpoint URL/],
      ['data', '/mnt/x', { endpoint: `${endpoint}/path`, credentials }, 'INVALID_MOUNT_CONFIG', /Invalid endpoint URL/],
      ['data', '/mnt/x', { endpoint, credentials, prefix: 'no-slash' }, 'INVALID_MOUNT_CONFIG', /prefix/],
      ['data', '/mnt/x', { endpoint, credentials, s3fsOptions: ['passwd_file=/etc/shadow'] }, 'INVALID_MOUNT_CONFIG', /passwd_file/],
      ['data', '/mnt/x', { endpoint, credentials, s3fsOptions: ['credlib=/tmp/evil.so'] }, 'INVALID_MOUNT_CONFIG', /not allowed/],
      ['data', '/mnt/x', { endpoint, credentials, s3fsOptions: ['umask=0022,allow_other'] }, 'INVALID_MOUNT_CONFIG', /character/],
      ['data', '/mnt/x', { endpoint }, 'MISSING_CREDENTIALS', /credentials/],
      ['data', '/mnt/data', { endpoint, credentials }, 'INVALID_MOUNT_CONFIG', /already in use by bucket data/],
    ];
    for (const [bucket, path, options, code, message] of cases) {
      const refused = await mount('storage', bucket, path, options);
      assert.equal(refused.status, 400, `${bucket} ${path} ${JSON.stringify(options)}: ${JSON.stringify(refused.body)}`);
      assert.equal(refused.body.code, code);
      assert.match(refused.body.message, message);
    }
    const unknown = await unmount('storage', '/mnt/nothing');
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.message, /No active mount found at path: \/mnt\/nothing/);
  });

  test('a file operation waiting on a stalled endpoint leaves the agent answering', async () => {
    // A proxy to s3rver that can stall: connections stay open, nothing passes.
    let stalled = false;
    const held = new Set();
    const gate = net.createServer((client) => {
      held.add(client);
      const upstream = net.connect(s3Port, '127.0.0.1');
      held.add(upstream);
      client.on('data', (data) => { if (!stalled) upstream.write(data); });
      upstream.on('data', (data) => { if (!stalled) client.write(data); });
      client.on('error', () => {}); upstream.on('error', () => {});
    });
    await new Promise((resolve) => gate.listen(0, '127.0.0.1', resolve));
    try {
      const mounted = await mount('storage', 'data', '/mnt/gated', { endpoint: `http://127.0.0.1:${gate.address().port}`,
        credentials });
      assert.equal(mounted.status, 200, JSON.stringify(mounted.body));
      stalled = true;
      const waiting = sandbox.files.listFiles('/mnt/gated/dir').catch((error) => error);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const started = Date.now();
      assert.equal((await sandbox.files.listFiles('/workspace')).success, true);
      assert.equal((await run('echo still here')).stdout.trim(), 'still here');
      assert.ok((await sandbox.files.listFiles('/mnt')).files.some((file) => file.name === 'gated'));
      assert.ok(Date.now() - started < 3000, 'the agent answered while the mount hung');
      stalled = false;
      for (const socket of held) socket.destroy(); // s3fs retries on a new connection
      await waiting;
    } finally {
      for (const socket of held) socket.destroy();
      gate.close();
    }
    assert.equal((await unmount('storage', '/mnt/gated')).status, 200);
  });

  test('an engine that crashes and restarts takes its relay back; the sandbox cannot take the port meanwhile', async () => {
    const mounted = await mount('storage', 'data', '/mnt/kept', { endpoint: `http://127.0.0.1:${s3Port}`, credentials });
    assert.equal(mounted.status, 200, JSON.stringify(mounted.body));
    const relayPorts = async () => (await run(`python3 -c "
for line in open('/proc/net/tcp').readlines()[1:]:
    f = line.split()
    if f[3] == '0A': print(int(f[1].split(':')[1], 16))"`)).stdout.trim().split('\n').map(Number);
    const before = await relayPorts();
    await engine.crashAndRestart();
    sandbox = engine.client('storage');
    // While no engine ran, and now: the relay ports are the agent's, not free to bind.
    const grab = await run(`python3 -c "
import socket, sys
taken = 0
for port in [${before.join(',')}]:
    s = socket.socket()
    try:
        s.bind(('127.0.0.1', port))
        taken += 1
    except OSError:
        pass
print(taken)"`);
    assert.equal(grab.stdout.trim(), '0');
    for (let i = 0; i < 50 && (await mounts('storage')).find((entry) => entry.mountPath === '/mnt/kept')?.state !== 'mounted'; i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal((await mounts('storage')).find((entry) => entry.mountPath === '/mnt/kept').state, 'mounted');
    await run('echo after-restart > /mnt/kept/restart.txt');
    assert.equal(await objectText('data', 'restart.txt'), 'after-restart\n');
    assert.equal((await unmount('storage', '/mnt/kept')).status, 200);
  });

  test('a restore keeps the buckets mounted below its folder, also those mounted after the backup', async () => {
    const endpoint = `http://127.0.0.1:${s3Port}`;
    await run('mkdir -p /workspace/proj/deep && echo one > /workspace/proj/a.txt');
    const backup = async () => (await api('POST', '/v1/sandboxes/storage/backups', { dir: '/workspace/proj' })).body.id;
    const restore = (id) => api('POST', `/v1/sandboxes/storage/backups/${id}/restore`, {});
    const before = await backup();
    // Mounted after the backup, below folders the backup does not have (one of them 0750).
    await run('mkdir -p /workspace/proj/later/sub && chmod 0750 /workspace/proj/later');
    assert.equal((await mount('storage', 'other', '/workspace/proj/later/sub/b', { endpoint, credentials })).status, 200);
    assert.equal((await mount('storage', 'other', '/workspace/proj/deep/b', { endpoint, credentials })).status, 200);
    await run('echo in-the-bucket > /workspace/proj/deep/b/kept.txt && echo two > /workspace/proj/a.txt');
    const restored = await restore(before);
    assert.equal(restored.status, 200, JSON.stringify(restored.body));
    assert.equal((await run('cat /workspace/proj/a.txt')).stdout.trim(), 'one');
    assert.equal((await run('cat /workspace/proj/later/sub/b/kept.txt /workspace/proj/deep/b/kept.txt')).stdout.trim(),
      'in-the-bucket\nin-the-bucket');
    assert.equal((await run('stat -c %a /workspace/proj/later')).stdout.trim(), '750');
    assert.ok((await mounts('storage')).filter((entry) => entry.mountPath.startsWith('/workspace/proj/'))
      .every((entry) => entry.state === 'mounted'));
    // A backup that has a file where a bucket is mounted now: refused, the folder as it was.
    assert.equal((await unmount('storage', '/workspace/proj/deep/b')).status, 200);
    await run('echo a-file > /workspace/proj/deep/b');
    const withFile = await backup();
    await run('rm /workspace/proj/deep/b');
    assert.equal((await mount('storage', 'other', '/workspace/proj/deep/b', { endpoint, credentials })).status, 200);
    const refused = await restore(withFile);
    assert.equal(refused.status, 500);
    assert.equal(refused.body.code, 'BACKUP_RESTORE_FAILED');
    assert.match(refused.body.message, /the backup has \/workspace\/proj\/deep\/b, where a bucket is mounted now/);
    assert.equal((await run('cat /workspace/proj/deep/b/kept.txt')).stdout.trim(), 'in-the-bucket');
    assert.equal((await run('ls -A /workspace')).stdout.includes('.sandbench-restore'), false);

    // A backup made while buckets are mounted has no links into them, and a copy restored
    // elsewhere reaches no bucket: not from this backup, nor from an archive that has such a
    // link (older, or imported), nor from a link the sandbox planted itself.
    await run('ln -s /etc/hostname /workspace/proj/planted'); // an ordinary link stays one
    const whileMounted = await backup();
    await run('rm /workspace/proj/planted');
    const archive = Buffer.from(await (await fetch(`${engine.url}/v1/sandboxes/storage/backups/${whileMounted}/archive`)).arrayBuffer());
    const local = mkdtempSync(join(tmpdir(), 'sandbench-slot-link-'));
    writeFileSync(join(local, 'made.sqsh'), archive);
    const listing = execFileSync('unsquashfs', ['-lls', join(local, 'made.sqsh')]).toString();
    assert.ok(!listing.includes('/.sandbench/mounts/0') && !listing.includes('/.sandbench/mounts/1') && listing.includes('a.txt'),
      listing);
    assert.equal((await api('POST', `/v1/sandboxes/storage/backups/${whileMounted}/restore`, { dir: '/workspace/copy' })).status, 200);
    assert.equal((await run('find /workspace/copy -type l | sort')).stdout.trim(), '/workspace/copy/planted');
    execFileSync('mkdir', ['-p', join(local, 'tree/deep')]);
    execFileSync('ln', ['-s', '/.sandbench/mounts/0', join(local, 'tree/deep/old-link')]);
    // Written another way, they lead there all the same.
    for (const [name, target] of [['dbl', '/.sandbench//mounts/0'], ['rel', '../../.sandbench/mounts/1'],
      ['all', '/.sandbench/mounts'], ['dotdot', '/workspace/../.sandbench/./mounts/0']])
      execFileSync('ln', ['-s', target, join(local, 'tree', name)]);
    execFileSync('mksquashfs', [join(local, 'tree'), join(local, 'linked.sqsh'), '-quiet', '-no-progress']);
    const imported = '44444444-4444-4444-8444-555555555555';
    assert.equal((await fetch(`${engine.url}/v1/sandboxes/storage/backups/${imported}/archive?dir=/workspace/linked`,
      { method: 'PUT', body: readFileSync(join(local, 'linked.sqsh')) })).status, 200);
    rmSync(local, { recursive: true, force: true });
    assert.equal((await restore(imported)).status, 200);
    assert.equal((await run('find /workspace/linked | sort')).stdout.trim(), '/workspace/linked\n/workspace/linked/deep');
    // In place, a link the sandbox planted to a mounted bucket's slot elsewhere is not kept
    // (the backup did not have it), and a file cannot be restored over.
    await run('ln -s /.sandbench/mounts/1 /workspace/proj/not-a-mount && ln -s /.sandbench/mounts/../../etc /workspace/proj/up ' +
      '&& echo f > /workspace/file');
    assert.equal((await restore(before)).status, 200);
    assert.equal((await run('ls /workspace/proj | sort')).stdout.trim(), 'a.txt\ndeep\nlater');
    const overFile = await api('POST', `/v1/sandboxes/storage/backups/${before}/restore`, { dir: '/workspace/file' });
    assert.equal(overFile.status, 500);
    assert.match(overFile.body.message, /\/workspace\/file is a file, not a folder/);
    // The container protocol's restore (no list from the engine) keeps them too.
    await run('mkdir -p /var/backups');
    assert.equal((await sandbox.backup.createArchive('/workspace/proj', '/var/backups/proj.sqsh', 'default')).success, true);
    await run('echo three > /workspace/proj/a.txt');
    assert.equal((await sandbox.backup.restoreArchive('/workspace/proj', '/var/backups/proj.sqsh', 'default')).success, true);
    assert.equal((await run('cat /workspace/proj/a.txt /workspace/proj/later/sub/b/kept.txt')).stdout.trim(), 'one\nin-the-bucket');
    // A bucket's own path is no folder to back up (it is a link to the bucket), and no
    // restore goes to a name like the agent's own work folders.
    const ofBucket = await api('POST', '/v1/sandboxes/storage/backups', { dir: '/workspace/proj/deep/b' });
    assert.equal(ofBucket.status, 400);
    assert.match(ofBucket.body.message, /is where the bucket other is mounted/);
    const reserved = await api('POST', `/v1/sandboxes/storage/backups/${before}/restore`, { dir: '/workspace/.sandbench-restore-1-x' });
    assert.equal(reserved.status, 500);
    assert.match(reserved.body.message, /named like the agent's own folders/);
    // What a killed restore left (its process gone) goes when the next one starts there.
    await run('mkdir -p /workspace/.sandbench-restore-999999-gone/new && echo x > /workspace/.sandbench-restore-999999-gone/new/x');
    assert.equal((await restore(before)).status, 200);
    assert.equal((await run('ls -A /workspace')).stdout.includes('.sandbench-restore'), false);
    for (const path of ['/workspace/proj/deep/b', '/workspace/proj/later/sub/b'])
      assert.equal((await unmount('storage', path)).status, 200);
  });

  test('unmounting keeps the workspace and the bucket; mounts come back when the sandbox starts again', async () => {
    await run('echo kept > /workspace/kept.txt');
    const forgotten = await mount('storage', 'data', '/mnt/forgotten', { endpoint: `http://127.0.0.1:${s3Port}`,
      credentials, rememberCredentials: false });
    assert.equal(forgotten.status, 200, JSON.stringify(forgotten.body));
    assert.equal(forgotten.body.mount.credentialsRemembered, false);

    await api('POST', '/v1/sandboxes/storage/stop');
    assert.ok((await mounts('storage')).every((entry) => entry.state === 'unmounted'));
    await api('POST', '/v1/sandboxes/storage/start');
    for (let i = 0; i < 100 && (await mounts('storage')).some((entry) => entry.state === 'mounting' ||
      (entry.state === 'unmounted' && entry.credentialsRemembered)); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const after = Object.fromEntries((await mounts('storage')).map((entry) => [entry.mountPath, entry]));
    assert.equal(after['/mnt/data'].state, 'mounted', JSON.stringify(after));
    assert.equal(after['/mnt/tls'].state, 'mounted');
    assert.equal(after['/mnt/forgotten'].state, 'unmounted');
    assert.match(after['/mnt/forgotten'].lastError, /credentials were not remembered/);
    assert.equal((await run('cat /mnt/data/hello.txt')).stdout, 'from the sandbox');

    const removed = await unmount('storage', '/mnt/data');
    assert.equal(removed.status, 200, JSON.stringify(removed.body));
    assert.equal((await run('test -e /mnt/data')).exitCode, 1, 'the directory the mount made is gone');
    assert.equal((await run('cat /workspace/kept.txt')).stdout.trim(), 'kept');
    assert.equal(await objectText('data', 'hello.txt'), 'from the sandbox');
    assert.ok(!(await mounts('storage')).some((entry) => entry.mountPath === '/mnt/data'));
    assert.equal((await unmount('storage', '/mnt/forgotten')).status, 200);
    // A mount point the sandbox had before stays, and so do its files once unmounted.
    await run('mkdir -p /workspace/own');
    assert.equal((await mount('storage', 'data', '/workspace/own', { endpoint: `http://127.0.0.1:${s3Port}`,
      credentials })).status, 200);
    assert.equal((await unmount('storage', '/workspace/own')).status, 200);
    assert.equal((await run('test -d /workspace/own')).exitCode, 0);
  });
});
