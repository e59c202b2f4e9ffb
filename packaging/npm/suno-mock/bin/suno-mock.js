#!/usr/bin/env node
'use strict';
// `node_modules/.bin/suno-mock`: runs this platform's binary with the same arguments, standard
// streams and exit status, and stays its parent until it ends. Every signal the launcher gets
// (a process manager's SIGTERM, `docker stop`, a test runner's teardown, a closed terminal's
// SIGHUP, Ctrl-C) is passed to the binary, which ends the way it would have; the launcher
// then ends the same way. The binary runs in a process group of its own, so a Ctrl-C typed at
// the terminal reaches it once (through the launcher), not twice: a second Ctrl-C means "quit
// now, no reports" to it.
const { spawn } = require('node:child_process');
const { binaryPath } = require('../index.js');

let bin;
try {
  bin = binaryPath();
} catch (e) {
  console.error(`error: ${e.message}`);
  process.exit(4);
}

const windows = process.platform === 'win32';
const forwarded = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];
// The handlers are in place before the binary starts: a signal that comes while it is being
// started (a loaded machine may run the binary first) is kept and passed on once it runs,
// instead of ending the launcher alone.
let child = null;
const early = [];
const forward = (signal) => {
  if (child === null) early.push(signal);
  else if (child.exitCode === null && child.signalCode === null) child.kill(signal);
};
for (const signal of forwarded) {
  try {
    process.on(signal, forward);
  } catch {
    // A signal this platform does not have.
  }
}
child = spawn(bin, process.argv.slice(2), { stdio: 'inherit', detached: !windows });
for (const signal of early) forward(signal);
child.on('error', (e) => {
  console.error(`error: cannot run ${bin}: ${e.message}`);
  process.exit(4);
});
child.on('exit', (code, signal) => {
  for (const s of forwarded) process.removeAllListeners(s);
  if (signal) {
    // End by the same signal, so the caller sees what the binary's parent would have seen.
    process.kill(process.pid, signal);
    return;
  }
  process.exit(code ?? 1);
});
