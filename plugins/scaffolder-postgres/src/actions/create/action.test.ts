import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigReader } from '@backstage/config';
import { DefaultGithubCredentialsProvider, ScmIntegrations } from '@backstage/integration';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { CNPG_PLATFORM } from '../../../../../test/support/cnpg-requests';
import { validateObject } from '../../../../../test/support/validate';
import { parse } from 'yaml';
import { createStateStore, type StateStore } from '../../../../../test/support/state-store';
import { FakeGitHub } from '../../../../../test/support/fake-github/server';
import { allowingAccess } from '../../__testUtils__/access';
import { createPostgresCreateAction } from './action';
import { examples } from './examples';

const TOKEN = 'ghp_exampleTokenForTests0123456789';
const GITHUB_STORE = 'github.com?owner=acme&repo=platform-state';
const USER_TOKEN = 'gho_janesOwnOAuthTokenForTests0123456789';

let store: StateStore;
let github: FakeGitHub;
let workspace: string;

beforeEach(async () => {
  store = createStateStore();
  github = new FakeGitHub({ owner: 'acme', repo: 'platform-state', token: TOKEN, users: { [USER_TOKEN]: 'jane-gh' } });
  await github.start();
  workspace = mkdtempSync(join(tmpdir(), 'pgg-workspace-'));
});
afterEach(async () => {
  await github.stop();
  store.cleanup();
  rmSync(workspace, { recursive: true, force: true });
});

function action(extra: Partial<Parameters<typeof createPostgresCreateAction>[0]> = {}) {
  const config = new ConfigReader({ integrations: { github: [{ host: 'github.com', apiBaseUrl: github.url, token: TOKEN }] } });
  const integrations = ScmIntegrations.fromConfig(config);
  return createPostgresCreateAction({
    integrations,
    githubCredentials: DefaultGithubCredentialsProvider.fromIntegrations(integrations),
    platform: CNPG_PLATFORM,
    paceGitHubWrites: false,
    stateStore: { repoUrl: store.url, allowed: [store.url, GITHUB_STORE] },
    access: allowingAccess(extra.catalog),
    ...extra,
  });
}

/** Runs the action with the real scaffolder test context; file:///srv/git/... points at the test's bare repo. */
async function run(input: Record<string, unknown>, extra: Record<string, unknown> = {}, catalog?: ReturnType<typeof catalogServiceMock>, options: Partial<Parameters<typeof createPostgresCreateAction>[0]> = {}) {
  const outputs: Record<string, unknown> = {};
  const logs: string[] = [];
  const ctx = {
    ...createMockActionContext({
      input: { ...input, repoUrl: String(input.repoUrl).replace('file:///srv/git/state-store.git', store.url) } as never,
      workspacePath: workspace,
      user: { ref: 'user:default/jane' },
    }),
    output: (name: string, value: unknown) => (outputs[name] = value),
    ...extra,
  };
  ctx.logger.info = ((message: string) => logs.push(message)) as never;
  await action({ catalog, ...options }).handler(ctx as never);
  return { outputs, logs };
}

