#!/usr/bin/env node
/**
 * Runs a script on a supported Node.js line (22, 24 or 26): the running one when it is, else the newest,
 * an exact build from the npm registry (test/support/node-runtime.js). Signals reach the child, and the
 * launcher exits with it, so stopping the command stops everything it started.
 */
'use strict';
const { spawn } = require('node:child_process');
const { join } = require('node:path');
const { supportedNode } = require(join(__dirname, '..', '..', '..', 'test', 'support', 'node-runtime'));

const child = spawn(supportedNode(), process.argv.slice(2), { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
// npm does not always pass a SIGTERM on to its script: when whoever started this launcher is
// gone (it is re-parented), stop the child too, so nothing is left holding the port.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) child.kill('SIGTERM');
}, 500).unref();
