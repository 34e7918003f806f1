import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigReader } from '@backstage/config';
import { DefaultGithubCredentialsProvider, ScmIntegrations } from '@backstage/integration';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { parse } from 'yaml';
import { CNPG_PLATFORM } from '../../../../../test/support/cnpg-requests';
import { createStateStore, type StateStore } from '../../../../../test/support/state-store';
import { allowingAccess } from '../../__testUtils__/access';
import { createPostgresCreateAction } from '../create/action';
import { createPostgresUpdateAction } from './action';
import { examples } from './examples';

let store: StateStore;
let workspace: string;
let catalog: ReturnType<typeof catalogServiceMock>;
let entities: unknown[];

beforeEach(() => {
  store = createStateStore();
  workspace = mkdtempSync(join(tmpdir(), 'pgg-workspace-'));
  entities = [];
});
afterEach(() => {
  store.cleanup();
  rmSync(workspace, { recursive: true, force: true });
});

function options() {
  const integrations = ScmIntegrations.fromConfig(new ConfigReader({}));
  return { integrations, githubCredentials: DefaultGithubCredentialsProvider.fromIntegrations(integrations), platform: CNPG_PLATFORM, paceGitHubWrites: false, catalog, stateStore: { repoUrl: store.url, allowed: [store.url] }, access: allowingAccess(catalog) };
}

async function run(action: 'create' | 'update', input: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const outputs: Record<string, any> = {};
  const ctx = {
    ...createMockActionContext({ input: { ...input, repoUrl: store.url } as never, workspacePath: workspace, user: { ref: 'user:default/jane' } }),
    output: (name: string, value: unknown) => (outputs[name] = value),
    ...extra,
  };
  const made = action === 'create' ? createPostgresCreateAction(options()) : createPostgresUpdateAction(options());
  await made.handler(ctx as never);
  return outputs;
}

/** Creates a database and merges its pull request, so it exists on main and in the catalog. */
async function existing(input: Record<string, unknown>) {
  const outputs = await run('create', input);
  execFileSync('git', ['update-ref', 'refs/heads/main', `refs/heads/${outputs.branch}`], { cwd: store.bare });
  entities.push(parse(store.show('main', outputs.catalogInfoPath)!));
  catalog = catalogServiceMock({ entities: entities as never });
  return outputs;
}

const stored = (outputs: Record<string, any>, file: string) => parse(store.show(outputs.branch, `${outputs.directory}/${file}`)!);

describe('postgres:update examples', () => {
  it.each(examples.map(e => [e.description, e] as const))('%s', async (_d, example) => {
    await existing({ name: 'my-database', namespace: 'default', size: 'small', version: '15', database: 'myapp' });
    await existing({ name: 'payments', namespace: 'team-b', engine: 'cloudnative-pg', version: '17', backup: true, replicas: 3 });
    const outputs = await run('update', parse(example.example).steps[0].input);
    expect(outputs.change).toBe('update');
  });
});

describe('postgres:update', () => {
  const base = { name: 'orders', namespace: 'team-a', size: 'small', version: '16', database: 'orders', username: 'orders_app', backup: true };

  it('applies only the changed fields to the stored request, and says what changes and what restarts', async () => {
    await existing(base);
    const outputs = await run('update', { name: 'orders', namespace: 'team-a', size: 'medium', storageSize: '20Gi' });
    const request = stored(outputs, 'request.yaml');
    expect(request.spec).toMatchObject({ size: 'medium', storageSize: '20Gi', backup: true, database: 'orders', version: '16' });
    expect(request.metadata.annotations['postgres-gitops.dev/requested-by']).toBe('user:default/jane');
    expect(outputs.summary).toContain('- storageSize: 1Gi -> 20Gi: the data volumes grow in place');
    expect(outputs.summary).toContain('### What restarts');
    expect(outputs.summary).toContain("orders-postgresql: the primary's pod restarts: connections drop");
    expect(store.log(outputs.branch)[0]).toBe('Update PostgreSQL team-a/orders (medium, 16) on worker-1');
  });

  it.each([
    [{ storageSize: '512Mi' }, 'storageSize: may grow, never shrink (1Gi -> 512Mi)'],
    [{ version: '15' }, 'version: no major downgrade (16 -> 15)'],
    [{ version: '17' }, 'version: 16 -> 17: the statefulset engine does not upgrade majors in place. Either (1) create a new database'],
    [{ engine: 'cloudnative-pg' }, 'engine: stays statefulset: an engine is not changed in place'],
    [{ database: 'sales' }, 'database: stays "orders"'],
    [{ username: 'someone' }, 'username: stays "orders_app"'],
  ])('refuses %j naming the field, and writes nothing', async (change, message) => {
    await existing(base);
    const heads = store.branches().map(b => [b, store.log(b)[0]]);
    await expect(run('update', { name: 'orders', namespace: 'team-a', ...change })).rejects.toThrow(message);
    expect(store.branches().map(b => [b, store.log(b)[0]])).toEqual(heads);
  });

  it('says plainly when the database does not exist', async () => {
    await expect(run('update', { name: 'nothing', namespace: 'team-a', size: 'large' })).rejects.toThrow(
      'clusters/worker-1/postgres/team-a/nothing: no such database on main',
    );
  });

  it('upgrades a CloudNativePG major only when asked, with a new backup server name, and says every instance stops', async () => {
    const created = await existing({ name: 'payments', namespace: 'team-b', engine: 'cloudnative-pg', version: '16', backup: true, replicas: 3 });
    await expect(run('update', { entityRef: created.entityRef, version: '18' })).rejects.toThrow('version: 16 -> 18 is an offline major upgrade');
    const outputs = await run('update', { entityRef: created.entityRef, version: '18', allowMajorUpgrade: true });
    const cluster = stored(outputs, 'cluster-payments-postgresql.yaml');
    expect(cluster.spec.imageName).toMatch(/postgresql:18\./);
    expect(cluster.spec.plugins[0].parameters.serverName).toMatch(/^payments-postgresql-\d{14}-pg18$/);
    expect(outputs.summary).toContain('payments-postgresql: all 3 instance(s) stop for an offline major upgrade');
  });

  it('in dry-run shows the PR text and writes nothing', async () => {
    await existing(base);
    const heads = store.branches();
    const outputs = await run('update', { name: 'orders', namespace: 'team-a', replicas: 2 }, { isDryRun: true });
    expect(outputs.summary).toContain('- replicas: 1 -> 2');
    expect(outputs.summary).toContain('orders-postgresql-read: 1 new pod(s) start');
    expect(store.branches()).toEqual(heads);
  });
});
