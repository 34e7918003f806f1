import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { CNPG_PLATFORM } from './support/cnpg-requests';
import { FakeGitHub } from './support/fake-github/server';
import { createStateStore, type StateStore } from './support/state-store';
import { startTestBackend, type TestBackend } from './support/backstage-backend';

/**
 * Who may do what (issue 26) and pull requests opened as the requester (issue 22), on the real
 * demo backend: users signed in through the auth backend, whose tokens carry the groups the
 * catalog gives them (dev/catalog/org.yaml: jane in team-a, bob in team-b, sam in platform-team,
 * the guest in guests), the permission framework with this module's default policy, and the
 * catalog applying its isEntityOwner rule.
 */
jest.setTimeout(900_000);

const TOKEN = 'ghp_integrationTokenForTests0123456789';
const JANE_TOKEN = 'gho_janesOwnOAuthTokenForTests0123456789';
const GITHUB_STORE = 'github.com?owner=acme&repo=platform-state';
const LEDGER = 'resource:default/ledger-team-a-worker-1';
const LEDGER_DIR = 'clusters/worker-1/postgres/team-a/ledger';

let store: StateStore;
let github: FakeGitHub;
let t: TestBackend;

const refs = () => execFileSync('git', ['for-each-ref', '--format=%(refname) %(objectname)'], { cwd: store.bare, encoding: 'utf8' });
const summaryOf = (output: Record<string, unknown>) => String((output.text as { content: string }[] | undefined)?.map(x => x.content).join('\n') ?? '');
const ok = (task: { status: string; log: string }) => ({ status: task.status, log: task.status === 'completed' ? '' : task.log });

beforeAll(async () => {
  store = createStateStore();
  github = new FakeGitHub({ owner: 'acme', repo: 'platform-state', token: TOKEN, users: { [JANE_TOKEN]: 'jane-gh' } });
  await github.start();
  t = await startTestBackend({
    stateStore: store.bare,
    config: {
      integrations: { github: [{ host: 'github.com', apiBaseUrl: github.url, token: TOKEN }] },
      postgresGitops: {
        stateStore: { allowedRepoUrls: [GITHUB_STORE] },
        github: { paceWrites: false },
        platform: {
          cloudnativePg: { objectStore: CNPG_PLATFORM.cloudnativePg.objectStore } as never,
          access: { sharedServers: { 'worker-1/platform/shared-pg': ['group:default/team-b'] } },
        },
      },
    },
  });
});

afterAll(async () => {
  await t?.stop();
  await github?.stop();
  store?.cleanup();
});

/** Creates, merges and registers a database as its owner's team would; returns the entity. */
async function existing(user: string, values: Record<string, unknown>, directory: string, entityRef: string) {
  const task = await t.runTask(await t.as(user), 'create-postgresql', { size: 'small', version: '17', profile: 'staging', ...values });
  expect(ok(task)).toEqual({ status: 'completed', log: '' });
  store.merge(directory.replace(/^clusters\/([^/]+)\/postgres\/([^/]+)\/([^/]+)$/, 'postgres/$1/$2/$3'));
  return { task, entity: await t.register(store.show('main', `${directory}/catalog-info.yaml`)!, entityRef) };
}

