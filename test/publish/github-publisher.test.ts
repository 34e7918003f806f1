import { REQUEST_FILE, renderDatabase } from '@postgres-gitops/renderer';
import { GitHubPublisher, type ChangeSet, type PublishTarget } from '@postgres-gitops/publish';
import { FakeGitHub } from '../support/fake-github/server';

const TOKEN = 'ghs_fakeInstallationToken0123456789';
const request = (spec: Record<string, unknown>) => ({ apiVersion: 'marketplace.kratix.io/v1alpha1', kind: 'postgresql', metadata: { name: 'orders', namespace: 'team-a' }, spec });

function changeFor(spec: Record<string, unknown>, extra: Partial<ChangeSet> = {}): { change: ChangeSet; target: PublishTarget } {
  const db = renderDatabase(request(spec));
  return {
    target: { baseBranch: 'main', branch: 'postgres/worker-1/team-a/orders', directory: db.directory, requestFile: REQUEST_FILE },
    change: { files: db.files, title: 'Create PostgreSQL team-a/orders', body: '## body', commitMessage: 'Create PostgreSQL team-a/orders', author: { name: 'Backstage', email: 'backstage@example.test' }, draft: false, reviewers: [], labels: [], ...extra },
  };
}

let github: FakeGitHub;
let publisher: GitHubPublisher;
beforeEach(async () => {
  github = new FakeGitHub({ owner: 'acme', repo: 'state', token: TOKEN, files: { 'README.md': '# state\n', 'clusters/worker-1/postgres/other/db/request.yaml': 'x: 1\n' } });
  await github.start();
  publisher = new GitHubPublisher({ owner: 'acme', repo: 'state', token: TOKEN, baseUrl: github.url, maxRetries: 0, throttle: false });
});
afterEach(async () => {
  expect(github.violations).toEqual([]);
  await github.stop();
});

async function publish(spec: Record<string, unknown>, extra: Partial<ChangeSet> = {}) {
  const { change, target } = changeFor(spec, extra);
  const session = await publisher.open(target);
  const result = await session.publish(change);
  await session.close();
  return { result, change, target, existing: session.existingRequest };
}

