// Git checkout (/api/git/checkout) through the published client's GitClient: Debian's git
// inside a real sandbox cloning a repository the test makes there (file://: the sandbox has
// no network), with branch, depth, the protocol's errors, and credentials kept out of answers.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';

import { parseSSEStream } from '@cloudflare/sandbox';

import { startEngine } from './support/engine.mjs';

let engine;
let sandbox;

const run = (command) => engine.run('git', command);

// The SDK's error for a checkout that should fail: {status, code, message}.
async function failure(promise) {
  try {
    await promise;
  } catch (error) {
    return { status: error.httpStatus ?? error.status, code: error.code, message: error.message };
  }
  assert.fail('the checkout should have failed');
}

before(async () => {
  engine = await startEngine();
  sandbox = engine.client('git');
  // A repository with three commits on main and a branch "feature".
  await run(`git init -q -b main /tmp/work && cd /tmp/work && git config user.email t@example.com &&
    git config user.name Test && for i in 1 2 3; do echo $i > n.txt && git add n.txt && git commit -qm c$i; done &&
    git checkout -qb feature && echo f > f.txt && git add f.txt && git commit -qm feature && git checkout -q main &&
    git clone -q --bare /tmp/work /tmp/origin.git`);
});

after(async () => {
  await engine?.stop();
});

