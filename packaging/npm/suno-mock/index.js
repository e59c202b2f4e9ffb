'use strict';
// suno-mock from Node: check() judges a callback receiver, serve() runs the mock provider API.
// The binary comes from the platform package npm installed beside this one
// (@suno-mock/<platform>-<arch>), the way esbuild and biome ship theirs.

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');

const EXE = process.platform === 'win32' ? 'suno-mock.exe' : 'suno-mock';

/** The tool could not do what it was asked (exit 2, 3, 4 or 130); carries its message. */
class SunoMockError extends Error {
  constructor(message, exitCode) {
    super(message);
    this.name = 'SunoMockError';
    this.exitCode = exitCode;
  }
}

/** The binary: $SUNO_MOCK_BIN, else the one of this platform's package. */
function binaryPath() {
  if (process.env.SUNO_MOCK_BIN) return process.env.SUNO_MOCK_BIN;
  const pkg = `@suno-mock/${process.platform}-${process.arch}`;
  try {
    return require.resolve(`${pkg}/bin/${EXE}`);
  } catch {
    throw new SunoMockError(
      `no suno-mock binary for ${process.platform}-${process.arch}: the optional package ${pkg} is not installed ` +
        '(install without --no-optional / --omit=optional, or set SUNO_MOCK_BIN)',
    );
  }
}

// The binary stops when its standard input ends: this process holds the other end of the
// pipe, and the kernel closes it when this process dies, however it dies (SIGKILL, a test
// runner's timeout included), so no serve or check outlives it.
const ENV = { ...process.env, NO_COLOR: '1', SUNO_MOCK_STOP_ON_STDIN_EOF: '1' };

function start(binary, args) {
  const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'], env: ENV });
  // Never written to; let go of once the binary has ended, so it does not hold the loop.
  child.stdin.on('error', () => {});
  child.on('exit', () => child.stdin.destroy());
  return child;
}

function run(binary, args) {
  return new Promise((resolve, reject) => {
    const child = start(binary, args);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The value `args` give flag `name` (`--name VALUE` or `--name=VALUE`), else undefined. */
function flag(args, name) {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === name && i + 1 < args.length) return args[i + 1];
    if (args[i].startsWith(name + '=')) return args[i].slice(name.length + 1);
  }
  return undefined;
}

/**
 * Runs `suno-mock check --receiver RECEIVER --family FAMILY ...args`.
 * Resolves to { passed, exitCode, rules, report, text }; rejects with SunoMockError when the
 * tool could not run the check.
 */
async function check(receiver, { family = 'video', args = [], binary } = {}) {
  if (flag(args, '--receiver') !== undefined) {
    throw new TypeError('check(): pass the receiver as the first argument, not --receiver in args');
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'suno-mock-'));
  // A value the caller gives in args wins over the wrapper's own: --family over { family },
  // and a --report-json of theirs is the report read back.
  const reportPath = flag(args, '--report-json') ?? path.join(dir, 'report.json');
  try {
    const own = ['check', '--receiver', receiver];
    if (flag(args, '--family') === undefined) own.push('--family', family);
    if (flag(args, '--report-json') === undefined) own.push('--report-json', reportPath);
    const r = await run(binary || binaryPath(), [...own, ...args]);
    if (r.code !== 0 && r.code !== 1) {
      throw new SunoMockError((r.stderr || r.stdout).trim() || `suno-mock exited ${r.code}`, r.code);
    }
    const report = JSON.parse(fs.readFileSync(reportPath, 'utf8'));
    return { passed: r.code === 0, exitCode: r.code, rules: report.rules || [], report, text: r.stdout };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Starts `suno-mock serve ...args` on a free loopback port.
 * Resolves to { baseUrl, apiKey, tasks(), deliveries(), close() }.
 */
function serve({ args = [], binary } = {}) {
  // The caller's --listen and --api-key win over the wrapper's free port and random key.
  const apiKey = flag(args, '--api-key') ?? 'sk-mock-' + crypto.randomBytes(8).toString('hex');
  const own = ['serve'];
  if (flag(args, '--listen') === undefined) own.push('--listen', '127.0.0.1:0');
  if (flag(args, '--api-key') === undefined) own.push('--api-key', apiKey);
  const child = start(binary || binaryPath(), [...own, ...args]);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    let started = false;
    child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
    child.stdout.setEncoding('utf8').on('data', (d) => {
      if (started) return;
      out += d;
      const m = /mock provider API on (https?:\/\/\S+)/.exec(out);
      if (!m) return;
      started = true;
      const baseUrl = m[1];
      const get = async (p) => {
        const res = await fetch(baseUrl + p, { headers: { Authorization: `Bearer ${apiKey}` } });
        if (!res.ok) throw new SunoMockError(`GET ${p}: ${res.status}`);
        return res.json();
      };
      resolve({
        baseUrl,
        apiKey,
        tasks: () => get('/_mock/tasks'),
        deliveries: () => get('/_mock/deliveries'),
        close: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once('close', () => done());
            child.kill(process.platform === 'win32' ? 'SIGTERM' : 'SIGINT');
          }),
      });
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (!started) reject(new SunoMockError(err.trim() || `serve exited ${code}`, code));
    });
  });
}

module.exports = { check, serve, binaryPath, SunoMockError };