describe('postgres:create examples', () => {
  it.each(examples.map(e => [e.description, e] as const))('%s', async (_description, example) => {
    const { input } = parse(example.example).steps[0];
    if (input.update) await run({ ...input, update: false, size: 'small' });
    const { outputs } = await run(input);
    expect(outputs).toMatchObject({ changed: true, branch: expect.stringMatching(/^postgres\//), entityRef: expect.stringMatching(/^resource:default\//) });
    if (String(input.repoUrl).startsWith('github.com')) {
      expect(outputs.pullRequestUrl).toMatch(/^https:\/\/github\.example\.test\/acme\/platform-state\/pull\/\d+$/);
      expect(outputs.catalogInfoUrl).toBe(`https://github.com/acme/platform-state/blob/main/${outputs.catalogInfoPath}`);
      expect(github.violations).toEqual([]);
    } else {
      expect(outputs.pullRequestUrl).toBe('');
      expect(store.files(String(outputs.branch), String(outputs.directory)).length).toBeGreaterThan(5);
    }
  });
});

describe('postgres:create', () => {
  const base = { name: 'orders', namespace: 'team-a', size: 'small', repoUrl: 'file:///srv/git/state-store.git' };

  it('in dry-run renders the real files into the workspace, gives real outputs and touches no repository', async () => {
    const { outputs } = await run(base, { isDryRun: true });
    expect(outputs).toMatchObject({
      directory: 'clusters/worker-1/postgres/team-a/orders',
      branch: 'postgres/worker-1/team-a/orders',
      entityRef: 'resource:default/orders-team-a-worker-1',
      connectionHost: 'orders-postgresql.team-a.svc',
      pullRequestUrl: '',
      change: 'create',
    });
    expect(readdirSync(join(workspace, 'clusters/worker-1/postgres/team-a/orders'))).toContain('statefulset-orders-postgresql.yaml');
    expect(store.branches()).toEqual(['main']);
  });

  it('refuses a state store app-config does not name, in a dry run too, naming the field and the rule', async () => {
    for (const isDryRun of [true, false]) {
      await expect(run({ ...base, repoUrl: 'https://unreachable.invalid/state.git' }, { isDryRun })).rejects.toThrow(
        /^repoUrl: "https:\/\/unreachable.invalid\/state.git" is not a state store of this platform: the state store is the platform's choice/,
      );
    }
    expect(store.branches()).toEqual(['main']);
  });

  it('in dry-run says what would really change, read from the state store without writing', async () => {
    const { execFileSync } = await import('node:child_process');
    expect((await run(base, { isDryRun: true })).outputs).toMatchObject({ change: 'create', changed: true });
    const created = await run(base);
    execFileSync('git', ['update-ref', 'refs/heads/main', `refs/heads/${created.outputs.branch}`], { cwd: store.bare });
    const heads = store.branches();
    expect((await run({ ...base, update: true }, { isDryRun: true })).outputs).toMatchObject({ change: 'unchanged', changed: false });
    expect((await run({ ...base, update: true, size: 'medium' }, { isDryRun: true })).outputs).toMatchObject({ change: 'update', changed: true });
    expect(store.branches()).toEqual(heads);
    expect(store.log('main')).toHaveLength(2);
  });

  it('says plainly whether it created, re-ran before the merge, or changed nothing', async () => {
    expect((await run(base)).logs.join('\n')).toContain('create: proposed clusters/worker-1/postgres/team-a/orders on branch postgres/worker-1/team-a/orders');
    expect((await run({ ...base, size: 'medium' })).logs.join('\n')).toContain("re-run before the merge: replaced the not yet merged pull request's choices with these");
    expect((await run({ ...base, size: 'medium' })).logs.join('\n')).toContain('nothing changed:');
  });

  it('records who asked in request.yaml and the commit', async () => {
    const { outputs } = await run(base);
    const stored = parse(store.show(String(outputs.branch), `${outputs.directory}/request.yaml`)!);
    expect(stored.metadata.annotations['postgres-gitops.dev/requested-by']).toBe('user:default/jane');
  });

  it('rejects invalid input naming the field and the rule, and writes nothing', async () => {
    await expect(run({ ...base, version: '12', database: 'template1' })).rejects.toThrow(
      /version: must be a PostgreSQL major version from 13 to 18 \(got "12"\)\n {2}- database: "template1" is reserved/,
    );
    await expect(run({ ...base, backup: true, persistence: false })).rejects.toThrow('backup: requires spec.persistence: true');
    expect(store.branches()).toEqual(['main']);
  });

  it('refuses a malformed request before it reads the state store: not one request reaches GitHub', async () => {
    await expect(run({ ...base, repoUrl: GITHUB_STORE, size: 'huge', replicas: 9 })).rejects.toThrow(/size: .*\n {2}- replicas: /s);
    expect(github.requests).toEqual([]);
    // Planted: a well-formed request reads the platform's settings from the store first.
    await run({ ...base, repoUrl: GITHUB_STORE }, { isDryRun: true });
    expect(github.requests.length).toBeGreaterThan(0);
  });

  it('refuses an existing database without update, and an update the API server would refuse', async () => {
    const { outputs } = await run(base);
    // merge the branch so the database exists on main
    const { execFileSync } = await import('node:child_process');
    execFileSync('git', ['update-ref', 'refs/heads/main', `refs/heads/${outputs.branch}`], { cwd: store.bare });
    await expect(run(base)).rejects.toThrow('clusters/worker-1/postgres/team-a/orders already exists on main: change it with postgres:update');
    // Dropping the volume would remove the StatefulSet's claim template, which the API server never lets change.
    await expect(run({ ...base, update: true, persistence: false, allowDestructiveChanges: true })).rejects.toThrow(/persistence: stays true: a StatefulSet's volume claim templates cannot be added or removed in place/);
    const resized = await run({ ...base, update: true, size: 'medium' });
    expect(resized.outputs).toMatchObject({ changed: true, change: 'update' });
    expect(store.log(String(resized.outputs.branch))[0]).toBe('Update PostgreSQL team-a/orders (medium, 15) on worker-1');
    const unchanged = await run({ ...base, update: true, size: 'medium' });
    expect(unchanged.outputs).toMatchObject({ changed: false, change: 'unchanged' });
  });

  it('opens a GitHub pull request whose body shows the choices and never a credential', async () => {
    const { outputs, logs } = await run({ ...base, repoUrl: 'github.com?owner=acme&repo=platform-state', reviewers: ['jane'], labels: ['database'] });
    expect(outputs.pullRequestNumber).toBe(1);
    expect(logs.join('\n')).toContain('https://github.example.test/acme/platform-state/pull/1');
    expect(logs.join('\n')).not.toContain(TOKEN);
    const pr = github.pulls[0];
    expect(pr.title).toBe('Create PostgreSQL team-a/orders (small, 15) on worker-1');
    expect(pr.body).toContain('| size | small |');
    expect(pr.body).toContain('Requested by `user:default/jane`.');
    expect(pr.body).not.toContain(TOKEN);
    expect(github.violations).toEqual([]);
  });
});

describe('postgres:create on CloudNativePG', () => {
  const base = { name: 'payments', namespace: 'team-b', engine: 'cloudnative-pg', username: 'app', backup: true, repoUrl: 'file:///srv/git/state-store.git' };
  const merge = async (branch: unknown) => {
    const { execFileSync } = await import('node:child_process');
    execFileSync('git', ['update-ref', 'refs/heads/main', `refs/heads/${branch}`], { cwd: store.bare });
  };
  /** When the merged database was created, as its request.yaml records it. */
  const storedCreatedAt = (directory: unknown): string => parse(store.show('main', `${directory}/request.yaml`)!).metadata.annotations['postgres-gitops.dev/created-at'];

  it('lands the Cluster, its backups and the PR text saying what the instances mean', async () => {
    const { outputs } = await run({ ...base, replicas: 3, pooling: true });
    const files = store.files(String(outputs.branch), String(outputs.directory)).map(f => f.split('/').pop());
    expect(files).toEqual(expect.arrayContaining(['cluster-payments-postgresql.yaml', 'objectstore-payments-postgresql-backups.yaml', 'scheduledbackup-payments-postgresql-daily.yaml', 'pooler-payments-postgresql-pooler.yaml']));
    expect(outputs.summary).toContain('| instances | 3 instances: automatic failover with a quorum (recommended) |');
    expect(outputs.summary).toContain('| recovery point | any moment of the last');
    expect(outputs.summary).toContain('| data safety | the Cluster owns its volumes, so deleting it deletes the data');
    expect(outputs.connectionHost).toBe('payments-postgresql-pooler.team-b.svc');
  });

  it('restores from a database in the state store, and refuses one that is not there or a time to come, writing nothing', async () => {
    const source = await run(base);
    await merge(source.outputs.branch);
    const heads = store.branches();

    await expect(run({ ...base, name: 'payments-copy', restore: { from: 'invoices' } })).rejects.toThrow(
      'restore.from: no database team-b/invoices on worker-1 in the state store (clusters/worker-1/postgres/team-b/invoices/ does not exist)',
    );
    await expect(run({ ...base, name: 'payments-copy', restore: { from: 'payments', targetTime: '2999-01-01T00:00:00Z' } })).rejects.toThrow(
      /restore.targetTime: is in the future \(now is /,
    );
    await expect(run({ ...base, name: 'payments-copy', restore: { from: 'payments' } }, { isDryRun: true })).resolves.toBeTruthy();
    expect(store.branches()).toEqual(heads);

    // Before the source existed: nothing in its archive to recover to.
    await expect(run({ ...base, name: 'payments-copy', restore: { from: 'payments', targetTime: '2026-01-01T00:00:00Z' } })).rejects.toThrow(
      /restore.targetTime: 2026-01-01T00:00:00Z is before anything the archive can recover to: team-b\/payments on worker-1 was created at /,
    );
    const createdAt = storedCreatedAt(source.outputs.directory);
    const { outputs } = await run({ ...base, name: 'payments-copy', restore: { from: 'payments', targetTime: createdAt } });
    expect(outputs.summary).toContain(`| restored from | team-b/payments on worker-1, to ${createdAt} |`);
  });

  it('restores from the database picked in the form: the catalog entity leads to its directory', async () => {
    const source = await run(base);
    await merge(source.outputs.branch);
    const entity = parse(store.show('main', String(source.outputs.catalogInfoPath))!);
    const catalog = catalogServiceMock({ entities: [entity] });
    const createdAt = storedCreatedAt(source.outputs.directory);
    const { outputs } = await run({ ...base, name: 'payments-copy', restoreFrom: source.outputs.entityRef, restoreTargetTime: createdAt }, {}, catalog);
    const cluster = parse(store.show(String(outputs.branch), `${outputs.directory}/cluster-payments-copy-postgresql.yaml`)!);
    expect(cluster.spec.bootstrap.recovery.recoveryTarget).toEqual({ targetTime: createdAt });
    // The source archives under its name and its creation time (M10 of the SRE review), and the restore reads it there.
    expect(cluster.spec.externalClusters[0].plugin.parameters.serverName).toBe(`payments-postgresql-${createdAt.replace(/[^0-9]/g, '')}`);
    await expect(run({ ...base, name: 'payments-copy', restoreFrom: 'resource:default/nothing-here' }, {}, catalog)).rejects.toThrow('restoreFrom: no entity resource:default/nothing-here in the catalog');
  });

  it('migrates a statefulset database: a new CloudNativePG database imports it, checked against the stored source', async () => {
    const old = await run({ name: 'orders', namespace: 'team-b', database: 'orders', username: 'orders_app', repoUrl: base.repoUrl });
    await merge(old.outputs.branch);
    const heads = store.branches();
    await expect(run({ ...base, name: 'orders-cnpg', database: 'orders', username: 'orders_owner', importFrom: { from: 'orders' } })).rejects.toThrow(
      'importFrom.username: team-b/orders on worker-1 connects as "orders_app"; set importFrom.username: orders_app',
    );
    await expect(run({ ...base, name: 'orders-cnpg', importFrom: { from: 'ledger' } })).rejects.toThrow('importFrom.from: no database team-b/ledger on worker-1 in the state store');
    expect(store.branches()).toEqual(heads);

    const { outputs } = await run({ ...base, name: 'orders-cnpg', database: 'orders', username: 'orders_app', importFrom: { from: 'orders' } });
    const cluster = parse(store.show(String(outputs.branch), `${outputs.directory}/cluster-orders-cnpg-postgresql.yaml`)!);
    // The Cluster starts empty (initdb.import would make the owner a superuser while the old owner's code runs: SRE review 3 B2); a Job copies the data as the owners.
    expect(cluster.spec.bootstrap).toEqual({ initdb: { database: 'orders', owner: 'orders_app', secret: { name: 'orders-cnpg-postgresql-secret' } } });
    expect(cluster.spec.externalClusters).toBeUndefined();
    const configMap = parse(store.show(String(outputs.branch), `${outputs.directory}/configmap-orders-cnpg-postgresql-import.yaml`)!);
    expect(configMap.data['import.sh']).toContain('pg_dump --format=plain --no-owner --no-privileges');
    expect(validateObject(cluster)).toEqual([]);
  });

  it('refuses PostgreSQL 13 and pooling on the other engine, naming the field', async () => {
    await expect(run({ ...base, version: '13' })).rejects.toThrow('version: PostgreSQL 13 does not run on cloudnative-pg');
    await expect(run({ ...base, engine: 'statefulset', username: 'app', pooling: true })).rejects.toThrow('pooling: is a cloudnative-pg feature');
    expect(store.branches()).toEqual(['main']);
  });
});

describe('postgres:create opened as the requester', () => {
  const base = { name: 'orders', namespace: 'team-a', size: 'small', repoUrl: GITHUB_STORE };

  it('honours scaffolder.requireScmUserCredentials: no token, no request to GitHub; with one, the pull request is the requester\'s', async () => {
    await expect(run(base, {}, undefined, { requireScmUserCredentials: true })).rejects.toThrow(
      'token: no user credentials provided for host github.com, but scaffolder.requireScmUserCredentials is enabled',
    );
    expect(github.requests).toEqual([]);
    const { outputs, logs } = await run({ ...base, token: USER_TOKEN }, {}, undefined, { requireScmUserCredentials: true });
    expect(github.pulls.map(p => p.user)).toEqual(['jane-gh']);
    expect(github.requests.filter(r => r.contentGenerating).every(r => r.as === 'jane-gh')).toBe(true);
    expect(github.pulls[0].body).toContain("- Opened as @jane-gh with the requester's own GitHub credentials: as its author, @jane-gh cannot approve it.");
    expect(JSON.stringify({ outputs, logs })).not.toContain(USER_TOKEN);
  });
});

/** Review 3 M2: team/b-billing and team-b/billing both make "team-b-billing" (Flux Kustomization, Argo CD Application, tenant objects). */
describe('postgres:create refuses a name another database of the cluster already makes', () => {
  const billing = { name: 'billing', namespace: 'team-b', size: 'small' };
  const refusal = 'name: team/b-billing would share "team-b-billing" with the database team-b/billing on worker-1 (clusters/worker-1/postgres/team-b/billing/)';

  it('on a git remote: refused before anything is written; other hyphenated names still accepted', async () => {
    const repoUrl = 'file:///srv/git/state-store.git';
    const { outputs } = await run({ ...billing, repoUrl });
    const { execFileSync } = await import('node:child_process');
    execFileSync('git', ['update-ref', 'refs/heads/main', `refs/heads/${outputs.branch}`], { cwd: store.bare });
    const heads = store.branches();

    await expect(run({ ...billing, namespace: 'team', name: 'b-billing', repoUrl })).rejects.toThrow(refusal);
    await expect(run({ ...billing, namespace: 'team', name: 'b-billing', repoUrl }, { isDryRun: true })).rejects.toThrow(refusal);
    expect(store.branches()).toEqual(heads);

    // Hyphens that make another text ("team-b-ledger", "team-b-billing-eu") are not namesakes.
    await expect(run({ ...billing, namespace: 'team', name: 'b-ledger', repoUrl })).resolves.toMatchObject({ outputs: { changed: true } });
    await expect(run({ ...billing, namespace: 'team', name: 'b-billing-eu', repoUrl })).resolves.toMatchObject({ outputs: { changed: true } });
  });

  it('on GitHub: refused, no branch and no pull request; the namesakes cost one GraphQL read together', async () => {
    const repoUrl = GITHUB_STORE;
    await run({ ...billing, repoUrl });
    github.merge(1);
    const refs = [...github.refs.keys()];
    await expect(run({ ...billing, namespace: 'team', name: 'b-billing', repoUrl })).rejects.toThrow(refusal);
    expect([...github.refs.keys()]).toEqual(refs);
    expect(github.pulls).toHaveLength(1);

    // The same create with no namesake ("ledger-x" splits only as itself), one ("team-c/ledger": team/c-ledger) and four (a-b-c-d/e-f).
    const calls = async (input: Record<string, unknown>) => {
      const before = github.requests.length;
      await run({ ...input, repoUrl });
      return github.requests.slice(before).map(r => r.operation);
    };
    const none = await calls({ ...billing, namespace: 'ledger', name: 'x' });
    expect(await calls({ ...billing, namespace: 'team-c', name: 'ledger' })).toEqual(['graphql', ...none]);
    expect(await calls({ ...billing, namespace: 'a-b-c-d', name: 'e-f' })).toEqual(['graphql', ...none]);
    expect(github.violations).toEqual([]);
  });
});
