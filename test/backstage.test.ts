import { join } from 'node:path';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { coreServices, createBackendModule, createServiceFactory } from '@backstage/backend-plugin-api';
import { catalogLocationsExtensionPoint } from '@backstage/plugin-catalog-node';
import { mockCredentials, mockServices, startTestBackend, TestDatabases } from '@backstage/backend-test-utils';
import { parse } from 'yaml';
import { scaffolderModulePostgres } from '../plugins/scaffolder-postgres/src';
import { createStateStore, type StateStore } from './support/state-store';
import { until } from './support/readiness';

/**
 * The "Create PostgreSQL" template through a real in-process Backstage backend: scaffolder and
 * catalog plugins, this module, SQLite, and a local bare repository as the state store.
 */
const ROOT = join(__dirname, '..');
const TEMPLATE = join(ROOT, 'templates', 'postgres', 'template.yaml');
jest.setTimeout(180_000);

let backend: Awaited<ReturnType<typeof startTestBackend>>;
let store: StateStore;
// Registered before TestDatabases.create so the backend stops before its databases close.
afterAll(async () => {
  await backend?.stop();
  // Let in-flight polling loops (task workers, catalog processing) see the shutdown.
  await new Promise(r => setTimeout(r, 2000));
  store?.cleanup();
});
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/** Lets the test register the state store's catalog files by path, as an app would register its URLs. */
const fileLocations = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'test-file-locations',
  register(env) {
    env.registerInit({ deps: { locations: catalogLocationsExtensionPoint }, async init({ locations }) { locations.setAllowedLocationTypes(['url', 'file']); } });
  },
});
let baseUrl: string;
const auth = { Authorization: mockCredentials.user.header('user:default/jane'), 'Content-Type': 'application/json' };

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${baseUrl}${path}`, { method, headers: auth, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function runTask(values: Record<string, unknown>, template = 'create-postgresql') {
  const created = await api('POST', '/api/scaffolder/v2/tasks', { templateRef: `template:default/${template}`, values });
  if (created.status !== 201) return { created, task: undefined, log: '', output: {} as Record<string, unknown> };
  const task = await until('the task to finish', async () => {
    const { body } = await api('GET', `/api/scaffolder/v2/tasks/${created.body.id}`);
    return ['completed', 'failed'].includes(body.status) ? body : undefined;
  });
  const events = await api('GET', `/api/scaffolder/v2/tasks/${created.body.id}/events`);
  const log = events.body.map((e: { body: { message?: string } }) => e.body.message ?? '').join('\n');
  const completion = events.body.find((e: { type: string }) => e.type === 'completion');
  return { created, task, log, output: (completion?.body.output ?? {}) as Record<string, unknown> };
}

const values = { name: 'orders', namespace: 'team-a', owner: 'group:default/team-a', system: 'system:default/shop', cluster: 'worker-1', database: 'orders', username: 'orders_app', size: 'medium', version: '17', profile: 'staging', persistence: true, backup: true };

beforeAll(async () => {
  store = createStateStore();
  backend = await startTestBackend({
    features: [
      import('@backstage/plugin-scaffolder-backend'),
      import('@backstage/plugin-catalog-backend'),
      import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
      fileLocations,
      scaffolderModulePostgres,
      // What a catalog sign-in puts in jane's token (dev/catalog/org.yaml: a member of team-a), so the
      // actions' ownership rule lets her change team-a's database; test/access.test.ts signs in for real.
      createServiceFactory({ service: coreServices.userInfo, deps: {}, factory: () => mockServices.userInfo({ ownershipEntityRefs: ['user:default/jane', 'group:default/team-a'] }) }),
      // One SQLite database per plugin, from TestDatabases, which also closes them after the run.
      createServiceFactory({
        service: coreServices.database,
        deps: {},
        async factory() {
          const knex = await databases.init('SQLITE_3');
          return { getClient: async () => knex };
        },
      }),
      mockServices.rootConfig.factory({
        data: {
          catalog: {
            rules: [{ allow: ['Template', 'Group', 'User', 'System', 'Resource', 'Component', 'Location'] }],
            locations: [
              { type: 'file', target: TEMPLATE },
              { type: 'file', target: join(ROOT, 'templates', 'postgres', 'change.yaml') },
              { type: 'file', target: join(ROOT, 'templates', 'postgres', 'retire.yaml') },
              { type: 'file', target: join(ROOT, 'plugins', 'scaffolder-postgres', 'dev', 'catalog', 'org.yaml') },
            ],
          },
          postgresGitops: { stateStore: { repoUrl: store.url, targetBranch: 'main' }, platform: { backstage: { baseUrl: 'http://localhost:3000' } } },
        },
      }),
    ],
  });
  baseUrl = `http://localhost:${backend.server.port()}`;
  await until('the catalog to load the template', async () => {
    const { status } = await api('GET', '/api/catalog/entities/by-name/template/default/create-postgresql');
    return status === 200 ? true : undefined;
  });
});

