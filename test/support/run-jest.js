#!/usr/bin/env node
/**
 * Runs the whole suite once on the newest supported Node.js line, and on the older lines only the
 * tests whose outcome can depend on the runtime (exact builds from the npm registry: see
 * node-runtime.js); ends the output with the plain line CI reads, "N passed, N failed", over all
 * runs. Printed after jest has exited, so nothing comes after it.
 * With jest arguments (paths, -t), those run on every line.
 */
'use strict';
const { spawn } = require('node:child_process');
const { readFileSync, rmSync } = require('node:fs');
const { join, relative } = require('node:path');
const { SUPPORTED_NODES, ensureNode } = require('./node-runtime');

const ROOT = join(__dirname, '..', '..');
const args = process.argv.slice(2);

/**
 * What can differ between Node.js lines: our code on Node's own APIs and native modules. The
 * Backstage module in a real backend (SQLite through better-sqlite3, fetch, streams), the git
 * publisher (simple-git and git child processes), and the browser test's servers (Vite, the demo
 * backend). Of the real-PostgreSQL tests, Node only starts the binaries and reads their output
 * (none uses a Node PostgreSQL client): what PostgreSQL does with our rendered files cannot
 * depend on the line, so two of them stand for the harness (processes, TLS files, ports).
 * Pure rendering cannot differ.
 */
const RUNTIME_SENSITIVE = [
  'test/backstage.test.ts',
  'test/publish/git-',
  'test/browser.test.ts',
  'test/postgres/tls-verify.test.ts',
  'test/postgres/tenants.test.ts',
];

async function runJest(version, paths) {
  const label = `Node.js v${version}${paths === args ? '' : ' (runtime-sensitive tests)'}`;
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
  const jest = spawn(node, [require.resolve('jest/bin/jest'), '--ci', '--json', `--outputFile=${results}`, ...paths], { stdio: ['inherit', 'pipe', 'pipe'] });
  const leaks = new Set();
  const scan = (chunk, out) => {
    out.write(chunk);
    for (const match of String(chunk).matchAll(TOKEN_SHAPES)) leaks.add(`${match[0].slice(0, 8)}...`);
  };
  jest.stdout.on('data', chunk => scan(chunk, process.stdout));
  jest.stderr.on('data', chunk => scan(chunk, process.stderr));
  const status = await new Promise(resolve => jest.on('close', resolve));
  // Every test's captured output (logs, task logs, errors, PR texts printed on failure) is scanned:
  // the tests configure real-looking tokens, and none may ever be printed.
  const leaked = leaks.size > 0 ? 1 : 0;
  if (leaked) process.stderr.write(`\ntoken leak: a credential-shaped string was printed during the run (${[...leaks].join(', ')})\n`);
  try {
    const summary = JSON.parse(readFileSync(results, 'utf8'));
    return {
      label,
      passed: summary.numPassedTests,
      failed: summary.numFailedTests + summary.numRuntimeErrorTestSuites + leaked,
      ok: status === 0 && !leaked,
      failures: failuresOf(summary),
    };
  } catch {
    return { label, passed: 0, failed: 1, ok: false };
  }
}

/**
 * Each failed test as "file › test", and each file that failed to run, so the last lines of a
 * long log (all a CI page may keep) still say what failed.
 */
function failuresOf(summary) {
  const failures = [];
  for (const file of summary.testResults) {
    const path = relative(ROOT, file.name);
    const failed = file.assertionResults.filter(t => t.status === 'failed');
    for (const t of failed) failures.push(`${path} › ${t.fullName}`);
    if (failed.length === 0 && file.status === 'failed') failures.push(`${path} (did not run: ${String(file.message).split('\n').find(l => l.trim()) ?? 'no message'})`);
  }
  return failures;
}

/** GitHub tokens (classic, fine-grained, app, OAuth, refresh), as the tests configure them. */
const TOKEN_SHAPES = /\b(gh[pousr]_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]{20,})/g;

async function main() {
  const runs = [];
  const lines = Object.keys(SUPPORTED_NODES).map(Number).sort((a, b) => b - a);
  for (const major of lines) {
    const whole = args.length > 0 || major === lines[0];
    runs.push(await runJest(SUPPORTED_NODES[major], whole ? args : RUNTIME_SENSITIVE));
  }
  process.stdout.write('\n');
  for (const r of runs) {
    process.stdout.write(`${r.label}: ${r.passed} passed, ${r.failed} failed\n`);
    for (const failure of r.failures ?? []) process.stdout.write(`  failed: ${failure.slice(0, 300)}\n`);
  }
  const passed = runs.reduce((n, r) => n + r.passed, 0);
  const failed = runs.reduce((n, r) => n + r.failed, 0);
  process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
  process.exit(runs.every(r => r.ok) && failed === 0 ? 0 : 1);
}

main();