describe('who may do what, on the real backend with the default permission policy', () => {
  it('a member of the owning group creates in its namespace; the pull request text says how the requester relates', async () => {
    const { task, entity } = await existing('user:default/jane', { name: 'ledger', namespace: 'team-a', owner: 'group:default/team-a', engine: 'cloudnative-pg', backup: true }, LEDGER_DIR, LEDGER);
    expect(summaryOf(task.output)).toContain(
      "### Who asked\n\n- `user:default/jane` is a member of `group:default/team-a`, which owns namespace team-a.\n- Written by the Backstage backend to the platform's state store, with the platform's credentials.",
    );
    expect(entity.relations).toContainEqual(expect.objectContaining({ type: 'ownedBy', targetRef: 'group:default/team-a' }));
  });

  it('creating where the requester\'s groups own no namespace is refused, naming the owner and the rule, writing nothing', async () => {
    const before = refs();
    const bob = await t.runTask(await t.as('user:default/bob'), 'create-postgresql', { name: 'sneaky', namespace: 'team-a', owner: 'group:default/team-b', size: 'small', version: '17', profile: 'dev' });
    expect(bob.status).toBe('failed');
    expect(bob.log).toContain('namespace: refused: namespace "team-a" is owned by group:default/team-a, group:default/guests (access.namespaces); user:default/bob is not a member of it, nor of the platform groups (access.platformGroups: group:default/platform-team). Nothing was written');
    const guest = await t.runTask(await t.as('user:development/guest'), 'create-postgresql', { name: 'mine', namespace: 'team-c', owner: 'group:default/guests', size: 'small', version: '17', profile: 'dev' });
    expect(guest.status).toBe('failed');
    expect(guest.log).toContain('namespace: refused: namespace "team-c" has no owner in the platform settings (access.namespaces maps team-a, team-b); only platform groups (access.platformGroups: group:default/platform-team) may create databases there');
    expect(`${bob.log}\n${guest.log}`).not.toMatch(/^\s+at /m);
    expect(refs()).toBe(before);
  });

  it('non-owners are refused: update and decommission by another team, decommission, restore and import by the guest who owns nothing', async () => {
    const before = refs();
    const bob = await t.as('user:default/bob');
    const guest = await t.as('user:development/guest');
    const owner = `the database ${LEDGER} is owned by group:default/team-a`;
    const cases = [
      { who: 'bob', task: await t.runTask(bob, 'change-postgresql', { entityRef: LEDGER, size: 'medium' }), says: `postgres.database.update: refused: ${owner}; user:default/bob is not that owner, not a member of it, nor in a platform group (access.platformGroups: group:default/platform-team). Nothing was written` },
      { who: 'bob', task: await t.runTask(bob, 'retire-postgresql', { entityRef: LEDGER }), says: `postgres.database.decommission: refused: ${owner}; user:default/bob is not that owner` },
      { who: 'guest', task: await t.runTask(guest, 'retire-postgresql', { entityRef: LEDGER }), says: `postgres.database.decommission: refused: ${owner}; user:development/guest is not that owner` },
      {
        who: 'guest',
        task: await t.runTask(guest, 'create-postgresql', { name: 'ledger-copy', namespace: 'team-a', owner: 'group:default/guests', engine: 'cloudnative-pg', restoreFrom: LEDGER, size: 'small', version: '17', profile: 'dev' }),
        says: `postgres.database.restore: refused: the restore source ${LEDGER} is owned by group:default/team-a; user:development/guest is not that owner`,
      },
      {
        who: 'bob',
        task: await t.runTask(bob, 'create-postgresql', { name: 'ledger-copy', namespace: 'team-b', owner: 'group:default/team-b', engine: 'cloudnative-pg', restoreFrom: LEDGER, size: 'small', version: '17', profile: 'dev' }),
        says: `postgres.database.restore: refused: the restore source ${LEDGER} is owned by group:default/team-a; user:default/bob is not that owner`,
      },
    ];
    for (const c of cases) expect({ who: c.who, status: c.task.status, says: c.task.log.includes(c.says), stack: /^\s+at /m.test(c.task.log) }).toEqual({ who: c.who, status: 'failed', says: true, stack: false });
    // Import: the form has no field for it, the action does; the dry-run endpoint runs the same checks.
    const imported = await t.dryRun(guest, { action: 'postgres:create', input: { name: 'ledger-cnpg', namespace: 'team-a', owner: 'group:default/guests', engine: 'cloudnative-pg', database: 'app', username: 'app', importFrom: { from: 'ledger' } } });
    expect(imported.text).toContain(`postgres.database.import: refused: the import source ${LEDGER} is owned by group:default/team-a; user:development/guest is not that owner`);
    expect(refs()).toBe(before);
  });

  it('the owner\'s group may change it and restore from it; the text names each relation', async () => {
    const jane = await t.as('user:default/jane');
    const changed = await t.runTask(jane, 'change-postgresql', { entityRef: LEDGER, size: 'medium' });
    expect(ok(changed)).toEqual({ status: 'completed', log: '' });
    expect(summaryOf(changed.output)).toContain(`### Who asked\n\n- \`user:default/jane\` is a member of \`group:default/team-a\`, which owns the database \`${LEDGER}\` (postgres.database.update).\n- Written by the Backstage backend to the platform's state store, with the platform's credentials.`);
    store.merge('postgres/worker-1/team-a/ledger');

    const restored = await t.runTask(jane, 'create-postgresql', { name: 'ledger-copy', namespace: 'team-a', owner: 'group:default/team-a', engine: 'cloudnative-pg', restoreFrom: LEDGER, size: 'small', version: '17', profile: 'dev' });
    expect(ok(restored)).toEqual({ status: 'completed', log: '' });
    const summary = summaryOf(restored.output);
    expect(summary).toContain('- `user:default/jane` is a member of `group:default/team-a`, which owns namespace team-a.');
    expect(summary).toContain(`- \`user:default/jane\` is a member of \`group:default/team-a\`, which owns the restore source \`${LEDGER}\` (postgres.database.restore).`);
  });

  it('a shared server takes the tenants of the groups its setting lists, and refuses others naming its owner', async () => {
    // The platform team runs the server; the operator's CLI writes it (no Backstage rule applies there).
    const sam = await t.as('user:default/sam');
    const server = await t.dryRun(sam, { action: 'postgres:create', input: { name: 'shared-pg', namespace: 'platform', owner: 'group:default/platform-team', engine: 'cloudnative-pg', tenants: true } });
    expect(server.text).toContain('`user:default/sam` is a member of `group:default/platform-team`, a platform group (access.platformGroups) that may act on any database; acting on namespace platform.');
    const request = join(mkdtempSync(join(tmpdir(), 'pgg-server-')), 'shared-pg.yaml');
    writeFileSync(request, stringify({ apiVersion: 'postgres-gitops.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name: 'shared-pg', namespace: 'platform' }, spec: { engine: 'cloudnative-pg', tenants: true, owner: 'group:default/platform-team' } }));
    // Not execFileSync: a blocked event loop lets the backend close the idle keep-alive connection under fetch's feet.
    await promisify(execFile)(process.execPath, [join(__dirname, '..', 'cli', 'bin', 'postgres-gitops.js'), 'publish', request, '--repo', store.url]);
    store.merge('postgres/worker-1/platform/shared-pg');
    await t.register(store.show('main', 'clusters/worker-1/postgres/platform/shared-pg/catalog-info.yaml')!, 'resource:default/shared-pg-platform-worker-1');

    const tenant = (namespace: string) => ({ action: 'postgres:create', input: { name: 'invoices', namespace, owner: `group:default/${namespace}`, engine: 'shared-server', server: { name: 'shared-pg', namespace: 'platform' } } });
    const bob = await t.dryRun(await t.as('user:default/bob'), tenant('team-b'));
    expect(bob.text).toContain('- `user:default/bob` is a member of `group:default/team-b`, which owns the shared server worker-1/platform/shared-pg `resource:default/shared-pg-platform-worker-1` (access.sharedServers[\\"worker-1/platform/shared-pg\\"]).');
    const jane = await t.dryRun(await t.as('user:default/jane'), tenant('team-a'));
    expect(jane.text).toContain(
      'postgres.server.tenant.create: refused: the shared server worker-1/platform/shared-pg resource:default/shared-pg-platform-worker-1 is owned by group:default/platform-team; user:default/jane is not that owner, not a member of it, nor in a platform group (access.platformGroups: group:default/platform-team); and access.sharedServers[\\"worker-1/platform/shared-pg\\"] takes the tenants of group:default/team-b. Nothing was written',
    );
  });

  it('a platform group may act on any database: the platform team retires it, and the text says why it may', async () => {
    const retired = await t.runTask(await t.as('user:default/sam'), 'retire-postgresql', { entityRef: LEDGER });
    expect(ok(retired)).toEqual({ status: 'completed', log: '' });
    expect(summaryOf(retired.output)).toContain(`- \`user:default/sam\` is a member of \`group:default/platform-team\`, a platform group (access.platformGroups) that may act on any database; acting on the database \`${LEDGER}\` (postgres.database.decommission).`);
    // A retired cloudnative-pg database keeps a record: the hibernated Cluster and what protects it, no catalog entity.
    const kept = store.files('postgres-retire/worker-1/team-a/ledger', LEDGER_DIR);
    expect(kept).toContain(`${LEDGER_DIR}/cluster-ledger-postgresql.yaml`);
    expect(kept).not.toContain(`${LEDGER_DIR}/catalog-info.yaml`);
    expect(store.show('postgres-retire/worker-1/team-a/ledger', `${LEDGER_DIR}/cluster-ledger-postgresql.yaml`)).toContain('cnpg.io/hibernation: "on"');
  });
});

describe('pull requests opened as the requester (issue 22) on the fake GitHub', () => {
  it('with the requester\'s token the author is the requester, the text says so, and the token is in no log, output or error', async () => {
    const jane = await t.as('user:default/jane');
    const task = await t.runTask(jane, 'postgres-any-store', { name: 'invoices', namespace: 'team-a', owner: 'group:default/team-a', repoUrl: GITHUB_STORE }, { USER_OAUTH_TOKEN: JANE_TOKEN });
    expect(ok(task)).toEqual({ status: 'completed', log: '' });
    const pr = github.pulls.find(p => p.head === 'postgres/worker-1/team-a/invoices')!;
    expect(pr.user).toBe('jane-gh');
    expect(github.requests.filter(r => r.contentGenerating).map(r => r.as)).toEqual(expect.arrayContaining(['jane-gh']));
    expect(github.requests.filter(r => r.contentGenerating && r.as !== 'jane-gh')).toEqual([]);
    expect(pr.body).toContain('- `user:default/jane` is a member of `group:default/team-a`, which owns namespace team-a.');
    expect(pr.body).toContain('- Opened as @jane-gh with the requester\'s own GitHub credentials: as its author, @jane-gh cannot approve it.');
    expect(task.raw).not.toContain(JANE_TOKEN);
    expect(github.violations).toEqual([]);
  });

  it('without it, the platform\'s integration opens it and the text says so', async () => {
    github.requests.length = 0;
    const task = await t.runTask(await t.as('user:default/jane'), 'postgres-any-store', { name: 'payroll', namespace: 'team-a', owner: 'group:default/team-a', repoUrl: GITHUB_STORE });
    expect(ok(task)).toEqual({ status: 'completed', log: '' });
    const pr = github.pulls.find(p => p.head === 'postgres/worker-1/team-a/payroll')!;
    expect(pr.user).toBe('postgres-gitops[bot]');
    expect(pr.body).toContain("- Opened with the platform's credentials (the integration for github.com), not the requester's own: the requester must not be its reviewer.");
  });

  it('a token GitHub refuses stops before anything is written, and the error does not show it', async () => {
    const revoked = 'gho_revokedTokenOfJaneForTests0123456789';
    const pulls = github.pulls.length;
    github.requests.length = 0;
    const task = await t.runTask(await t.as('user:default/jane'), 'postgres-any-store', { name: 'audit', namespace: 'team-a', owner: 'group:default/team-a', repoUrl: GITHUB_STORE }, { USER_OAUTH_TOKEN: revoked });
    expect(task.status).toBe('failed');
    // The task log masks "token" itself: Backstage redacts the name of an input a secret flows into (plugin-scaffolder-backend 4.2.0, collectSecretRedactions).
    expect(task.log).toContain("InputError: ***: GitHub refused the requester's own credentials (secrets.USER_OAUTH_TOKEN) with 401; sign in to GitHub again and rerun");
    expect(task.raw).not.toContain(revoked);
    expect(github.pulls.length).toBe(pulls);
    expect(github.requests.filter(r => r.contentGenerating && r.status < 400)).toEqual([]);
  });
});
