import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync, appendFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { cli } from './__testUtils__/cli';
import { EXIT } from './exit-codes';

const EXAMPLES = join(__dirname, '..', '..', 'renderer', 'examples');


let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'pgg-cli-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('render', () => {
  it('prints a multi-document stream of the manifests without --out', async () => {
    const { code, stdout } = await cli(['render', join(EXAMPLES, 'basic.yaml')]);
    expect(code).toBe(EXIT.ok);
    const kinds = parseAllDocuments(stdout).map(d => d.toJS().kind);
    expect(kinds).toContain('StatefulSet');
    expect(kinds).not.toContain('PostgreSQL');
  });

  it('writes the database directory into the state dir with --out', async () => {
    const { code, stderr } = await cli(['render', join(EXAMPLES, 'production.yaml'), '--out', dir, '--platform', join(EXAMPLES, 'platform.yaml')]);
    expect(code).toBe(EXIT.ok);
    expect(stderr).toContain('clusters/worker-1/postgres/production/production-db/');
    const catalog = parse(readFileSync(join(dir, 'clusters/worker-1/postgres/production/production-db/catalog-info.yaml'), 'utf8'));
    expect(catalog.metadata.links[0].url).toBe('https://github.com/acme/platform-state/tree/main/clusters/worker-1/postgres/production/production-db');
  });

  it('rejects an invalid request with the field path, exit 2, no stack trace, and writes nothing', async () => {
    writeFileSync(join(dir, 'bad.yaml'), 'apiVersion: marketplace.kratix.io/v1alpha1\nkind: postgresql\nmetadata: {name: orders}\nspec: {version: "12", backup: true, persistence: false}\n');
    const out = join(dir, 'out');
    const { code, stderr } = await cli(['render', join(dir, 'bad.yaml'), '--out', out]);
    expect(code).toBe(EXIT.invalidInput);
    expect(stderr).toContain('spec.version: must be a PostgreSQL major version from 13 to 18 (got "12")');
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses an unknown YAML tag in its own error format, naming the field, and writes nothing', async () => {
    writeFileSync(join(dir, 'tagged.yaml'), 'apiVersion: marketplace.kratix.io/v1alpha1\nkind: postgresql\nmetadata: {name: orders}\nspec: {owner: !Secret group:default/team-a}\n');
    const out = join(dir, 'out-tagged');
    const { code, stderr } = await cli(['render', join(dir, 'tagged.yaml'), '--out', out]);
    expect({ code, stderr }).toEqual({ code: EXIT.invalidInput, stderr: 'postgres-gitops: invalid request:\n  - spec.owner: the YAML tag !Secret is not accepted: a request holds plain values\n' });
    expect(existsSync(out)).toBe(false);
  });

  it('rejects an invalid platform file with the field path', async () => {
    writeFileSync(join(dir, 'platform.yaml'), 'certIssuer: {kind: Vault}\n');
    const { code, stderr } = await cli(['render', join(EXAMPLES, 'basic.yaml'), '--platform', join(dir, 'platform.yaml')]);
    expect(code).toBe(EXIT.invalidInput);
    expect(stderr).toContain('certIssuer.kind');
  });

  it('says what is wrong with a missing file or an unknown command', async () => {
    expect(await cli(['render', join(dir, 'nope.yaml')])).toMatchObject({ code: EXIT.invalidInput, stderr: expect.stringContaining('ENOENT') });
    expect(await cli(['explode'])).toMatchObject({ code: EXIT.invalidInput, stderr: expect.stringContaining('unknown command "explode"') });
    expect(await cli(['render', '--bogus'])).toMatchObject({ code: EXIT.invalidInput, stderr: expect.stringContaining("Unknown option '--bogus'") });
  });
});

