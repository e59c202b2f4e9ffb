// The CommonJS face: `require('suno-mock')` gives the same functions, and the launcher on the
// project's path runs the binary.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const suno = require('suno-mock');

test('require gives check, serve and the binary of this platform', () => {
  assert.equal(typeof suno.check, 'function');
  assert.equal(typeof suno.serve, 'function');
  const version = execFileSync(path.join('node_modules', '.bin', 'suno-mock'), ['--version'], {
    encoding: 'utf8',
  });
  assert.match(version, /^suno-mock \d+\.\d+\.\d+/);
});
