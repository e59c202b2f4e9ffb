// The receiver's own tests with node:test, through `import ... from 'suno-mock'`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { check, serve, binaryPath, SunoMockError } from 'suno-mock';
import receiver from './receiver.cjs';

const verdicts = (result) => Object.fromEntries(result.rules.map((r) => [r.id, r.verdict]));

test('the correct receiver passes every must rule', async () => {
  const r = await receiver.start();
  try {
    const result = await check(r.callbackUrl, { args: ['--probe-url', r.probeUrl, '--seed', '7'] });
    assert.equal(result.passed, true, result.text);
    assert.equal(result.exitCode, 0);
    assert.equal(verdicts(result)['idempotent-concurrent'], 'pass');
    assert.equal(result.report.command, 'check');
    assert.match(result.text, /idempotent-concurrent/);
  } finally {
    await r.close();
  }
});

test('processing concurrent duplicates twice fails idempotent-concurrent', async () => {
  const r = await receiver.start({ race: true });
  try {
    const result = await check(r.callbackUrl, { args: ['--probe-url', r.probeUrl, '--seed', '7'] });
    assert.equal(result.passed, false);
    assert.equal(result.exitCode, 1);
    assert.equal(verdicts(result)['idempotent-concurrent'], 'fail', result.text);
    assert.equal(verdicts(result)['idempotent-duplicate'], 'pass', result.text);
  } finally {
    await r.close();
  }
});

test('a tool error rejects with its message, never a silent fail', async () => {
  await assert.rejects(
    check('http://127.0.0.1:9/callback', { args: ['--no-such-flag'] }),
    (e) => e instanceof SunoMockError && e.exitCode === 2 && /--no-such-flag/.test(e.message),
  );
  await assert.rejects(
    check('http://127.0.0.1:9/callback'),
    (e) => e instanceof SunoMockError && e.exitCode === 4 && /not reachable/.test(e.message),
  );
});

test('serve that cannot start rejects with its message', async () => {
  await assert.rejects(
    serve({ args: ['--no-such-flag'] }),
    (e) => e instanceof SunoMockError && e.exitCode === 2 && /--no-such-flag/.test(e.message),
  );
});

test('serve: a created video task calls the receiver back', async () => {
  const r = await receiver.start();
  // The ids name a track made before this server started: --any-track-ids takes them.
  const api = await serve({ args: ['--generation-time', '200ms', '--any-track-ids'] });
  try {
    const res = await fetch(`${api.baseUrl}/api/v1/mp4/generate`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${api.apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ taskId: 'task_10f612c9594a', audioId: '419b523a-5e8e', callBackUrl: r.callbackUrl }),
    });
    const taskId = (await res.json()).data.taskId;
    assert.deepEqual(await r.waitFor(taskId), { code: 200, processed: 1 });
    // The attempt is listed once its answer is read, which may be a moment after this.
    assert.ok(Array.isArray(await api.deliveries()));
    assert.ok((await api.tasks()).some((t) => t.taskId === taskId));
  } finally {
    await api.close();
    await r.close();
  }
});

// `suno-mock receiver` (the tool's own reference receiver, with flaws when given) on a free
// loopback port; resolves once it says where it listens.
async function builtinReceiver(flaws = []) {
  const args = ['receiver', '--listen', '127.0.0.1:0'];
  if (flaws.length) args.push('--flaw', flaws.join(','));
  const child = spawn(binaryPath(), args, { stdio: ['ignore', 'pipe', 'ignore'] });
  const lines = createInterface({ input: child.stdout });
  const seen = [];
  for await (const line of lines) {
    seen.push(line);
    if (seen.length === 3) break;
  }
  return {
    callbackUrl: /POST (\S+)/.exec(seen[1])[1],
    probeUrl: /GET\s+(\S+)/.exec(seen[2])[1],
    close: async () => {
      child.kill();
      if (child.exitCode === null) await once(child, 'close');
    },
  };
}

test("the tool's own receivers get the right verdicts", async () => {
  const good = await builtinReceiver();
  const bad = await builtinReceiver(['fail-on-failure', 'no-dedup']);
  try {
    const correct = await check(good.callbackUrl, { args: ['--probe-url', good.probeUrl] });
    assert.equal(correct.passed, true, correct.text);
    const flawed = await check(bad.callbackUrl, { args: ['--probe-url', bad.probeUrl] });
    assert.equal(flawed.passed, false);
    const v = verdicts(flawed);
    for (const rule of ['ack-failure', 'idempotent-duplicate', 'idempotent-concurrent']) {
      assert.equal(v[rule], 'fail', flawed.text);
    }
    assert.equal(v['ack-success'], 'pass');
  } finally {
    await good.close();
    await bad.close();
  }
});

