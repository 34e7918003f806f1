import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { cli } from '../cli/src/__testUtils__/cli';
import { EXIT } from '../cli/src/exit-codes';
import { listFiles } from '../cli/src/files';
import { DEFAULT_PLATFORM } from '@postgres-gitops/renderer';
import { GitHubPublisher } from '@postgres-gitops/publish';
import { planFleet } from '../cli/src/fleet/plan';
import { publishFleet } from '../cli/src/fleet/publish';
import { FakeGitHub } from './support/fake-github/server';
import { createStateStore, type StateStore } from './support/state-store';

const TOKEN = 'ghp_fleetTokenForTests0123456789abcdef';
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** Four databases on two clusters, pinned to older minors, as a store rendered some releases ago would hold them. */
const DATABASES = [
  { name: 'orders', namespace: 'team-a', cluster: 'east', version: '16', minorVersion: '16.8' },
  { name: 'billing', namespace: 'team-b', cluster: 'east', version: '17', minorVersion: '17.5', engine: 'cloudnative-pg', ssl: true },
  { name: 'search', namespace: 'team-a', cluster: 'west', version: '15', minorVersion: '15.17' },
  { name: 'audit', namespace: 'team-c', cluster: 'west', version: '16', minorVersion: '16.10', server: undefined },
];

