#!/usr/bin/env node
'use strict';
const { main } = require('../dist/main.js');

main(process.argv.slice(2), {
  stdout: text => process.stdout.write(text),
  stderr: text => process.stderr.write(text),
  env: process.env,
  isTTY: process.stderr.isTTY,
}).then(code => {
  process.exitCode = code;
});