describe('the Create PostgreSQL template in a real Backstage backend', () => {
  it('loads the day-two templates, and lists postgres:update and postgres:decommission', async () => {
    for (const name of ['change-postgresql', 'retire-postgresql']) {
      const entity = await until(name, async () => {
        const { status, body } = await api('GET', `/api/catalog/entities/by-name/template/default/${name}`);
        return status === 200 ? body : undefined;
      });
      expect(entity.spec.steps.length).toBeGreaterThan(0);
    }
    const { body } = await api('GET', '/api/scaffolder/v2/actions');
    expect(body.map((a: { id: string }) => a.id)).toEqual(expect.arrayContaining(['postgres:update', 'postgres:decommission']));
  });

  it('lists postgres:create with its documented input at /create/actions', async () => {
    const { body } = await api('GET', '/api/scaffolder/v2/actions');
    const action = body.find((a: { id: string }) => a.id === 'postgres:create');
    expect(action.schema.input.properties.size.enum).toEqual(['small', 'medium', 'large']);
    for (const [field, schema] of Object.entries(action.schema.input.properties)) {
      expect({ field, description: typeof (schema as { description?: string }).description }).toEqual({ field, description: 'string' });
    }
    expect(action.examples.length).toBeGreaterThanOrEqual(3);
  });

  it('dry-run shows the real manifests and pushes nothing', async () => {
    const template = parse(readFileSync(TEMPLATE, 'utf8'));
    const { status, body } = await api('POST', '/api/scaffolder/v2/dry-run', { template, values, directoryContents: [] });
    expect(status).toBe(200);
    const files = body.directoryContents.map((f: { path: string }) => f.path);
    expect(files).toContain('clusters/worker-1/postgres/team-a/orders/statefulset-orders-postgresql.yaml');
    expect(files).toContain('clusters/worker-1/postgres/team-a/orders/cronjob-orders-postgresql-backup.yaml');
    const statefulSet = body.directoryContents.find((f: { path: string }) => f.path.endsWith('statefulset-orders-postgresql.yaml'));
    expect(Buffer.from(statefulSet.base64Content, 'base64').toString()).toContain('image: docker.io/library/postgres:17.9');
    expect(store.branches()).toEqual(['main']);
  });

  it('runs the template: the branch and files land, and who asked is recorded', async () => {
    const { task, log } = await runTask(values);
    expect({ status: task?.status, log: task?.status === 'completed' ? '' : log }).toEqual({ status: 'completed', log: '' });
    expect(store.branches()).toEqual(['main', 'postgres/worker-1/team-a/orders']);
    const request = parse(store.show('postgres/worker-1/team-a/orders', 'clusters/worker-1/postgres/team-a/orders/request.yaml')!);
    expect(request.spec).toMatchObject({ size: 'medium', version: '17', profile: 'staging', backup: true, owner: 'group:default/team-a', system: 'system:default/shop' });
    expect(request.metadata.annotations['postgres-gitops.dev/requested-by']).toBe('user:default/jane');
    expect(log).toContain('create: proposed clusters/worker-1/postgres/team-a/orders on branch postgres/worker-1/team-a/orders');
  });

  it('a re-run updates the same branch instead of duplicating, and opens nothing when nothing changed', async () => {
    const commits = store.log('postgres/worker-1/team-a/orders').length;
    const same = await runTask(values);
    expect(same.task?.status).toBe('completed');
    expect(same.log).toContain('nothing changed');
    expect(store.log('postgres/worker-1/team-a/orders')).toHaveLength(commits);

    const bigger = await runTask({ ...values, size: 'large' });
    expect(bigger.task?.status).toBe('completed');
    expect(store.branches()).toEqual(['main', 'postgres/worker-1/team-a/orders']);
    expect(store.files('postgres/worker-1/team-a/orders', 'clusters/worker-1/postgres/team-a/orders')).toContain('clusters/worker-1/postgres/team-a/orders/statefulset-orders-postgresql-read.yaml');
  });

  it('rejects invalid input with a readable message and pushes nothing', async () => {
    const before = store.branches();
    const badForm = await runTask({ ...values, name: 'Orders!' });
    expect(badForm.created.status).toBe(400);
    expect(JSON.stringify(badForm.created.body)).toContain('does not match pattern');

    const badRequest = await runTask({ ...values, name: 'billing', database: 'pg_billing' });
    expect(badRequest.task?.status).toBe('failed');
    expect(badRequest.log).toContain('database: must not start with "pg_"');
    // A user's mistake, not a crash: no stack frames in the task log.
    expect(badRequest.log).not.toMatch(/^\s+at /m);
    expect(store.branches()).toEqual(before);
  });

  it('runs the template with engine cloudnative-pg: the Cluster and the pooler land', async () => {
    const { task, log } = await runTask({ ...values, name: 'payments', database: 'payments', engine: 'cloudnative-pg', replicas: 3, pooling: true, backup: false });
    expect({ status: task?.status, log }).toMatchObject({ status: 'completed' });
    const files = store.files('postgres/worker-1/team-a/payments', 'clusters/worker-1/postgres/team-a/payments').map(f => f.split('/').pop());
    expect(files).toEqual(expect.arrayContaining(['cluster-payments-postgresql.yaml', 'pooler-payments-postgresql-pooler.yaml']));
    expect(files.some(f => f?.startsWith('statefulset-'))).toBe(false);
  });
});

