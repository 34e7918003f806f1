#!/usr/bin/env node
// @ts-check
'use strict';
/**
 * The pipeline image's application files, made the same way by the reproducible build
 * (pipeline-image/src/build.ts) and by the Dockerfile, so both images hold the same /app.
 *
 * The CLI is the workspace package that declares the `postgres-gitops` bin; it and the workspace
 * packages it depends on are packed with `npm pack` and installed as tarballs with production
 * dependencies only. Every other package is pinned to the version the repository's
 * package-lock.json holds (read with `npm ls --package-lock-only`), so the image runs what the
 * tests ran, whatever the registry has published since.
 *
 *   node pipeline-image/app.js compile           Docker's build stage: install what compiling
 *                                                those workspaces needs, then tsc -b them
 *   node pipeline-image/app.js stage <dir>       tsc -b them (a no-op when current), then write
 *                                                <dir>/app (and <dir>/tarballs)
 *   node pipeline-image/app.js describe          print what would be staged, as JSON
 *
 * Plain CommonJS with no dependencies: Docker's build stage runs it before anything is compiled.
 */
const { execFileSync, spawnSync } = require('node:child_process');
const { mkdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { join, relative, resolve } = require('node:path');

const ROOT = resolve(__dirname, '..');
const BIN = 'postgres-gitops';

/** @typedef {{ dir: string, name: string, version: string, dependencies: Record<string, string>, bin?: string | Record<string, string> }} Workspace */

/** @param {string} file */
const readJson = file => JSON.parse(readFileSync(file, 'utf8'));

/** @param {string} root @returns {Workspace[]} every workspace of the root package.json, in its order */
function workspaces(root) {
  const patterns = readJson(join(root, 'package.json')).workspaces ?? [];
  return patterns.map(/** @param {string} dir */ dir => {
    if (dir.includes('*')) throw new Error(`workspace "${dir}": glob patterns are not supported here; list the directory`);
    const pkg = readJson(join(root, dir, 'package.json'));
    return { dir, name: pkg.name, version: pkg.version, dependencies: pkg.dependencies ?? {}, bin: pkg.bin };
  });
}

/**
 * The workspace that declares the `postgres-gitops` bin, then the workspaces it depends on
 * (transitively), the CLI first.
 * @param {string} root
 */
function cliWorkspaces(root) {
  const all = workspaces(root);
  const byName = new Map(all.map(w => [w.name, w]));
  const cli = all.filter(w => w.bin && typeof w.bin === 'object' && BIN in w.bin);
  if (cli.length !== 1) throw new Error(`expected exactly one workspace declaring the "${BIN}" bin, found ${cli.map(w => w.dir).join(', ') || 'none'}`);
  /** @type {Workspace[]} */
  const picked = [];
  /** @param {Workspace} w */
  const visit = w => {
    if (picked.includes(w)) return;
    picked.push(w);
    for (const dep of Object.keys(w.dependencies)) {
      const ws = byName.get(dep);
      if (ws) visit(ws);
    }
  };
  visit(cli[0]);
  return picked;
}

/**
 * name -> version of every registry package in the production closure of `picked`, from the
 * lockfile. One version per name, so the pins can be npm overrides; two versions of one name
 * would need nesting, which is refused rather than guessed.
 * @param {string} root @param {Workspace[]} picked
 */
function lockedVersions(root, picked) {
  const args = ['ls', '--package-lock-only', '--all', '--omit=dev', '--json', ...picked.map(w => `--workspace=${w.dir}`)];
  // npm ls exits 1 when the tree has "problems" elsewhere (an override outside this closure); the JSON is complete.
  const result = spawnSync('npm', args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (!result.stdout) throw new Error(`npm ls failed: ${result.stderr}`);
  const names = new Set(picked.map(w => w.name));
  /** @type {Map<string, Set<string>>} */
  const versions = new Map();
  /** @param {Record<string, any>} deps */
  const walk = deps => {
    for (const [name, node] of Object.entries(deps ?? {})) {
      if (!names.has(name) && node.version) {
        if (!versions.has(name)) versions.set(name, new Set());
        versions.get(name)?.add(node.version);
      }
      walk(node.dependencies);
    }
  };
  walk(JSON.parse(result.stdout).dependencies);
  /** @type {Record<string, string>} */
  const pins = {};
  for (const [name, set] of [...versions].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (set.size > 1) throw new Error(`${name}: the lockfile holds ${[...set].join(' and ')} in the CLI's production dependencies; pin one`);
    pins[name] = [...set][0];
  }
  return pins;
}

/** @param {string} root */
function describe(root) {
  const picked = cliWorkspaces(root);
  const cli = picked[0];
  return {
    cli: { name: cli.name, version: cli.version, dir: cli.dir, bin: /** @type {Record<string, string>} */ (cli.bin)[BIN] },
    workspaces: picked.map(w => ({ name: w.name, version: w.version, dir: w.dir })),
    pins: lockedVersions(root, picked),
  };
}

/**
 * Docker's build stage: the picked workspaces' dependencies from the lockfile, TypeScript and
 * Node's types at their locked versions, then `tsc -b` of those workspaces.
 * @param {string} root
 */
function compile(root) {
  const picked = cliWorkspaces(root);
  const npm = (/** @type {string[]} */ ...args) => execFileSync('npm', args, { cwd: root, stdio: 'inherit' });
  const ws = picked.map(w => `--workspace=${w.dir}`);
  npm('ci', '--ignore-scripts', '--no-audit', '--no-fund', ...ws);
  const lock = readJson(join(root, 'package-lock.json')).packages;
  const tools = ['typescript', '@types/node', '@types/node/node_modules/undici-types', 'undici-types']
    .filter(name => lock[`node_modules/${name}`])
    .map(name => `${name}@${lock[`node_modules/${name}`].version}`);
  // --no-save keeps package.json and the lockfile as they are; only the picked workspaces are reified.
  npm('install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', ...ws, ...tools);
  tscBuild(root, picked);
}

/** tsc -b of the picked workspaces: nothing when their dist is current, so a stale dist is never packed. */
function tscBuild(/** @type {string} */ root, /** @type {Workspace[]} */ picked) {
  execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-b', ...picked.map(w => w.dir)], { cwd: root, stdio: 'inherit' });
}

/**
 * `out`/app: a package whose dependencies are the packed workspaces, installed with production
 * dependencies only and every registry package pinned; `out`/tarballs: what was packed.
 * @param {string} root @param {string} out
 */
function stage(root, out) {
  const { cli, workspaces: picked, pins } = describe(root);
  tscBuild(root, cliWorkspaces(root));
  const tarballs = join(out, 'tarballs');
  const app = join(out, 'app');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(tarballs, { recursive: true });
  mkdirSync(app, { recursive: true });
  /** @type {Record<string, string>} */
  const dependencies = {};
  for (const w of picked) {
    const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', tarballs, `--workspace=${w.dir}`], { cwd: root, encoding: 'utf8' }));
    dependencies[w.name] = `file:${relative(app, join(tarballs, packed[0].filename))}`;
  }
  const pkg = {
    name: 'postgres-gitops-pipeline',
    version: cli.version,
    private: true,
    description: `The Kratix pipeline image's application: ${cli.name} and its production dependencies`,
    dependencies,
    overrides: pins,
  };
  writeFileSync(join(app, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  // Every setting that shapes the tree or the lockfile is given here, so a user's or machine's npmrc cannot.
  execFileSync('npm', ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--install-links', '--install-strategy=hoisted',
    '--omit-lockfile-registry-resolved', '--loglevel=error'], { cwd: app, stdio: ['ignore', 'ignore', 'inherit'] });
  return { cli, workspaces: picked, pins, app, entrypoint: `node_modules/.bin/${BIN}` };
}

module.exports = { BIN, cliWorkspaces, describe, stage, compile };

if (require.main === module) {
  const [command, dir] = process.argv.slice(2);
  if (command === 'describe') process.stdout.write(`${JSON.stringify(describe(ROOT), null, 2)}\n`);
  else if (command === 'compile') compile(ROOT);
  else if (command === 'stage' && dir) process.stdout.write(`${JSON.stringify(stage(ROOT, resolve(dir)), null, 2)}\n`);
  else {
    process.stderr.write('usage: node pipeline-image/app.js describe | compile | stage <dir>\n');
    process.exit(2);
  }
}