// Issue 30: a process manager stops the launcher with SIGTERM. The binary must end with it:
// the port free, no process left, the launcher ending as the binary did.
test('the launcher passes SIGTERM on to the binary and ends with it', async () => {
  const net = await import('node:net');
  const port = await new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
  const launcher = spawn('node_modules/.bin/suno-mock', ['serve', '--listen', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = createInterface({ input: launcher.stdout });
  for await (const line of lines) {
    if (line.includes('mock provider API on')) break;
  }
  let rest = '';
  launcher.stdout.on('data', (d) => (rest += d));
  launcher.kill('SIGTERM');
  const [code, signal] = await once(launcher, 'exit');
  // A binary left running would hold the pipe open and keep this test file alive: the
  // streams are let go whatever the assertions below find.
  lines.close();
  launcher.stdout.destroy();
  launcher.stderr.destroy();
  // The binary stops on SIGTERM as on Ctrl-C (its last line, exit 0), and the launcher ends
  // with the binary's status.
  assert.equal(signal, null);
  assert.equal(code, 0);
  assert.match(rest, /stopped: 0 tasks/);
  const refused = await new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1');
    c.on('connect', () => {
      c.destroy();
      resolve(false);
    });
    c.on('error', () => resolve(true));
  });
  assert.equal(refused, true, `something still listens on ${port}`);
  const { execFileSync } = await import('node:child_process');
  let left = '';
  try {
    left = execFileSync('pgrep', ['-f', `serve --listen 127.0.0.1:${port}`]).toString();
  } catch {
    // pgrep exits 1 when nothing matches.
  }
  if (left.trim() !== '') execFileSync('pkill', ['-f', `serve --listen 127.0.0.1:${port}`]);
  assert.equal(left.trim(), '', `a process is left: ${left}`);
});

// Issue 30: a flag of the caller's wins over the wrapper's own, instead of clap's "cannot be
// used multiple times".
test("the caller's --family, --report-json and --api-key win over the wrapper's", async () => {
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const r = await receiver.start();
  const mine = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mine-')), 'mine.json');
  try {
    const result = await check(r.callbackUrl, {
      family: 'music',
      args: ['--family', 'video', '--report-json', mine, '--probe-url', r.probeUrl, '--seed', '7'],
    });
    assert.equal(result.passed, true, result.text);
    assert.equal(JSON.parse(fs.readFileSync(mine, 'utf8')).command, 'check');
    assert.doesNotMatch(result.text, /family music/);
    await assert.rejects(check(r.callbackUrl, { args: ['--receiver', r.callbackUrl] }), /first argument/);
  } finally {
    await r.close();
  }
  const api = await serve({ args: ['--api-key=sk-mine'] });
  try {
    assert.equal(api.apiKey, 'sk-mine');
    assert.ok(Array.isArray(await api.tasks()));
  } finally {
    await api.close();
  }
});

// Issue 30: a test process killed outright (SIGKILL: a runner's timeout, an OOM kill) leaves no
// serve behind: the binary sees the pipe the wrapper held close, and stops.
test('serve stops when the node process that started it is killed', async () => {
  const net = await import('node:net');
  const script =
    "const { serve } = require('suno-mock');" +
    'serve().then((s) => { console.log(s.baseUrl.split(":").pop()); ' +
    "process.kill(process.pid, 'SIGKILL'); });";
  const node = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: node.stdout });
  let port = null;
  for await (const line of lines) {
    port = Number(line);
    break;
  }
  const [, signal] = await once(node, 'exit');
  lines.close();
  node.stdout.destroy();
  assert.equal(signal, 'SIGKILL');
  assert.ok(port > 0, 'the script printed its port');
  // The server is not this process's child, so its end cannot be awaited: look until its
  // port is closed, for at most 10 s.
  const refused = () =>
    new Promise((resolve) => {
      const c = net.connect(port, '127.0.0.1');
      c.on('connect', () => {
        c.destroy();
        resolve(false);
      });
      c.on('error', () => resolve(true));
    });
  const deadline = Date.now() + 10_000;
  while (!(await refused())) {
    assert.ok(Date.now() < deadline, `serve still listens on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
});

// Issue 30: what an editor shows from index.d.ts: every exported function says what each
// parameter is, what it gives back and what it throws.
test('the types document every parameter, result and exception', async () => {
  const { readFileSync } = await import('node:fs');
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  const { dirname, join } = await import('node:path');
  const dts = readFileSync(join(dirname(require.resolve('suno-mock/package.json')), 'index.d.ts'), 'utf8');
  for (const [name, params] of [
    ['check', ['receiver', 'options']],
    ['serve', ['options']],
    ['binaryPath', []],
  ]) {
    const m = new RegExp(`/\\*\\*((?:(?!\\*/)[\\s\\S])*)\\*/\\s*export function ${name}\\(`).exec(dts);
    assert.ok(m, `${name} has a doc comment`);
    const doc = m[1];
    for (const p of params) assert.match(doc, new RegExp(`@param ${p} \\S`), `${name}: @param ${p}`);
    if (params.length) assert.match(doc, /@returns \S/, `${name}: @returns`);
    assert.match(doc, /@throws \{SunoMockError\}/, `${name}: @throws`);
  }
  for (const field of ['passed', 'exitCode', 'rules', 'report', 'text', 'baseUrl', 'apiKey', 'close']) {
    assert.match(dts, new RegExp(`\\*/\\s*${field}[?(:]`), `${field} has a doc comment`);
  }
});