describe('GitHubPublisher against a fake GitHub that checks every call against the published API', () => {
  it('removes a whole directory when given no files (retiring a database), and a re-run opens nothing new', async () => {
    const created = await publish({ size: 'small' });
    github.merge(created.result.pullRequest!.number);
    const retire = { ...created.target, branch: 'postgres-retire/worker-1/team-a/orders' };
    const removal = { ...created.change, files: {}, title: 'Retire PostgreSQL team-a/orders on worker-1' };
    let session = await publisher.open(retire);
    const first = await session.publish(removal);
    expect(first).toMatchObject({ changed: true, pullRequest: { number: 2 } });
    expect(Object.keys(github.filesAt(retire.branch)).filter(f => f.startsWith(created.target.directory))).toEqual([]);
    expect(github.filesAt(retire.branch)['README.md']).toBe('# state\n');
    session = await publisher.open(retire);
    expect(await session.publish(removal)).toMatchObject({ changed: false, pullRequest: { number: 2 } });
  });

  it('opens a pull request with one read and four writes, whatever the number of files', async () => {
    const { result, change, target } = await publish({ size: 'large', backup: true, monitoring: true, ssl: true });
    expect(Object.keys(change.files).length).toBeGreaterThan(20);
    expect(github.requests.map(r => r.operation)).toEqual(['graphql', 'git/create-tree', 'git/create-commit', 'git/create-ref', 'pulls/create']);
    expect(result).toMatchObject({ branch: target.branch, changed: true, pullRequest: { number: 1, url: 'https://github.example.test/acme/state/pull/1' } });
    const files = github.filesAt(target.branch);
    for (const [path, content] of Object.entries(change.files)) expect(files[path]).toBe(content);
    expect(files['README.md']).toBe('# state\n');
    expect(files['clusters/worker-1/postgres/other/db/request.yaml']).toBe('x: 1\n');
    expect(github.pulls[0]).toMatchObject({ title: change.title, head: target.branch, base: 'main', draft: false });
  });

  it('asks for reviewers and labels with one call each', async () => {
    await publish({}, { reviewers: ['jane', 'acme/dba'], labels: ['database', 'postgres'], draft: true });
    expect(github.requests.map(r => r.operation).slice(-2)).toEqual(['pulls/request-reviewers', 'issues/add-labels']);
    expect(github.pulls[0]).toMatchObject({ reviewers: ['jane'], teamReviewers: ['dba'], labels: ['database', 'postgres'], draft: true });
  });

  it('a re-run of the same request makes no write; a changed request updates the same branch and pull request', async () => {
    await publish({ size: 'small' });
    github.requests.length = 0;
    const again = await publish({ size: 'small' });
    expect(again.result).toMatchObject({ changed: false, pullRequest: { number: 1 } });
    expect(github.requests.map(r => r.operation)).toEqual(['graphql']);

    github.requests.length = 0;
    const changed = await publish({ size: 'medium' }, { title: 'Create PostgreSQL team-a/orders (medium)' });
    expect(changed.result).toMatchObject({ changed: true, pullRequest: { number: 1 } });
    expect(github.requests.map(r => r.operation)).toEqual(['graphql', 'git/create-tree', 'git/create-commit', 'git/update-ref', 'pulls/update']);
    expect(github.pulls).toHaveLength(1);
    expect(github.pulls[0].title).toBe('Create PostgreSQL team-a/orders (medium)');
  });

  it('after merge, sees the database on the base branch, removes files an update drops, and opens nothing when nothing changed', async () => {
    await publish({ size: 'large', backup: true });
    github.merge(1);
    github.requests.length = 0;
    const { existing, result } = await publish({ size: 'large', backup: true });
    expect(existing).toContain('kind: PostgreSQL');
    expect(result).toMatchObject({ changed: false });
    expect(result.pullRequest).toBeUndefined();

    // Fewer objects, the volumes as they are (the API server would refuse shrinking them).
    const { target } = await publish({ size: 'large', replicas: 1, backup: false });
    const files = Object.keys(github.filesAt(target.branch));
    expect(files.some(f => f.endsWith('cronjob-orders-postgresql-backup.yaml'))).toBe(false);
    expect(files.some(f => f.endsWith('statefulset-orders-postgresql-read.yaml'))).toBe(false);
    expect(github.pulls).toHaveLength(2);
  });

  it('a directory with subdirectories: one more read (its tree, recursive) tells what to remove at every depth; still four writes', async () => {
    const directory = 'clusters/worker-1/postgres/bulk';
    const target = { baseBranch: 'main', branch: 'postgres-fleet/bulk', directory, requestFile: REQUEST_FILE };
    const change = (files: Record<string, string>) => ({ ...changeFor({}).change, files: Object.fromEntries(Object.entries(files).map(([p, c]) => [`${directory}/${p}`, c])) });
    let session = await publisher.open(target);
    expect(await session.publish(change({ 'orders/request.yaml': 'o\n', 'orders/backup/cronjob.yaml': 'c\n', 'billing/request.yaml': 'b\n' }))).toMatchObject({ changed: true });
    github.merge(1);
    github.requests.length = 0;

    session = await publisher.open({ ...target, branch: 'postgres-fleet/bulk-2' });
    expect(session.existingBlobs).toEqual(Object.fromEntries([`${directory}/billing/request.yaml`, `${directory}/orders/backup/cronjob.yaml`, `${directory}/orders/request.yaml`].map(p => [p, expect.stringMatching(/^[0-9a-f]{40}$/)])));
    const result = await session.publish(change({ 'orders/request.yaml': 'o, changed\n', 'ledger/request.yaml': 'l\n' }));
    expect(result).toMatchObject({ changed: true, commitSha: github.refs.get('refs/heads/postgres-fleet/bulk-2') });
    expect(github.requests.map(r => r.operation)).toEqual(['graphql', 'git/get-tree', 'git/create-tree', 'git/create-commit', 'git/create-ref', 'pulls/create']);
    expect(Object.keys(github.filesAt('postgres-fleet/bulk-2')).filter(p => p.startsWith(directory)).sort()).toEqual([`${directory}/ledger/request.yaml`, `${directory}/orders/request.yaml`]);
  });

  it('a path below the directory that turns from a file into a directory is written as the directory\'s own tree (one more call)', async () => {
    const directory = 'clusters/worker-1/postgres/team-a/orders';
    const target = { baseBranch: 'main', branch: 'postgres/worker-1/team-a/orders', directory, requestFile: REQUEST_FILE };
    const change = (files: Record<string, string>) => ({ ...changeFor({}).change, files: Object.fromEntries(Object.entries(files).map(([p, c]) => [`${directory}/${p}`, c])) });
    let session = await publisher.open(target);
    await session.publish(change({ 'request.yaml': 'r\n', conf: 'a file\n' }));
    github.merge(1);
    github.requests.length = 0;
    session = await publisher.open({ ...target, branch: 'flip' });
    expect(await session.publish(change({ 'request.yaml': 'r\n', 'conf/now.yaml': 'a directory\n' }))).toMatchObject({ changed: true });
    expect(github.requests.map(r => r.operation)).toEqual(['graphql', 'git/create-tree', 'git/create-tree', 'git/create-commit', 'git/create-ref', 'pulls/create']);
    expect(github.filesAt('flip')[`${directory}/conf/now.yaml`]).toBe('a directory\n');
    expect(github.filesAt('flip')[`${directory}/conf`]).toBeUndefined();
  });

  it('never shows the token in errors', async () => {
    const wrong = new GitHubPublisher({ owner: 'acme', repo: 'state', token: 'ghp_wrongTokenValue123456', baseUrl: github.url, maxRetries: 0, throttle: false });
    const error = await wrong.open(changeFor({}).target).then(() => new Error('expected failure'), (e: Error) => e);
    expect(error.message).toMatch(/Bad credentials/);
    expect(`${error.message}\n${error.stack}`).not.toContain('ghp_wrongTokenValue123456');
  });

  it('waits out a secondary rate limit (403 with retry-after) and then succeeds', async () => {
    let offset = -56_000;
    const clock = { now: () => Date.now() + offset };
    const limited = new FakeGitHub({ owner: 'acme', repo: 'state', token: TOKEN, rateLimits: { clock } });
    await limited.start();
    try {
      // 80 content-generating requests 56 s ago: the next paced write is refused with a short retry-after.
      const limits = (limited as unknown as { limits: { begin(w: boolean, c: boolean): unknown; end(): void } }).limits;
      for (let i = 0; i < 80; i++) limits.begin(true, true), limits.end();
      offset = 0;
      const paced = new GitHubPublisher({ owner: 'acme', repo: 'state', token: TOKEN, baseUrl: limited.url, maxRetries: 2 });
      const { change, target } = changeFor({});
      const session = await paced.open(target);
      const result = await session.publish(change);
      expect(result).toMatchObject({ changed: true, pullRequest: { number: 1 } });
      const statuses = limited.requests.map(r => `${r.operation} ${r.status}`);
      expect(statuses.slice(0, 3)).toEqual(['graphql 200', 'git/create-tree 403', 'git/create-tree 201']);
      expect(limited.violations).toEqual([]);
    } finally {
      await limited.stop();
    }
  });
});
