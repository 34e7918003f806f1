#!/usr/bin/env node
/**
 * Runs the whole suite on each supported Node.js line (22 and 24, exact builds from the npm
 * registry: see node-runtime.js), and ends the output with the plain line CI reads,
 * "N passed, N failed", over both runs. Printed after jest has exited, so nothing comes after it.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const { readFileSync, rmSync } = require('node:fs');
const { join } = require('node:path');
const { SUPPORTED_NODES, ensureNode } = require('./node-runtime');

const ROOT = join(__dirname, '..', '..');
const args = process.argv.slice(2);

function runJest(version) {
  const label = `Node.js v${version}`;
  let node;
  try {
    node = ensureNode(version);
  } catch (error) {
    process.stderr.write(`cannot get ${label}: ${error.message}\n`);
    return { label, passed: 0, failed: 1, ok: false };
  }
  const results = join(ROOT, `.jest-results-${version}.json`);
  rmSync(results, { force: true });
  process.stdout.write(`\n=== jest on ${label} ===\n`);
  const jest = spawnSync(node, [require.resolve('jest/bin/jest'), '--ci', '--json', `--outputFile=${results}`, ...args], { stdio: 'inherit' });
  try {
    const summary = JSON.parse(readFileSync(results, 'utf8'));
    return { label, passed: summary.numPassedTests, failed: summary.numFailedTests + summary.numRuntimeErrorTestSuites, ok: jest.status === 0 };
  } catch {
    return { label, passed: 0, failed: 1, ok: false };
  }
}

const runs = Object.values(SUPPORTED_NODES).map(runJest);
process.stdout.write('\n');
for (const r of runs) process.stdout.write(`${r.label}: ${r.passed} passed, ${r.failed} failed\n`);
const passed = runs.reduce((n, r) => n + r.passed, 0);
const failed = runs.reduce((n, r) => n + r.failed, 0);
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exit(runs.every(r => r.ok) && failed === 0 ? 0 : 1);
