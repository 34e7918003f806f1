import { spawn, type ChildProcess } from 'node:child_process';
import { REQUEST_FILE, renderDatabase } from '@postgres-gitops/renderer';
import { ChangedMeanwhileError, GitPublisher, type ChangeSet, type PublishTarget } from '@postgres-gitops/publish';
import { freePort } from '../support/postgres';
import { createStateStore, type StateStore } from '../support/state-store';

/**
 * Many publishes at once against one bare repository served by a real `git daemon` (git://):
 * fifty different databases all land; two runs for one database never both win.
 */
jest.setTimeout(180_000);

let store: StateStore;
let daemon: ChildProcess;
let remote: string;

beforeAll(async () => {
  store = createStateStore();
  const port = await freePort();
  daemon = spawn('git', ['daemon', '--reuseaddr', '--export-all', '--enable=receive-pack', `--base-path=${store.root}`, '--listen=127.0.0.1', `--port=${port}`, store.root], { stdio: 'ignore' });
  remote = `git://127.0.0.1:${port}/state-store.git`;
  for (let i = 0; i < 100; i++) {
    const probe = spawn('git', ['ls-remote', remote], { stdio: 'ignore' });
    if ((await new Promise(r => probe.on('close', r))) === 0) return;
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error('git daemon did not start');
});
afterAll(() => {
  daemon?.kill();
  store?.cleanup();
});

function changeFor(name: string, size = 'small'): { change: ChangeSet; target: PublishTarget } {
  const db = renderDatabase({ apiVersion: 'postgres-gitops.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name, namespace: 'team-a' }, spec: { size } });
  return {
    target: { baseBranch: 'main', branch: `postgres/worker-1/team-a/${name}`, directory: db.directory, requestFile: REQUEST_FILE },
    change: { files: db.files, title: `Create ${name}`, body: '', commitMessage: `Create ${name}`, author: { name: 'postgres-gitops', email: 'bot@example.test' }, draft: false, reviewers: [], labels: [] },
  };
}

async function publish(name: string, size?: string) {
  const { change, target } = changeFor(name, size);
  const session = await new GitPublisher({ remote }).open(target);
  try {
    return await session.publish(change);
  } finally {
    await session.close();
  }
}

describe('publishing concurrently to one git remote (git daemon)', () => {
  it('fifty creations of different databases at once: fifty branches, every file present, nothing lost', async () => {
    const names = Array.from({ length: 50 }, (_, i) => `db-${String(i).padStart(2, '0')}`);
    const results = await Promise.allSettled(names.map(name => publish(name)));
    expect(results.filter(r => r.status === 'rejected')).toEqual([]);
    expect(store.branches()).toEqual(['main', ...names.map(n => `postgres/worker-1/team-a/${n}`)]);
    for (const name of names) {
      const { change } = changeFor(name);
      const branch = `postgres/worker-1/team-a/${name}`;
      expect(store.files(branch, `clusters/worker-1/postgres/team-a/${name}`).sort()).toEqual(Object.keys(change.files).sort());
      expect(store.show(branch, `clusters/worker-1/postgres/team-a/${name}/request.yaml`)).toBe(change.files[`clusters/worker-1/postgres/team-a/${name}/request.yaml`]);
    }
  });

  it('two runs for one database at once: exactly one wins, the other is told the branch changed meanwhile', async () => {
    // Both read the remote before either pushes, as two runs started together do.
    const runs = [changeFor('ledger', 'small'), changeFor('ledger', 'large')];
    const sessions = await Promise.all(runs.map(r => new GitPublisher({ remote }).open(r.target)));
    const results = await Promise.allSettled(sessions.map((s, i) => s.publish(runs[i].change)));
    await Promise.all(sessions.map(s => s.close()));
    const won = results.filter(r => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect({ won: won.length, lost: lost.length }).toEqual({ won: 1, lost: 1 });
    expect(lost[0].reason).toBeInstanceOf(ChangedMeanwhileError);
    expect(lost[0].reason.message).toContain('branch postgres/worker-1/team-a/ledger changed meanwhile');
    expect(store.log('postgres/worker-1/team-a/ledger').filter(m => m.startsWith('Create ledger'))).toHaveLength(1);
  });

  it('the base moving between read and push does not reject the branch: it is proposed on the base it was read from', async () => {
    const { change, target } = changeFor('billing');
    const session = await new GitPublisher({ remote }).open(target);
    try {
      store.merge('postgres/worker-1/team-a/db-00');
      await expect(session.publish(change)).resolves.toMatchObject({ changed: true });
    } finally {
      await session.close();
    }
    expect(store.files('postgres/worker-1/team-a/billing', 'clusters/worker-1/postgres/team-a/billing')).toHaveLength(Object.keys(change.files).length);
  });
});