let dir: string;
let store: string;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pgg-fleet-'));
  store = join(dir, 'store');
  for (const db of DATABASES) {
    const { name, namespace, ...spec } = db;
    const path = join(dir, `${name}.yaml`);
    writeFileSync(path, stringify({ apiVersion: 'postgres-gitops.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name, namespace }, spec: { ...spec, username: 'app' } }));
    expect((await cli(['render', path, '--out', store])).code).toBe(EXIT.ok);
  }
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ORDERS = 'clusters/east/postgres/team-a/orders';
const SEARCH = 'clusters/west/postgres/team-a/search';

describe('fleet plan', () => {
  it('finds nothing to change in a store rendered by this renderer', async () => {
    const { code, stdout } = await cli(['fleet', 'plan', store]);
    expect(code).toBe(EXIT.ok);
    expect(stdout).toContain('fleet: 2 cluster(s), 4 database(s): 0 to change (0 restart), 0 destructive, 0 invalid, 4 unchanged');
  });

  it('moves every database to the newest minor of its major when asked, naming image bumps and restarts per cluster', async () => {
    const { code, stdout } = await cli(['fleet', 'plan', store, '--set', 'minorVersion=latest']);
    expect(code).toBe(EXIT.ok);
    expect(stdout).toContain('east: 2 database(s): 2 to change, 0 unchanged');
    expect(stdout).toContain('change team-a/orders: minorVersion: 16.8 -> 16.13');
    expect(stdout).toContain('image docker.io/library/postgres:16.8 -> docker.io/library/postgres:16.13');
    expect(stdout).toMatch(/change team-b\/billing: minorVersion: 17\.5 -> 17\.9.*rolling update for a new image/);
    expect(stdout).toContain("orders-postgresql: the primary's pod restarts");
    // search is on its major's newest already.
    expect(stdout).toContain('west: 2 database(s): 1 to change, 1 unchanged');
    expect(stdout).toContain('fleet: 2 cluster(s), 4 database(s): 3 to change (3 restart), 0 destructive, 0 invalid, 1 unchanged');
  });

  it('gives the same plan on one thread and on two', async () => {
    const one = await cli(['fleet', 'plan', store, '--set', 'minorVersion=latest', '--threads', '1']);
    const two = await cli(['fleet', 'plan', store, '--set', 'minorVersion=latest', '--threads', '2']);
    expect(two.stdout).toBe(one.stdout);
  });

  it('keeps each database\'s choices: a changed renderer default does not change a stored database', async () => {
    // The stored request pins every resolved choice; dropping the pin and re-planning restores it unchanged.
    const request = readFileSync(join(store, ORDERS, 'request.yaml'), 'utf8');
    expect(request).toContain('minorVersion: "16.8"');
    expect(request).toContain('storageSize: 1Gi');
  });

  it('follows the store\'s platform.yaml: a settings change is planned across the fleet', async () => {
    writeFileSync(join(store, 'platform.yaml'), 'imageRegistry: mirror.example.com\n');
    const { code, stdout } = await cli(['fleet', 'plan', store, '--cluster', 'west']);
    expect(code).toBe(EXIT.ok);
    expect(stdout).not.toContain('east:');
    expect(stdout).toContain('image docker.io/library/postgres:15.17 -> mirror.example.com/library/postgres:15.17');
    expect(stdout).toContain('fleet: 1 cluster(s), 2 database(s): 2 to change (2 restart)');
  });

  it('reports corrupt and invalid requests by path and field, carries on with the rest, and exits non-zero', async () => {
    writeFileSync(join(store, ORDERS, 'request.yaml'), 'spec: [broken\n');
    const search = join(store, SEARCH, 'request.yaml');
    writeFileSync(search, readFileSync(search, 'utf8').replace('size: small', 'size: huge'));
    const { code, stdout } = await cli(['fleet', 'plan', store, '--set', 'minorVersion=latest']);
    expect(code).toBe(EXIT.invalidInput);
    expect(stdout).toContain(`invalid ${ORDERS}/request.yaml: (request): ${ORDERS}/request.yaml is not valid YAML`);
    expect(stdout).toContain(`invalid ${SEARCH}/request.yaml: spec.size:`);
    expect(stdout).toContain('change team-b/billing: minorVersion: 17.5 -> 17.9');
    expect(stdout).toContain('fleet: 2 cluster(s), 4 database(s): 2 to change (2 restart), 0 destructive, 2 invalid, 0 unchanged');
  });

  it('reports a committed workload file that does not read as YAML by its path, and carries on', async () => {
    const statefulSet = join(store, ORDERS, 'statefulset-orders-postgresql.yaml');
    writeFileSync(statefulSet, `${readFileSync(statefulSet, 'utf8')}\n  image: [unclosed\n`);
    const { code, stdout } = await cli(['fleet', 'plan', store, '--set', 'minorVersion=latest']);
    expect(code).toBe(EXIT.invalidInput);
    expect(stdout).toMatch(new RegExp(`invalid ${ORDERS}/statefulset-orders-postgresql.yaml: not readable as YAML \\(.+\\)`));
    expect(stdout).toContain('fleet: 2 cluster(s), 4 database(s): 2 to change (2 restart), 0 destructive, 1 invalid, 1 unchanged');
  });

  it('calls out a connection change applications must act on: a store rendered when clients were told sslmode=require', async () => {
    const billing = 'clusters/east/postgres/team-b/billing';
    const connection = join(store, billing, 'configmap-billing-postgresql-connection.yaml');
    const now = readFileSync(connection, 'utf8');
    expect(now).toContain('sslmode: verify-full');
    writeFileSync(connection, now.replace('sslmode: verify-full', 'sslmode: require').replace(/^ {2}sslrootcert: .*\n/m, '').replace(/^ {2}ca-secret: .*\n/m, ''));
    const { code, stdout } = await cli(['fleet', 'plan', store, '--cluster', 'east']);
    expect(code).toBe(EXIT.ok);
    expect(stdout).toContain("change team-b/billing: clients' connection: sslmode require -> verify-full, sslrootcert (unset) -> /etc/postgres-gitops/ca/ca.crt in the connection ConfigMap; the Secret keeps its values until its password is generated again (manual step: switch the applications to the ConfigMap's values; mount billing-postgresql-ca (key ca.crt; mount that key alone) at /etc/postgres-gitops/ca/ca.crt in the applications first)");
  });

  it('refuses a change the rules refuse for every database it would touch, as destructive', async () => {
    const { stdout } = await cli(['fleet', 'plan', store, '--cluster', 'east', '--set', 'storageSize=512Mi']);
    expect(stdout).toContain('skip (destructive) team-a/orders: refused: spec.storageSize');
    expect(stdout).toContain('0 to change, 2 destructive (skipped unless allowed)');
  });

  it('names the field and the rule for bad options', async () => {
    expect(await cli(['fleet', 'plan', store, '--set', 'colour=blue'])).toMatchObject({ code: EXIT.invalidInput, stderr: expect.stringContaining('--set colour=blue: expected <field>=<value> with a request field') });
    expect(await cli(['fleet', 'plan', store, '--threads', '0'])).toMatchObject({ code: EXIT.invalidInput, stderr: expect.stringContaining('--threads 0: must be a whole number from 1 to 64') });
    expect(await cli(['fleet', 'apply', store])).toMatchObject({ code: EXIT.invalidInput, stderr: expect.stringContaining('fleet takes plan or publish') });
    const unknown = (await cli(['fleet', 'plan', store, '--set', 'minorVersion="16.99"'])).stdout;
    expect(unknown).toContain(`invalid ${ORDERS}/request.yaml: --set: spec.minorVersion: 16.99 is newer than this platform knows (newest 16.13)`);
    expect(unknown).toContain('billing/request.yaml: --set: spec.minorVersion: 16.99 is not a release of PostgreSQL 17');
    expect((await cli(['fleet', 'plan', store, '--set', 'minorVersion=16.12'])).stdout).toContain('spec.minorVersion: must be a quoted string like "16.11"');
  });
});

describe('fleet publish to a git remote', () => {
  let remote: StateStore;
  let work: string;
  beforeEach(() => {
    remote = createStateStore();
    work = join(dir, 'work');
    git(dir, 'clone', '--quiet', remote.bare, work);
    execFileSync('cp', ['-r', `${store}/clusters`, work]);
    git(work, 'add', '-A');
    git(work, '-c', 'user.name=Platform', '-c', 'user.email=platform@example.com', 'commit', '--quiet', '-m', 'fleet');
    git(work, 'push', '--quiet', 'origin', 'HEAD:main');
  });
  afterEach(() => remote.cleanup());

  it('opens one branch per cluster with the changed databases only, and a re-run changes nothing', async () => {
    const first = await cli(['fleet', 'publish', work, '--repo', remote.url, '--set', 'minorVersion=latest']);
    expect(first.code).toBe(EXIT.ok);
    expect(first.stdout).toContain('east: proposed 2 database(s) on branch postgres-fleet/east');
    expect(first.stdout).toContain('west: proposed 1 database(s) on branch postgres-fleet/west');
    expect(remote.branches()).toEqual(['main', 'postgres-fleet/east', 'postgres-fleet/west']);
    expect(remote.show('postgres-fleet/east', `${ORDERS}/request.yaml`)).toContain('minorVersion: "16.13"');
    expect(remote.show('postgres-fleet/west', `${SEARCH}/request.yaml`)).toBe(remote.show('main', `${SEARCH}/request.yaml`));
    expect(remote.log('postgres-fleet/east')[0]).toBe('Fleet: minorVersion=latest on east (2 databases)');
    // Only the four databases' directories differ between main and the branch.
    const changed = git(remote.bare, 'diff', '--name-only', 'main', 'postgres-fleet/east').split('\n').filter(Boolean);
    expect(new Set(changed.map(p => p.split('/').slice(0, 5).join('/')))).toEqual(new Set([ORDERS, 'clusters/east/postgres/team-b/billing']));

    const again = await cli(['fleet', 'publish', work, '--repo', remote.url, '--set', 'minorVersion=latest']);
    expect(again.stdout).toContain('east: unchanged 2 database(s)');
    expect(remote.log('postgres-fleet/east')).toHaveLength(3);
  });

  it('publishes nothing for a cluster with an invalid request unless told to skip it, and says so', async () => {
    writeFileSync(join(work, ORDERS, 'request.yaml'), 'spec: [broken\n');
    const blocked = await cli(['fleet', 'publish', work, '--repo', remote.url, '--set', 'minorVersion=latest']);
    expect(blocked.code).toBe(EXIT.invalidInput);
    expect(blocked.stdout).toContain('east: not published: 1 invalid request(s); fix them, or pass --skip-invalid to publish the rest');
    expect(blocked.stdout).toContain('west: proposed 1 database(s)');
    expect(remote.branches()).toEqual(['main', 'postgres-fleet/west']);
  });

  it('refuses to build on a base that moved since the store was read', async () => {
    const other = join(dir, 'other');
    git(dir, 'clone', '--quiet', remote.bare, other);
    writeFileSync(join(other, ORDERS, 'note.txt'), 'merged meanwhile\n');
    git(other, 'add', '-A');
    git(other, '-c', 'user.name=Someone', '-c', 'user.email=someone@example.com', 'commit', '--quiet', '-m', 'meanwhile');
    git(other, 'push', '--quiet', 'origin', 'HEAD:main');
    const { code, stderr } = await cli(['fleet', 'publish', work, '--repo', remote.url, '--set', 'minorVersion=latest', '--cluster', 'east']);
    expect(code).toBe(EXIT.invalidInput);
    expect(stderr).toContain(`${ORDERS} on main of git file://`);
    expect(stderr).toContain('pull the state store, then plan and publish again');
    expect(remote.branches()).toEqual(['main']);
  });
});

describe('fleet publish to GitHub', () => {
  it('opens one pull request per cluster a reviewer can decide from, and a re-run opens nothing', async () => {
    const files = Object.fromEntries(await Promise.all((await listFiles(store)).map(async p => [p, readFileSync(join(store, p), 'utf8')] as const)));
    const github = new FakeGitHub({ owner: 'acme', repo: 'state', token: TOKEN, files });
    await github.start();
    try {
      const args = ['fleet', 'publish', store, '--repo', 'https://github.com/acme/state', '--github-api-url', github.url, '--set', 'minorVersion=latest', '--reviewer', 'dba-team', '--label', 'fleet'];
      const first = await cli(args, { GITHUB_TOKEN: TOKEN });
      expect(first.code).toBe(EXIT.ok);
      expect(github.pulls.map(p => p.head).sort()).toEqual(['postgres-fleet/east', 'postgres-fleet/west']);
      const east = github.pulls.find(p => p.head === 'postgres-fleet/east')!;
      expect(east).toMatchObject({ title: 'Fleet: minorVersion=latest on east (2 databases)', labels: ['fleet'], reviewers: ['dba-team'] });
      expect(east.body).toContain('### Databases that restart (2)');
      expect(east.body).toContain('- minorVersion: 2');
      expect(east.body).toContain("- team-a/orders: orders-postgresql: the primary's pod restarts");
      expect(github.violations).toEqual([]);

      const again = await cli(args, { GITHUB_TOKEN: TOKEN });
      expect(again.code).toBe(EXIT.ok);
      expect(again.stdout).toContain('east: unchanged 2 database(s)');
      expect(github.pulls).toHaveLength(2);
      expect(`${first.stdout}${first.stderr}${again.stderr}`).not.toContain(TOKEN);
    } finally {
      await github.stop();
    }
  });

  it('publishes 24 clusters\' pull requests concurrently within GitHub\'s secondary limits: every one opened, in cluster order, not one 403', async () => {
    // 24 clusters of one database each: 96 content-generating requests, more than the 80 a minute allows.
    const wide = join(dir, 'wide');
    for (let i = 0; i < 24; i++) {
      const path = join(dir, `wide-${i}.yaml`);
      writeFileSync(path, stringify({ apiVersion: 'postgres-gitops.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name: 'orders', namespace: 'team-a' }, spec: { version: '16', minorVersion: '16.8', cluster: `c-${String(i).padStart(2, '0')}`, username: 'app' } }));
      expect((await cli(['render', path, '--out', wide])).code).toBe(EXIT.ok);
    }
    const files = Object.fromEntries((await listFiles(wide)).map(p => [p, readFileSync(join(wide, p), 'utf8')] as const));
    const plans = await planFleet(wide, { platform: DEFAULT_PLATFORM, sets: { minorVersion: 'latest' }, filter: {}, keepFiles: true });
    const options = { base: 'main', allowDestructive: false, skipInvalid: false, reason: 'minorVersion=latest', author: { name: 'Platform', email: 'platform@example.com' }, draft: false, reviewers: [], labels: [] };
    const fromList = async function* <T>(items: T[]) {
      yield* items;
    };

    // A minute of GitHub's passes in one real second.
    const t0 = Date.now();
    const clock = { now: () => t0 + (Date.now() - t0) * 60, sleep: (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms / 60)) };
    const github = new FakeGitHub({ owner: 'acme', repo: 'state', token: TOKEN, files, rateLimits: { clock, timeScale: 60 } });
    await github.start();
    try {
      const publisher = new GitHubPublisher({ owner: 'acme', repo: 'state', token: TOKEN, baseUrl: github.url, pacingClock: clock });
      const outcomes: string[] = [];
      await publishFleet(wide, fromList(plans), publisher, options, plan => outcomes.push(plan.cluster));
      expect(outcomes).toEqual(plans.map(p => p.cluster));
      expect(github.pulls).toHaveLength(24);
      expect(github.requests.filter(r => r.status === 403)).toEqual([]);
      expect(github.requests.filter(r => r.contentGenerating).length).toBeGreaterThan(80);
      expect(github.violations).toEqual([]);
    } finally {
      await github.stop();
    }
  });
});
