import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../cli/src/__testUtils__/cli';
import { EXIT } from '../cli/src/exit-codes';
import { FakeGitHub } from './support/fake-github/server';
import { createStateStore, type StateStore } from './support/state-store';

const EXAMPLES = join(__dirname, '..', 'renderer', 'examples');
const TOKEN = 'ghp_cliPublishTokenForTests0123456789';


let dir: string;
let store: StateStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pgg-cli-publish-'));
  store = createStateStore();
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  store.cleanup();
});

const DIRECTORY = 'clusters/worker-1/postgres/default/my-database';
const BRANCH = 'postgres/worker-1/default/my-database';

describe('publish to a git remote', () => {
  it('pushes the database directory on its branch, and a re-run changes nothing', async () => {
    const first = await cli(['publish', join(EXAMPLES, 'basic.yaml'), '--repo', store.url]);
    expect(first).toMatchObject({ code: EXIT.ok });
    expect(first.stdout).toContain(`created: ${DIRECTORY} on branch ${BRANCH}`);
    expect(store.files(BRANCH, DIRECTORY)).toContain(`${DIRECTORY}/statefulset-my-database-postgresql.yaml`);
    expect(store.log(BRANCH)[0]).toBe('Create PostgreSQL default/my-database (small, 15) on worker-1');
    const again = await cli(['publish', join(EXAMPLES, 'basic.yaml'), '--repo', store.url]);
    expect(again.stdout).toContain('unchanged:');
    expect(store.log(BRANCH)).toHaveLength(2);
  });

  it('takes a rendered database directory as well as a request file', async () => {
    await cli(['render', join(EXAMPLES, 'basic.yaml'), '--out', dir]);
    const { code, stdout } = await cli(['publish', join(dir, DIRECTORY), '--repo', store.url]);
    expect(code).toBe(EXIT.ok);
    expect(stdout).toContain('created:');
  });

  it('refuses an existing database without --update and a change the API server would refuse even with --allow-destructive, writing nothing', async () => {
    await cli(['publish', join(EXAMPLES, 'basic.yaml'), '--repo', store.url]);
    execFileSync('git', ['update-ref', 'refs/heads/main', `refs/heads/${BRANCH}`], { cwd: store.bare });
    const before = execFileSync('git', ['rev-parse', `refs/heads/${BRANCH}`], { cwd: store.bare, encoding: 'utf8' });

    const exists = await cli(['publish', join(EXAMPLES, 'basic.yaml'), '--repo', store.url]);
    expect(exists.code).toBe(EXIT.invalidInput);
    expect(exists.stderr).toBe(`postgres-gitops: ${DIRECTORY} already exists on main: change it with postgres:update (the "Change PostgreSQL" template, or postgres-gitops update), or set update: true\n`);

    const shrink = join(dir, 'shrink.yaml');
    writeFileSync(shrink, 'apiVersion: marketplace.kratix.io/v1alpha1\nkind: postgresql\nmetadata: {name: my-database, namespace: default}\nspec: {size: small, version: "15", database: myapp, username: postgres, persistence: false}\n');
    // Without persistence the StatefulSet would lose its claim template, which the API server never lets change.
    for (const flags of [['--update'], ['--update', '--allow-destructive']]) {
      const refused = await cli(['publish', shrink, '--repo', store.url, ...flags]);
      expect(refused.code).toBe(EXIT.invalidInput);
      expect(refused.stderr).toContain("spec.persistence: stays true: a StatefulSet's volume claim templates cannot be added or removed in place (the API server refuses the change)");
      expect(refused.stderr).not.toMatch(/\n\s+at /);
      expect(execFileSync('git', ['rev-parse', `refs/heads/${BRANCH}`], { cwd: store.bare, encoding: 'utf8' })).toBe(before);
    }
  });
});

describe('update a stored database', () => {
  it('changes only the given fields, names what restarts, and refuses a shrink writing nothing', async () => {
    await cli(['publish', join(EXAMPLES, 'basic.yaml'), '--repo', store.url]);
    execFileSync('git', ['update-ref', 'refs/heads/main', `refs/heads/${BRANCH}`], { cwd: store.bare });

    const grown = await cli(['update', `worker-1/default/my-database`, '--repo', store.url, '--set', 'size=medium', '--set', 'storageSize=20Gi']);
    expect(grown).toMatchObject({ code: EXIT.ok, stdout: expect.stringContaining(`updated: ${DIRECTORY} on branch ${BRANCH}`) });
    expect(store.show(BRANCH, `${DIRECTORY}/request.yaml`)).toMatch(/size: medium[\s\S]*database: myapp/);
    expect(store.log(BRANCH)[0]).toBe('Update PostgreSQL default/my-database (medium, 15) on worker-1');

    const before = store.log(BRANCH);
    const shrink = await cli(['update', `worker-1/default/my-database`, '--repo', store.url, '--set', 'storageSize=512Mi']);
    expect(shrink.code).toBe(EXIT.invalidInput);
    expect(shrink.stderr).toContain('spec.storageSize: may grow, never shrink (1Gi -> 512Mi)');
    expect(store.log(BRANCH)).toEqual(before);

    expect((await cli(['update', 'worker-1/default/none', '--repo', store.url, '--set', 'size=large'])).stderr).toContain('clusters/worker-1/postgres/default/none: no such database on main');
    expect((await cli(['update', 'worker-1/default/my-database', '--repo', store.url, '--set', 'sise=large'])).stderr).toContain('--set sise=large: expected <field>=<value> with a request field');
  });
});