describe('git checkout', () => {
  test('clones the default branch into /workspace/<name>, whole', async () => {
    const result = await sandbox.git.checkout('file:///tmp/origin.git', 'default');
    assert.equal(result.success, true);
    assert.equal(result.branch, 'main');
    assert.equal(result.targetDir, '/workspace/origin');
    assert.equal(await run('git -C /workspace/origin rev-list --count HEAD'), '3');
    assert.equal(await run('cat /workspace/origin/n.txt'), '3');
  });

  test('a branch and a depth are honoured', async () => {
    const result = await sandbox.git.checkout('file:///tmp/origin.git', 'default',
      { branch: 'feature', depth: 1, targetDir: '/workspace/shallow' });
    assert.equal(result.branch, 'feature');
    assert.equal(await run('git -C /workspace/shallow rev-list --count HEAD'), '1');
    assert.equal(await run('git -C /workspace/shallow rev-parse --is-shallow-repository'), 'true');
    assert.equal(await run('cat /workspace/shallow/f.txt'), 'f');
  });

  test('the session\'s directory and relative targets', async () => {
    await sandbox.commands.execute('mkdir -p /workspace/sub && cd /workspace/sub', 'gitsession');
    const result = await sandbox.git.checkout('file:///tmp/origin.git', 'gitsession', { targetDir: 'here' });
    assert.equal(result.targetDir, 'here');
    assert.equal(await run('cat /workspace/sub/here/n.txt'), '3');
  });

  test('errors: missing repository, missing branch, a target in use, bad input, credentials hidden', async () => {
    const missing = await failure(sandbox.git.checkout('file:///tmp/nothing.git', 'default', { targetDir: '/workspace/m' }));
    assert.equal(missing.code, 'GIT_REPOSITORY_NOT_FOUND');
    assert.equal(missing.status, 404);
    const branch = await failure(sandbox.git.checkout('file:///tmp/origin.git', 'default',
      { branch: 'no-such-branch', targetDir: '/workspace/b' }));
    assert.equal(branch.code, 'GIT_BRANCH_NOT_FOUND');
    const inUse = await failure(sandbox.git.checkout('file:///tmp/origin.git', 'default', { targetDir: '/workspace/origin' }));
    assert.equal(inUse.code, 'GIT_CLONE_FAILED');
    assert.match(inUse.message, /exists and is not empty/);
    const secret = await failure(sandbox.git.checkout('http://someone:s3cr3t-token@127.0.0.1:1/repo.git', 'default',
      { targetDir: '/workspace/s', timeoutMs: 20000 }));
    assert.ok(!JSON.stringify(secret).includes('s3cr3t-token'), JSON.stringify(secret));
    // Below the client's own checks: the server's.
    const post = async (body) => {
      const response = await fetch(`${engine.url}/v1/sandboxes/git/api/git/checkout`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      return { status: response.status, body: await response.json() };
    };
    const zero = await post({ repoUrl: 'file:///tmp/origin.git', timeoutMs: 0 });
    assert.equal(zero.status, 400);
    assert.match(zero.body.message, /Invalid (timeout value|clone timeout).*0/i);
    assert.equal((await post({ repoUrl: '' })).body.code, 'INVALID_GIT_URL');
    assert.equal((await post({ repoUrl: 'x'.repeat(2049) })).body.code, 'INVALID_GIT_URL');
    assert.equal((await post({ repoUrl: '--upload-pack=touch /tmp/pwned' })).body.code, 'INVALID_GIT_URL');
    assert.equal((await post({ repoUrl: 'file:///tmp/origin.git', branch: '--help' })).status, 400);
    assert.equal((await post({ repoUrl: 'file:///tmp/origin.git', depth: 0 })).status, 400);
    assert.equal(await run('test -e /tmp/pwned && echo yes || echo no'), 'no');
  });
  test('a clone with progress: /api/git/checkout/stream sends git\'s steps, then the answer or the error', async () => {
    // Enough objects that git reports receiving them.
    await run(`cd /tmp/work && for i in $(seq 1 40); do head -c 65536 /dev/urandom > big$i.bin; done &&
      git add . && git commit -qm big && git push -q /tmp/origin.git main`);
    const stream = async (body) => {
      const response = await fetch(`${engine.url}/v1/sandboxes/git/api/git/checkout/stream`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type'), /text\/event-stream/);
      const events = [];
      for await (const event of parseSSEStream(response.body)) events.push(event);
      return events;
    };
    const events = await stream({ repoUrl: 'file:///tmp/origin.git', targetDir: '/workspace/streamed' });
    assert.equal(events[0].type, 'start');
    const steps = events.filter((event) => event.type === 'progress');
    assert.ok(steps.some((step) => /objects/i.test(step.phase) && step.percent === 100), JSON.stringify(steps));
    assert.ok(steps.every((step) => step.percent >= 0 && step.percent <= 100));
    const end = events.at(-1);
    assert.equal(end.type, 'complete', JSON.stringify(end));
    assert.equal(end.branch, 'main');
    assert.equal(await run('ls /workspace/streamed | wc -l'), '41'); // n.txt and big1..40
    const failed = await stream({ repoUrl: 'http://me:t0psecret@127.0.0.1:1/x.git', targetDir: '/workspace/nope', timeoutMs: 20000 });
    assert.equal(failed.at(-1).type, 'error');
    assert.ok(failed.at(-1).code.startsWith('GIT_'), JSON.stringify(failed.at(-1)));
    assert.ok(!JSON.stringify(failed).includes('t0psecret'));
    const invalid = await fetch(`${engine.url}/v1/sandboxes/git/api/git/checkout/stream`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ repoUrl: '' }) });
    assert.equal(invalid.status, 400);
  });
  test('a password in the URL goes as a header: never in ps (host or sandbox), answers or the clone\'s config', { timeout: 60000 }, async () => {
    // A server in the sandbox that notes the request's Authorization, waits, then says 404.
    // Port 8472 is another origin: a redirect there must not carry the header.
    await sandbox.files.writeFile('/tmp/authserver.py', [
      'import http.server, threading, time',
      'class H(http.server.BaseHTTPRequestHandler):',
      '    def do_GET(self):',
      '        port = self.server.server_address[1]',
      '        open("/tmp/auth-%d.txt" % port, "a").write(str(self.headers.get("Authorization")) + "\\n")',
      '        if self.path.startswith("/moved"):',
      '            self.send_response(302); self.send_header("Location", "http://127.0.0.1:8472/elsewhere.git/info/refs?service=git-upload-pack"); self.end_headers(); return',
      '        time.sleep(3)',
      '        self.send_response(404); self.end_headers()',
      'other = http.server.HTTPServer(("127.0.0.1", 8472), H)',
      'threading.Thread(target=other.serve_forever, daemon=True).start()',
      'http.server.HTTPServer(("127.0.0.1", 8471), H).serve_forever()',
    ].join('\n'), 'default');
    await sandbox.processes.startProcess('python3 /tmp/authserver.py', 'default', { processId: 'authserver' });
    await run('for i in $(seq 1 50); do (echo > /dev/tcp/127.0.0.1/8471) 2>/dev/null && break; sleep 0.1; done');
    const secret = 'tok3n sp@ce';
    const cloning = failure(sandbox.git.checkout(`http://alice:${encodeURIComponent(secret)}@127.0.0.1:8471/x.git`, 'default',
      { targetDir: '/workspace/authed', timeoutMs: 20000 }));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const hostPs = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
    const sandboxPs = await run('ps -eo args');
    const answer = await cloning;
    for (const text of [hostPs, sandboxPs, JSON.stringify(answer)]) {
      assert.ok(!text.includes('tok3n') && !text.includes(encodeURIComponent(secret)), text);
    }
    assert.match(hostPs, /git.* clone .*http:\/\/127\.0\.0\.1:8471\/x\.git/); // it was running meanwhile
    const sent = Buffer.from(`alice:${secret}`).toString('base64');
    assert.match(await run('cat /tmp/auth-8471.txt'), new RegExp(`Basic ${sent}`));
    await failure(sandbox.git.checkout(`http://alice:${encodeURIComponent(secret)}@127.0.0.1:8471/moved.git`, 'default',
      { targetDir: '/workspace/moved', timeoutMs: 20000 }));
    assert.match(await run('cat /tmp/auth-8471.txt'), new RegExp(`Basic ${sent}`));
    assert.doesNotMatch(await run('cat /tmp/auth-8472.txt'), /Basic/); // asked, without the header
    // Redacted whatever the password holds.
    for (const odd of ['http://bob:pa ss@word@127.0.0.1:1/y.git', 'http://bob:pa/ss@127.0.0.1:1/y.git', 'http:/bob:pass@127.0.0.1:1/y.git']) {
      const answer = JSON.stringify(await failure(sandbox.git.checkout(odd, 'default', { targetDir: '/workspace/y', timeoutMs: 20000 })));
      assert.ok(!answer.includes('pa ss') && !answer.includes('pa/ss') && !answer.includes(':pass@') && !answer.includes('word@'), answer);
    }
    await sandbox.processes.killProcess('authserver', 'default');
  });
});
