import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REQUEST_FILE, renderDatabase } from '@postgres-gitops/renderer';
import { ChangedMeanwhileError, GitPublisher } from '@postgres-gitops/publish';
import { gitEnvironment, simpleGitRunner } from '../../plugins/publish/src/git-runner';
import { GitTrees, type TreeEntry } from '../../plugins/publish/src/git-trees';
import { treeObjectOid } from '../../plugins/publish/src/git-tree-oid';
import { createStateStore, type StateStore } from '../support/state-store';

/** A store of 300 databases: ten namespaces of thirty, one request file each. */
const seed = Object.fromEntries(
  Array.from({ length: 300 }, (_, i) => [`clusters/worker-1/postgres/team-${i % 10}/db-${i}/request.yaml`, `name: db-${i}\n`]),
);

let store: StateStore;
let work: string;
beforeAll(() => {
  store = createStateStore({ 'README.md': '# state\n', ...seed });
});
afterAll(() => store.cleanup());
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'pgg-trees-'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

function emptyRepository() {
  const gitDir = join(work, 'repo.git');
  return new GitTrees(gitDir, simpleGitRunner({ cwd: work, env: gitEnvironment(gitDir) }));
}

const objectsIn = (trees: GitTrees) => trees.git(['cat-file', '--batch-all-objects', '--batch-check=%(objecttype)']).then(o => o.split('\n').filter(Boolean));

describe('reading a state store tree by tree', () => {
  it('fetches the commit, the trees along one path and one blob, and nothing of the 299 other databases', async () => {
    const trees = emptyRepository();
    const base = (await trees.cloneBranch(store.url, 'main'))!;
    const entry = await trees.resolve(base.tree, 'clusters/worker-1/postgres/team-3/db-13/request.yaml');
    expect(entry).toMatchObject({ type: 'blob', name: 'request.yaml' });
    expect(await trees.blobText(entry!.oid)).toBe('name: db-13\n');
    // commit; root, clusters, worker-1, postgres, team-3 and db-13 trees; the blob.
    expect((await objectsIn(trees)).sort()).toEqual(['blob', 'commit', ...Array(6).fill('tree')]);
    const sibling = await trees.resolve(base.tree, 'clusters/worker-1/postgres/team-4');
    await expect(trees.git(['cat-file', '-e', sibling!.oid])).rejects.toThrow();
  });

  it('says so when the branch is not there', async () => {
    expect(await emptyRepository().cloneBranch(store.url, 'no-such-branch')).toBeUndefined();
    const trees = emptyRepository();
    await trees.cloneBranch(store.url, 'main');
    expect(await trees.fetchCommit('refs/heads/no-such-branch')).toBeUndefined();
  });
});

describe('the git publisher on a server that ignores filters', () => {
  it('gets the whole tree of the base commit instead, and publishes the same', async () => {
    const plain = createStateStore({ 'README.md': '# state\n', 'clusters/worker-1/postgres/team-a/orders/request.yaml': 'name: orders\n' });
    try {
      execFileSync('git', ['-C', plain.bare, 'config', 'uploadpack.allowFilter', 'false']);
      const db = renderDatabase({ apiVersion: 'marketplace.kratix.io/v1alpha1', kind: 'postgresql', metadata: { name: 'orders', namespace: 'team-a' }, spec: { size: 'small' } });
      const target = { baseBranch: 'main', branch: 'postgres/worker-1/team-a/orders', directory: db.directory, requestFile: REQUEST_FILE };
      const session = await new GitPublisher({ remote: plain.url }).open(target);
      expect(session.existingRequest).toBe('name: orders\n');
      await session.publish({ files: db.files, title: 't', body: 'b', commitMessage: 'Change orders', author: { name: 'a', email: 'a@example.test' }, draft: false, reviewers: [], labels: [] });
      await session.close();
      expect(plain.files(target.branch, db.directory).sort()).toEqual(Object.keys(db.files).sort());
      expect(plain.show(target.branch, 'README.md')).toBe('# state\n');
    } finally {
      plain.cleanup();
    }
  });
});