describe('verify', () => {
  async function renderInto(example: string) {
    await cli(['render', join(EXAMPLES, `${example}.yaml`), '--out', dir]);
  }
  const prodDir = () => join(dir, 'clusters/worker-1/postgres/production/production-db');

  it('passes on a freshly rendered state store', async () => {
    await renderInto('basic');
    await renderInto('production');
    expect(await cli(['verify', dir])).toMatchObject({ code: EXIT.ok, stdout: 'verify: 2 database(s), all manifests match the renderer\n' });
  });

  it('fails with a readable diff when a committed manifest was edited by hand', async () => {
    await renderInto('production');
    const file = join(prodDir(), 'statefulset-production-db-postgresql.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('memory: 2Gi', 'memory: 8Gi'));
    const { code, stderr } = await cli(['verify', dir]);
    expect(code).toBe(EXIT.drift);
    expect(stderr).toContain('statefulset-production-db-postgresql.yaml: differs from the rendered manifest');
    expect(stderr).toContain('-              memory: 8Gi');
    expect(stderr).toContain('+              memory: 2Gi');
  });

  it('reports missing, stale and misplaced files, and invalid requests', async () => {
    await renderInto('production');
    unlinkSync(join(prodDir(), 'service-production-db-postgresql.yaml'));
    writeFileSync(join(prodDir(), 'configmap-extra.yaml'), 'kind: ConfigMap\n');
    appendFileSync(join(prodDir(), 'request.yaml'), '');
    const { code, stderr } = await cli(['verify', dir]);
    expect(code).toBe(EXIT.drift);
    expect(stderr).toContain('service-production-db-postgresql.yaml: missing');
    expect(stderr).toContain('configmap-extra.yaml: not produced by the renderer');

    const request = join(prodDir(), 'request.yaml');
    writeFileSync(request, readFileSync(request, 'utf8').replace(/^ {2}version: "15"$/m, '  version: "11"'));
    expect((await cli(['verify', dir])).stderr).toContain('spec.version: must be a PostgreSQL major version from 13 to 18 (got "11")');
    writeFileSync(request, readFileSync(request, 'utf8').replace(/^ {2}version: "11"$/m, '  version: "15"').replace('cluster: worker-1', 'cluster: worker-2'));
    expect((await cli(['verify', dir])).stderr).toContain('request belongs in clusters/worker-2/postgres/production/production-db/');
  });
});

describe('verify: two databases of a cluster naming the same objects (review 3 M2)', () => {
  const request = (namespace: string, name: string) => {
    const file = join(dir, `${namespace}.${name}.yaml`);
    writeFileSync(file, `apiVersion: postgres-gitops.dev/v1alpha1\nkind: PostgreSQL\nmetadata: {name: ${name}, namespace: ${namespace}}\nspec: {size: small}\n`);
    return file;
  };
  const store = () => join(dir, 'store');

  it('names both, the objects and the rule, and exits non-zero; other hyphenated names pass', async () => {
    for (const [namespace, name] of [['team-b', 'billing'], ['team', 'b-ledger'], ['team', 'b-billing-eu']]) await cli(['render', request(namespace, name), '--out', store()]);
    expect(await cli(['verify', store()])).toMatchObject({ code: EXIT.ok, stdout: 'verify: 3 database(s), all manifests match the renderer\n' });

    // Planted: what render --out writes without looking at the store, as a hand-made commit would.
    await cli(['render', request('team', 'b-billing'), '--out', store()]);
    const { code, stderr } = await cli(['verify', store()]);
    expect(code).toBe(EXIT.drift);
    expect(stderr).toBe(
      'clusters/worker-1/postgres/team/b-billing/request.yaml: metadata.name: team/b-billing and team-b/billing (clusters/worker-1/postgres/team-b/billing/) on worker-1 name the same ' +
        'Flux Kustomization flux-system/pg-worker-1-team-b-billing, Argo CD Application pg-worker-1-team-b-billing: <metadata.namespace>-<metadata.name> must be unique on a cluster. ' +
        'Do not rename either directory (Flux would prune what it applied); retire one and create it again under another name\nverify: 1 problem(s) in 4 database(s)\n',
    );
  });
});

describe('wiring', () => {
  it('prints an index GitRepository and the root Flux Kustomization over the databases\' own Kustomizations', async () => {
    const { code, stdout } = await cli(['wiring', '--cluster', 'worker-1', '--flux', '--repo-url', 'https://git.example.com/state.git', '--secret', 'state-auth']);
    expect(code).toBe(EXIT.ok);
    const [source, root] = parseAllDocuments(stdout).map(d => d.toJS());
    expect(source).toMatchObject({ kind: 'GitRepository', metadata: { name: 'postgres-worker-1-index', namespace: 'flux-system' }, spec: { url: 'https://git.example.com/state.git', ref: { branch: 'main' }, secretRef: { name: 'state-auth' } } });
    expect(root).toMatchObject({ kind: 'Kustomization', spec: { path: './clusters/worker-1/postgres', prune: true, sourceRef: { kind: 'GitRepository', name: 'postgres-worker-1-index' } } });
  });

  it('prints an Argo CD ApplicationSet that preserves resources on deletion', async () => {
    const { stdout } = await cli(['wiring', '--cluster', 'worker-1', '--argo', '--repo-url', 'https://git.example.com/state.git']);
    expect(parse(stdout)).toMatchObject({ kind: 'ApplicationSet', spec: { syncPolicy: { preserveResourcesOnDeletion: true } } });
  });

  it('needs a cluster and exactly one of --flux and --argo', async () => {
    expect((await cli(['wiring', '--flux'])).code).toBe(EXIT.invalidInput);
    expect((await cli(['wiring', '--cluster', 'x', '--flux', '--argo'])).code).toBe(EXIT.invalidInput);
    expect((await cli(['wiring', '--cluster', 'x', '--argo'])).stderr).toContain('--repo-url');
    expect((await cli(['wiring', '--cluster', 'x', '--flux'])).stderr).toContain('--repo-url');
    const bad = await cli(['wiring', '--cluster', 'Bad_Cluster', '--flux', '--repo-url', 'https://git.example.com/state.git']);
    expect({ code: bad.code, stdout: bad.stdout }).toEqual({ code: EXIT.invalidInput, stdout: '' });
    expect(bad.stderr).toContain('--cluster: "Bad_Cluster" must be a DNS-1123 label of at most 44 characters');
  });
});

describe('kratix', () => {
  function paths() {
    return ['--input', join(dir, 'input'), '--output', join(dir, 'output'), '--metadata', join(dir, 'metadata')];
  }
  function writeObject(object: string) {
    require('node:fs').mkdirSync(join(dir, 'input'), { recursive: true });
    writeFileSync(join(dir, 'input', 'object.yaml'), object);
  }
  const kratixObject = `apiVersion: marketplace.kratix.io/v1alpha1
kind: postgresql
metadata:
  name: production-db
  namespace: production
  uid: 0b7e6c1e-7a51-4d2c-a1a7-3d8c1d9f0c11
  generation: 1
  managedFields:
    - manager: kubectl-client-side-apply
      operation: Update
spec:
  size: large
  version: "15"
  database: production_app
  username: app_user
  backup: true
  monitoring: true
  ssl: true
status:
  message: Pending
`;

  it('writes only applicable manifests, and connection details as status', async () => {
    writeObject(kratixObject);
    const { code } = await cli(['kratix', ...paths()], { KRATIX_WORKFLOW_TYPE: 'resource', KRATIX_WORKFLOW_ACTION: 'configure' });
    expect(code).toBe(EXIT.ok);
    const files = readdirSync(join(dir, 'output'));
    expect(files).toContain('statefulset-production-db-postgresql.yaml');
    expect(files).not.toContain('request.yaml');
    expect(files).not.toContain('catalog-info.yaml');
    expect(files).not.toContain('kustomization.yaml');
    const status = parse(readFileSync(join(dir, 'metadata', 'status.yaml'), 'utf8'));
    expect(status.connection).toMatchObject({ host: 'production-db-postgresql.production.svc', port: 5432, database: 'production_app', username: 'app_user', passwordSecret: 'production-db-postgresql-secret' });
    expect(existsSync(join(dir, 'metadata', 'destination-selectors.yaml'))).toBe(false);
  });

  it('remembers the claim templates\' size in the status, so a later storage growth leaves the StatefulSet\'s templates as created', async () => {
    writeObject(kratixObject);
    expect((await cli(['kratix', ...paths()])).code).toBe(EXIT.ok);
    const status = parse(readFileSync(join(dir, 'metadata', 'status.yaml'), 'utf8'));
    expect(status.claimTemplateStorageSize).toBe('10Gi');
    // Kratix merges status.yaml into the resource; the next run reads it back with the grown request.
    writeObject(kratixObject.replace('  ssl: true\n', '  ssl: true\n  storageSize: 50Gi\n').replace('  message: Pending\n', '  message: Pending\n  claimTemplateStorageSize: 10Gi\n'));
    expect((await cli(['kratix', ...paths()])).code).toBe(EXIT.ok);
    const sts = parse(readFileSync(join(dir, 'output', 'statefulset-production-db-postgresql.yaml'), 'utf8'));
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('10Gi');
    const claim = parse(readFileSync(join(dir, 'output', 'persistentvolumeclaim-data-production-db-postgresql-0.yaml'), 'utf8'));
    expect(claim.spec.resources.requests.storage).toBe('50Gi');
  });

  it('renders a CloudNativePG request, in our shape or the marketplace promise\'s, with the pooler as the host', async () => {
    writeObject(readFileSync(join(EXAMPLES, 'ha-cnpg.yaml'), 'utf8'));
    expect((await cli(['kratix', ...paths(), '--platform', join(EXAMPLES, 'platform.yaml')])).code).toBe(EXIT.ok);
    expect(readdirSync(join(dir, 'output'))).toEqual(expect.arrayContaining(['cluster-orders-postgresql.yaml', 'pooler-orders-postgresql-pooler.yaml']));
    const status = parse(readFileSync(join(dir, 'metadata', 'status.yaml'), 'utf8'));
    expect(status.connection).toMatchObject({ host: 'orders-postgresql-pooler.team-a.svc', readOnlyHost: 'orders-postgresql-ro.team-a.svc' });

    writeObject('apiVersion: marketplace.kratix.io/v1alpha1\nkind: postgresql\nmetadata: {name: bestdb, namespace: acme}\nspec: {env: prod, teamId: acme-org-team-a, dbName: bestdb, backupEnabled: false}\n');
    expect((await cli(['kratix', ...paths(), '--platform', join(EXAMPLES, 'platform.yaml')])).code).toBe(EXIT.ok);
    expect(readdirSync(join(dir, 'output'))).toContain('cluster-bestdb-postgresql.yaml');
  });

  it('turns a requested cluster into destination selectors', async () => {
    writeObject(kratixObject.replace('  size: large', '  size: large\n  cluster: worker-2'));
    await cli(['kratix', ...paths()], { KRATIX_WORKFLOW_TYPE: 'resource' });
    expect(parse(readFileSync(join(dir, 'metadata', 'destination-selectors.yaml'), 'utf8'))).toEqual([{ matchLabels: { cluster: 'worker-2' } }]);
  });

  it('refuses unknown workflow types and actions, and writes nothing for delete', async () => {
    writeObject(kratixObject);
    expect(await cli(['kratix', ...paths()], { KRATIX_WORKFLOW_TYPE: 'cluster' })).toMatchObject({ code: EXIT.invalidInput, stderr: expect.stringContaining('KRATIX_WORKFLOW_TYPE: must be one of resource, promise (got "cluster")') });
    expect((await cli(['kratix', ...paths()], { KRATIX_WORKFLOW_ACTION: 'upgrade' })).code).toBe(EXIT.invalidInput);
    expect(await cli(['kratix', ...paths()], { KRATIX_WORKFLOW_TYPE: 'resource', KRATIX_WORKFLOW_ACTION: 'delete' })).toMatchObject({ code: EXIT.ok });
    expect(existsSync(join(dir, 'output'))).toBe(false);
  });

  it('writes its status outside status.kratix, which Kratix owns and refuses from a workflow', async () => {
    writeObject(kratixObject);
    await cli(['kratix', ...paths()], { KRATIX_WORKFLOW_TYPE: 'resource' });
    // claimTemplateStorageSize: a statefulset's claim templates cannot change, so Kratix keeps their size for the next run.
    expect(Object.keys(parse(readFileSync(join(dir, 'metadata', 'status.yaml'), 'utf8'))).sort()).toEqual(['claimTemplateStorageSize', 'connection', 'message']);
  });

  it('renders the same under KRATIX_DRY_RUN (no side effects to suppress, so no other output)', async () => {
    writeObject(kratixObject);
    await cli(['kratix', ...paths()], { KRATIX_WORKFLOW_TYPE: 'resource' });
    const real = readdirSync(join(dir, 'output')).map(f => [f, readFileSync(join(dir, 'output', f), 'utf8')]);
    require('node:fs').rmSync(join(dir, 'output'), { recursive: true });
    const { code, stderr } = await cli(['kratix', ...paths()], { KRATIX_WORKFLOW_TYPE: 'resource', KRATIX_DRY_RUN: 'true' });
    expect(code).toBe(EXIT.ok);
    expect(stderr).toContain('dry run');
    expect(readdirSync(join(dir, 'output')).map(f => [f, readFileSync(join(dir, 'output', f), 'utf8')])).toEqual(real);
  });

  it.each([
    ['suspend: true\nmessage: waiting for approval\n', 'suspends this workflow (waiting for approval)'],
    ['retryAfter: 5m\n', 'retries this workflow after 5m'],
  ])('renders nothing when an earlier container wrote workflow-control.yaml (%j), and leaves it', async (control, said) => {
    writeObject(kratixObject);
    require('node:fs').mkdirSync(join(dir, 'metadata'), { recursive: true });
    writeFileSync(join(dir, 'metadata', 'workflow-control.yaml'), control);
    const { code, stderr } = await cli(['kratix', ...paths()], { KRATIX_WORKFLOW_TYPE: 'resource' });
    expect(code).toBe(EXIT.ok);
    expect(stderr).toContain(said);
    expect(existsSync(join(dir, 'output'))).toBe(false);
    expect(readdirSync(join(dir, 'metadata'))).toEqual(['workflow-control.yaml']);
    expect(readFileSync(join(dir, 'metadata', 'workflow-control.yaml'), 'utf8')).toBe(control);
  });

  it('rejects an invalid object before writing anything', async () => {
    writeObject(kratixObject.replace('size: large', 'size: huge'));
    const { code, stderr } = await cli(['kratix', ...paths()], { KRATIX_WORKFLOW_TYPE: 'resource' });
    expect(code).toBe(EXIT.invalidInput);
    expect(stderr).toContain('spec.size');
    expect(existsSync(join(dir, 'output'))).toBe(false);
  });
});
