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
import { createPostgresDecommissionAction } from './action';
import { examples } from './examples';

let store: StateStore;
let workspace: string;
let catalog: ReturnType<typeof catalogServiceMock> | undefined;

beforeEach(() => {
  store = createStateStore();
  workspace = mkdtempSync(join(tmpdir(), 'pgg-workspace-'));
  catalog = undefined;
});
afterEach(() => {
  store.cleanup();
  rmSync(workspace, { recursive: true, force: true });
});

async function run(action: 'create' | 'retire', input: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const integrations = ScmIntegrations.fromConfig(new ConfigReader({}));
  const options = { integrations, githubCredentials: DefaultGithubCredentialsProvider.fromIntegrations(integrations), platform: CNPG_PLATFORM, paceGitHubWrites: false, catalog, stateStore: { repoUrl: store.url, allowed: [store.url] }, access: allowingAccess(catalog) };
  const outputs: Record<string, any> = {};
  const ctx = {
    ...createMockActionContext({ input: { ...input, repoUrl: store.url } as never, workspacePath: workspace, user: { ref: 'user:default/jane' } }),
    output: (name: string, value: unknown) => (outputs[name] = value),
    ...extra,
  };
  await (action === 'create' ? createPostgresCreateAction(options) : createPostgresDecommissionAction(options)).handler(ctx as never);
  return outputs;
}

const merge = (branch: string) => execFileSync('git', ['update-ref', 'refs/heads/main', `refs/heads/${branch}`], { cwd: store.bare });

describe('postgres:decommission', () => {
  it.each(examples.map(e => [e.description, e] as const))('example: %s', async (_d, example) => {
    merge((await run('create', { name: 'my-database', namespace: 'default', backup: true, username: 'app' })).branch);
    expect((await run('retire', parse(example.example).steps[0].input)).branch).toBe('postgres-retire/worker-1/default/my-database');
  });

  it('removes the statefulset database\'s files and catalog entity, keeps its data, and says what stays and how to delete it', async () => {
    const created = await run('create', { name: 'orders', namespace: 'team-a', size: 'large', backup: true, username: 'app' });
    merge(created.branch);
    const outputs = await run('retire', { name: 'orders', namespace: 'team-a' });
    expect(store.files(outputs.branch, outputs.directory)).toEqual([]);
    expect(store.files('main', outputs.directory).length).toBeGreaterThan(10);
    expect(store.log(outputs.branch)[0]).toBe('Retire PostgreSQL team-a/orders on worker-1');
    expect(outputs.summary).toContain('**No data is deleted.**');
    expect(outputs.summary).toContain('PersistentVolumeClaims data-orders-postgresql-0, data-orders-postgresql-read-0, orders-postgresql-backup in team-a');
    expect(outputs.summary).toContain('kubectl -n team-a delete pvc data-orders-postgresql-0 data-orders-postgresql-read-0 orders-postgresql-backup');
    expect(outputs.summary).toContain('catalog entity `resource:default/orders-team-a-worker-1` goes with its file');
  });

  it('on CloudNativePG hibernates the Cluster (a retired record stays), says to take a last backup first, and how it and its backups are removed', async () => {
    const created = await run('create', { name: 'payments', namespace: 'team-b', engine: 'cloudnative-pg', backup: true });
    merge(created.branch);
    catalog = catalogServiceMock({ entities: [parse(store.show('main', created.catalogInfoPath)!)] });
    const outputs = await run('retire', { entityRef: created.entityRef });
    expect(outputs.summary).toContain('the Cluster payments-postgresql, hibernated (cnpg.io/hibernation: on): no instance runs; it is protected from pruning');
    expect(outputs.summary).toContain('### Before merging');
    expect(outputs.summary).toContain('kubectl cnpg backup -n team-b payments-postgresql --method=plugin');
    expect(outputs.summary).toContain('kubectl -n team-b delete cluster payments-postgresql   # deletes its volumes: the data is gone for good');
    const record = store.files(outputs.branch, outputs.directory).map(f => f.replace(`${outputs.directory}/`, '')).sort();
    expect(record).toEqual([
      'cluster-payments-postgresql.yaml', 'flux-kustomization.yaml', 'kustomization.yaml', 'networkpolicy-payments-postgresql-operator.yaml', 'networkpolicy-payments-postgresql.yaml', 'objectstore-payments-postgresql-backups.yaml', 'request.yaml',
    ]);
    expect(store.show(outputs.branch, `${outputs.directory}/cluster-payments-postgresql.yaml`)).toContain('cnpg.io/hibernation: "on"');
    expect(outputs.summary).toContain('s3://acme-backups/prod/worker-1/team-b/payments');
  });

  it('refuses a database that is not there, or already retired, writing nothing; a re-run before merge opens nothing new', async () => {
    await expect(run('retire', { name: 'ghost', namespace: 'team-a' })).rejects.toThrow('clusters/worker-1/postgres/team-a/ghost: no such database on main');
    const created = await run('create', { name: 'orders', namespace: 'team-a', username: 'app' });
    merge(created.branch);
    const first = await run('retire', { name: 'orders', namespace: 'team-a' });
    const log = store.log(first.branch);
    await run('retire', { name: 'orders', namespace: 'team-a' });
    expect(store.log(first.branch)).toEqual(log);
    merge(first.branch);
    const heads = store.branches().map(b => [b, store.log(b)[0]]);
    await expect(run('retire', { name: 'orders', namespace: 'team-a' })).rejects.toThrow('(never created, or already retired)');
    expect(store.branches().map(b => [b, store.log(b)[0]])).toEqual(heads);
  });
});