describe('decommission a stored database', () => {
  it('proposes removing the directory, says what stays, and refuses one that is not there', async () => {
    await cli(['publish', join(EXAMPLES, 'basic.yaml'), '--repo', store.url]);
    execFileSync('git', ['update-ref', 'refs/heads/main', `refs/heads/${BRANCH}`], { cwd: store.bare });
    const retired = await cli(['decommission', 'worker-1/default/my-database', '--repo', store.url]);
    expect(retired).toMatchObject({ code: EXIT.ok, stdout: expect.stringContaining('retirement proposed: clusters/worker-1/postgres/default/my-database') });
    expect(retired.stderr).toContain('kubectl -n default delete pvc data-my-database-postgresql-0');
    expect(store.files('postgres-retire/worker-1/default/my-database', DIRECTORY)).toEqual([]);
    const none = await cli(['decommission', 'worker-1/default/none', '--repo', store.url]);
    expect(none).toMatchObject({ code: EXIT.invalidInput, stderr: expect.stringContaining('no such database on main') });
  });
});

describe('publish to GitHub', () => {
  let github: FakeGitHub;
  beforeEach(async () => {
    github = new FakeGitHub({ owner: 'acme', repo: 'platform-state', token: TOKEN });
    await github.start();
  });
  afterEach(() => github.stop());

  it('opens the same pull request the action would, with the token from the environment and never in the output', async () => {
    const args = ['publish', join(EXAMPLES, 'basic.yaml'), '--repo', 'https://github.com/acme/platform-state', '--github-api-url', github.url, '--reviewer', 'jane', '--label', 'database'];
    const { code, stdout, stderr } = await cli(args, { GITHUB_TOKEN: TOKEN });
    expect({ code, stderr }).toEqual({ code: EXIT.ok, stderr: expect.any(String) });
    expect(stdout).toContain('pull request: https://github.example.test/acme/platform-state/pull/1');
    expect(github.pulls[0]).toMatchObject({ title: 'Create PostgreSQL default/my-database (small, 15) on worker-1', head: BRANCH });
    expect(github.pulls[0].body).toContain('| size | small |');
    expect(`${stdout}${stderr}${github.pulls[0].body}`).not.toContain(TOKEN);
    expect(github.violations).toEqual([]);
  });

  it('says which variable is missing without a token', async () => {
    const { code, stderr } = await cli(['publish', join(EXAMPLES, 'basic.yaml'), '--repo', 'https://github.com/acme/platform-state']);
    expect(code).toBe(EXIT.invalidInput);
    expect(stderr).toContain('set GITHUB_TOKEN (or GH_TOKEN)');
  });
});

describe('verify on CloudNativePG', () => {
  it('passes on a fresh render and shows the diff when a Cluster was edited by hand', async () => {
    const out = join(dir, 'state');
    const platform = join(EXAMPLES, 'platform.yaml');
    await cli(['render', join(EXAMPLES, 'ha-cnpg.yaml'), '--out', out, '--platform', platform]);
    expect(await cli(['verify', out, '--platform', platform])).toMatchObject({ code: EXIT.ok });
    const clusterFile = join(out, 'clusters/worker-1/postgres/team-a/orders/cluster-orders-postgresql.yaml');
    writeFileSync(clusterFile, readFileSync(clusterFile, 'utf8').replace('instances: 3', 'instances: 1'));
    const drift = await cli(['verify', out, '--platform', platform]);
    expect(drift.code).toBe(EXIT.drift);
    expect(drift.stderr).toContain('cluster-orders-postgresql.yaml: differs from the rendered manifest');
    expect(drift.stderr).toContain('-  instances: 1');
    expect(drift.stderr).toContain('+  instances: 3');
  });
});

describe('render, as a new user runs it', () => {
  it('replaces the database directory exactly: no file of an earlier render is left behind', async () => {
    const request = join(dir, 'orders.yaml');
    const write = (monitoring: boolean) => writeFileSync(request, `apiVersion: marketplace.kratix.io/v1alpha1\nkind: postgresql\nmetadata: {name: orders, namespace: team-a}\nspec: {size: large, monitoring: ${monitoring}}\n`);
    const out = join(dir, 'state');
    write(true);
    await cli(['render', request, '--out', out]);
    const withMonitoring = readdirSync(join(out, 'clusters/worker-1/postgres/team-a/orders'));
    write(false);
    await cli(['render', request, '--out', out]);
    const without = readdirSync(join(out, 'clusters/worker-1/postgres/team-a/orders'));
    expect(withMonitoring.filter(f => f.includes('exporter')).length).toBeGreaterThan(0);
    expect(without.filter(f => f.includes('exporter'))).toEqual([]);
    expect(await cli(['verify', out])).toMatchObject({ code: EXIT.ok });
  });

  it('prints the renderer\'s warnings on stderr and still succeeds', async () => {
    const request = join(dir, 'old.yaml');
    writeFileSync(request, 'apiVersion: marketplace.kratix.io/v1alpha1\nkind: postgresql\nmetadata: {name: old}\nspec: {version: 13, profile: prod, persistence: false}\n');
    const { code, stderr } = await cli(['render', request, '--out', join(dir, 'state')]);
    expect(code).toBe(EXIT.ok);
    expect(stderr).toContain('postgres-gitops: warning: PostgreSQL 13 is end-of-life');
    expect(stderr).toContain('postgres-gitops: warning: No persistence: every restart of the pod loses all data.');
    expect(stderr).toMatch(/wrote \d+ files to /);
  });
});
