#!/usr/bin/env node
'use strict';
// `node_modules/.bin/suno-mock`: runs this platform's binary with the same arguments, standard
// streams and exit status.
const { spawnSync } = require('node:child_process');
const { binaryPath } = require('../index.js');

let bin;
try {
  bin = binaryPath();
} catch (e) {
  console.error(`error: ${e.message}`);
  process.exit(4);
}
const r = spawnSync(bin, process.argv.slice(2), { stdio: 'inherit' });
if (r.error) {
  console.error(`error: cannot run ${bin}: ${r.error.message}`);
  process.exit(4);
}
if (r.signal) process.kill(process.pid, r.signal);
process.exit(r.status ?? 1);