describe('the git publisher when the base branch moves before the push', () => {
  const db = renderDatabase({ apiVersion: 'marketplace.kratix.io/v1alpha1', kind: 'postgresql', metadata: { name: 'late', namespace: 'team-a' }, spec: { size: 'small' } });
  const change = { files: db.files, title: 't', body: 'b', commitMessage: 'Create late', author: { name: 'a', email: 'a@example.test' }, draft: false, reviewers: [], labels: [] };
  const moveMain = () => {
    const git = (...args: string[]) => execFileSync('git', ['-C', store.bare, ...args], { encoding: 'utf8' }).trim();
    const moved = git('-c', 'user.name=r', '-c', 'user.email=r@example.test', 'commit-tree', git('rev-parse', 'main^{tree}'), '-p', git('rev-parse', 'main'), '-m', 'moved');
    git('update-ref', 'refs/heads/main', moved);
  };

  it('over protocol v2, pushes on the base it read (negotiation names it)', async () => {
    const target = { baseBranch: 'main', branch: 'postgres/worker-1/team-a/late-v2', directory: db.directory, requestFile: REQUEST_FILE };
    const session = await new GitPublisher({ remote: store.url }).open(target);
    moveMain();
    await expect(session.publish(change)).resolves.toMatchObject({ changed: true });
    await session.close();
    expect(store.files(target.branch, db.directory)).toHaveLength(Object.keys(db.files).length);
  });

  it('without protocol v2, refuses as changed meanwhile and pushes nothing, rather than send the whole store', async () => {
    const target = { baseBranch: 'main', branch: 'postgres/worker-1/team-a/late-v0', directory: db.directory, requestFile: REQUEST_FILE };
    Object.assign(process.env, { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'protocol.version', GIT_CONFIG_VALUE_0: '0' });
    try {
      const session = await new GitPublisher({ remote: store.url }).open(target);
      moveMain();
      const refused = session.publish(change);
      await expect(refused).rejects.toBeInstanceOf(ChangedMeanwhileError);
      await expect(refused).rejects.toThrow(/main moved on the remote .* protocol v2 .*nothing was pushed/);
      await session.close();
    } finally {
      for (const key of ['GIT_CONFIG_COUNT', 'GIT_CONFIG_KEY_0', 'GIT_CONFIG_VALUE_0']) delete process.env[key];
    }
    expect(store.branches()).not.toContain(target.branch);
  });
});

describe('the git publisher re-publishing a branch that spans several directories', () => {
  it('replaces both directories when both changed since the branch was pushed', async () => {
    const dirs = ['clusters/worker-1/postgres/team-1/fleet-a', 'clusters/worker-2/postgres/team-2/fleet-b'];
    const target = { baseBranch: 'main', branch: 'postgres-fleet/two', directory: dirs[0], directories: dirs, requestFile: REQUEST_FILE };
    const changeOf = (text: string) => ({
      files: Object.fromEntries(dirs.map(d => [`${d}/${REQUEST_FILE}`, `${text}\n`])),
      title: 't', body: 'b', commitMessage: text, author: { name: 'a', email: 'a@example.test' }, draft: false, reviewers: [], labels: [],
    });
    for (const text of ['first', 'second']) {
      const session = await new GitPublisher({ remote: store.url }).open(target);
      await expect(session.publish(changeOf(text))).resolves.toMatchObject({ changed: true });
      await session.close();
    }
    for (const d of dirs) expect(store.show(target.branch, `${d}/${REQUEST_FILE}`)).toBe('second\n');
  });
});

describe('writing trees in one batch', () => {
  // Names that sort differently as a directory ("a/" after "a.b" and "a-b") than as a file, every mode.
  const entries = (blob: string, tree: string): TreeEntry[] => [
    { mode: '100644', type: 'blob', oid: blob, name: 'a.b' },
    { mode: '040000', type: 'tree', oid: tree, name: 'a' },
    { mode: '100644', type: 'blob', oid: blob, name: 'a-b' },
    { mode: '100755', type: 'blob', oid: blob, name: 'run' },
    { mode: '120000', type: 'blob', oid: blob, name: 'link' },
    { mode: '100644', type: 'blob', oid: blob, name: 'Ä' },
  ];

  it('computes the ids git gives them, a parent naming its child, and git writes them all in one process', async () => {
    const trees = emptyRepository();
    await trees.cloneBranch(store.url, 'main');
    const [blob] = await trees.writeBlobs(['x\n']);
    const child = entries(blob, '4b825dc642cb6eb9a060e54bf8d69288fbee4904');
    const parent = entries(blob, treeObjectOid(child));
    const expected = [treeObjectOid(child), treeObjectOid(parent), treeObjectOid([])];
    await trees.writeTrees([child, parent, []], expected);
    expect(await trees.git(['cat-file', '-t', expected[1]])).toBe('tree\n');
    expect((await trees.git(['ls-tree', expected[1]])).split('\n')[0]).toBe(`100644 blob ${blob}\ta-b`);
  });

  it('refuses when git writes another id than the one computed (a parent would name a tree that does not exist)', async () => {
    const trees = emptyRepository();
    await trees.cloneBranch(store.url, 'main');
    const [blob] = await trees.writeBlobs(['x\n']);
    const listing = entries(blob, '4b825dc642cb6eb9a060e54bf8d69288fbee4904');
    await expect(trees.writeTrees([listing], ['0'.repeat(40)])).rejects.toThrow(/git mktree wrote trees [0-9a-f]{40} where 0{40} were computed/);
  });
});