describe('day two in a real Backstage backend: create, change, a refused shrink, retire', () => {
  const directory = 'clusters/worker-1/postgres/team-a/ledger';
  const branch = 'postgres/worker-1/team-a/ledger';
  let entityRef: string;

  it('creates the database, the pull request is merged, and the catalog lists it', async () => {
    const { task, log } = await runTask({ ...values, name: 'ledger', database: 'ledger', username: 'ledger_app', size: 'small', backup: false });
    expect({ status: task?.status, log: task?.status === 'completed' ? '' : log }).toEqual({ status: 'completed', log: '' });
    store.merge(branch);
    expect(store.show('main', `${directory}/request.yaml`)).toContain('size: small');

    // The state store's catalog file, registered as Flux plus a catalog location would register it.
    const catalogFile = join(mkdtempSync(join(tmpdir(), 'pgg-catalog-')), 'catalog-info.yaml');
    writeFileSync(catalogFile, store.show('main', `${directory}/catalog-info.yaml`)!);
    const registered = await api('POST', '/api/catalog/locations', { type: 'file', target: catalogFile });
    expect({ status: registered.status, body: registered.status === 201 ? undefined : registered.body }).toEqual({ status: 201, body: undefined });
    const entity = await until('the database in the catalog', async () => {
      const { body } = await api('GET', `/api/catalog/entities/by-query?filter=kind=resource,spec.type=database,metadata.name=ledger-team-a-worker-1`);
      return body?.items?.[0];
    });
    entityRef = `resource:${entity.metadata.namespace}/${entity.metadata.name}`;
    const link = entity.metadata.links.find((l: { title: string }) => l.title.startsWith('Change PostgreSQL'));
    expect(link.url).toMatch(/^http:\/\/localhost:3000\/create\/templates\/default\/change-postgresql\?formData=/);
    prefilled = JSON.parse(new URL(link.url).searchParams.get('formData')!);
  });

  let prefilled: Record<string, unknown>;

  it('the catalog page links to "Change PostgreSQL" pre-filled with the current choices: submitted as is, nothing changes', async () => {
    expect(prefilled).toEqual({ entityRef, size: 'small', version: '17', storageSize: '1Gi', replicas: 1, backup: false, restoreDrill: false, monitoring: true, ssl: false, allowedNamespaces: [], access: [] });
    const { task, log } = await runTask(prefilled, 'change-postgresql');
    expect(task?.status).toBe('completed');
    expect(log).toContain(`nothing changed: ${directory} already holds this`);
  });

  it('"Change PostgreSQL" changes size and storage; the summary says what restarts and what needs volume expansion', async () => {
    const { task, log, output } = await runTask({ ...prefilled, size: 'medium', storageSize: '8Gi' }, 'change-postgresql');
    expect({ status: task?.status, log: task?.status === 'completed' ? '' : log }).toEqual({ status: 'completed', log: '' });
    const request = parse(store.show(branch, `${directory}/request.yaml`)!);
    expect(request.spec).toMatchObject({ size: 'medium', storageSize: '8Gi', database: 'ledger', username: 'ledger_app' });
    expect(log).toContain(`updated ${directory} on branch ${branch}`);
    const summary = String((output.text as { content: string }[] | undefined)?.map(t => t.content).join('\n') ?? '');
    expect(summary).toContain('storageSize: 1Gi -> 8Gi: the data volumes grow in place');
    expect(summary).toContain("### What restarts\n\n- ledger-postgresql: the primary's pod restarts: connections drop");
    expect(summary).not.toContain('DESTRUCTIVE');
    store.merge(branch);
  });

  it('a shrink is refused naming the field, with no stack trace, and nothing is written', async () => {
    const before = { branches: store.branches(), main: store.log('main'), branch: store.log(branch) };
    const { task, log } = await runTask({ entityRef, storageSize: '2Gi' }, 'change-postgresql');
    expect({ status: task?.status, log }).toMatchObject({ status: 'failed' });
    expect(log).toContain('storageSize: may grow, never shrink (8Gi -> 2Gi): volumes cannot shrink');
    expect(log).not.toMatch(/^\s+at /m);
    expect({ branches: store.branches(), main: store.log('main'), branch: store.log(branch) }).toEqual(before);
  });

  it('"Retire PostgreSQL" removes the manifests and the catalog entity, says what stays; a second retirement is refused', async () => {
    const { task, log, output } = await runTask({ entityRef }, 'retire-postgresql');
    expect({ status: task?.status, log: task?.status === 'completed' ? '' : log }).toEqual({ status: 'completed', log: '' });
    const retireBranch = 'postgres-retire/worker-1/team-a/ledger';
    expect(log).toContain(`opened the retirement of ${directory} on branch ${retireBranch}`);
    expect(store.files(retireBranch, directory)).toEqual([]);
    const summary = String((output.text as { content: string }[] | undefined)?.map(t => t.content).join('\n') ?? '');
    expect(summary).toContain('**No data is deleted.**');
    expect(summary).toContain('- PersistentVolumeClaims data-ledger-postgresql-0 in team-a');
    expect(summary).toContain('kubectl -n team-a delete pvc data-ledger-postgresql-0');
    store.merge(retireBranch);

    const again = await runTask({ entityRef }, 'retire-postgresql');
    expect(again.task?.status).toBe('failed');
    expect(again.log).toMatch(/no such database|not found|already/);
    expect(again.log).not.toMatch(/^\s+at /m);
  });
});
