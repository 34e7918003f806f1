import { writeFileSync, chmodSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { REQUEST_FILE, renderDatabase } from '@postgres-gitops/renderer';
import { GitPublisher, type ChangeSet, type PublishTarget } from '@postgres-gitops/publish';
import { createStateStore, type StateStore } from '../support/state-store';

const request = (spec: Record<string, unknown>) => ({ apiVersion: 'marketplace.kratix.io/v1alpha1', kind: 'postgresql', metadata: { name: 'orders', namespace: 'team-a' }, spec });

function changeFor(spec: Record<string, unknown>): { change: ChangeSet; target: PublishTarget } {
  const db = renderDatabase(request(spec));
  return {
    target: { baseBranch: 'main', branch: 'postgres/worker-1/team-a/orders', directory: db.directory, requestFile: REQUEST_FILE },
    change: { files: db.files, title: 'Create PostgreSQL team-a/orders', body: 'body\nsecond line', commitMessage: 'Create PostgreSQL team-a/orders', author: { name: 'Backstage', email: 'backstage@example.test' }, draft: false, reviewers: [], labels: ['database'] },
  };
}

let store: StateStore;
beforeEach(() => {
  store = createStateStore({ 'README.md': '# state\n', 'clusters/worker-1/postgres/other/db/request.yaml': 'kind: PostgreSQL\n' });
});
afterEach(() => store.cleanup());

describe('GitPublisher against a local bare repository', () => {
  it('pushes a branch with exactly the database directory, leaving the rest of the store alone', async () => {
    const { change, target } = changeFor({ size: 'medium' });
    const session = await new GitPublisher({ remote: store.url }).open(target);
    expect(session.existingRequest).toBeUndefined();
    const result = await session.publish(change);
    await session.close();
    expect(result).toMatchObject({ branch: target.branch, changed: true });
    expect(result.pullRequest).toBeUndefined();
    expect(store.branches()).toEqual(['main', target.branch]);
    expect(store.files(target.branch, target.directory).sort()).toEqual(Object.keys(change.files).sort());
    expect(store.show(target.branch, 'README.md')).toBe('# state\n');
    expect(store.show(target.branch, 'clusters/worker-1/postgres/other/db/request.yaml')).toBe('kind: PostgreSQL\n');
    expect(store.log(target.branch)[0]).toBe('Create PostgreSQL team-a/orders');
  });

  it('a re-run of the same request pushes nothing; a changed request replaces the branch with --force-with-lease', async () => {
    const first = changeFor({ size: 'small' });
    const publisher = new GitPublisher({ remote: store.url });
    let session = await publisher.open(first.target);
    await session.publish(first.change);
    await session.close();
    const before = store.log(first.target.branch).length;

    session = await publisher.open(first.target);
    expect(await session.publish(first.change)).toMatchObject({ changed: false });
    await session.close();
    expect(store.log(first.target.branch)).toHaveLength(before);

    const second = changeFor({ size: 'large' });
    session = await publisher.open(second.target);
    expect(await session.publish(second.change)).toMatchObject({ changed: true });
    await session.close();
    expect(store.show(first.target.branch, `${first.target.directory}/statefulset-orders-postgresql-read.yaml`)).toContain('kind: StatefulSet');
    expect(store.log(first.target.branch)).toHaveLength(before);
  });

  it('refuses to overwrite a branch that moved since it was read (the lease)', async () => {
    const { change, target } = changeFor({ size: 'small' });
    const publisher = new GitPublisher({ remote: store.url });
    let session = await publisher.open(target);
    await session.publish(change);
    await session.close();

    session = await publisher.open(target);
    // Someone pushes to the branch between our read and our push.
    const other = await publisher.open({ ...target });
    await other.publish({ ...changeFor({ size: 'medium' }).change, commitMessage: 'reviewer fix' });
    await other.close();
    await expect(session.publish(changeFor({ size: 'large' }).change)).rejects.toThrow(/changed meanwhile on the remote .*nothing was overwritten/);
    await session.close();
    expect(store.log(target.branch)[0]).toBe('reviewer fix');
  });

  it('sees an existing database on the base branch', async () => {
    const seeded = createStateStore({ 'clusters/worker-1/postgres/team-a/orders/request.yaml': 'apiVersion: x\n' });
    try {
      const session = await new GitPublisher({ remote: seeded.bare }).open(changeFor({}).target);
      expect(session.existingRequest).toBe('apiVersion: x\n');
      await session.close();
    } finally {
      seeded.cleanup();
    }
  });

  it('opens a GitLab merge request through push options the server receives', async () => {
    const hook = join(store.bare, 'hooks', 'pre-receive');
    const record = join(store.root, 'push-options.txt');
    writeFileSync(hook, `#!/bin/sh\ni=0\nwhile [ "$i" -lt "$GIT_PUSH_OPTION_COUNT" ]; do eval "echo \\"\\$GIT_PUSH_OPTION_$i\\"" >> ${record}; i=$((i + 1)); done\n`);
    chmodSync(hook, 0o755);
    const { change, target } = changeFor({});
    const session = await new GitPublisher({ remote: store.url, mergeRequest: 'gitlab' }).open(target);
    await session.publish(change);
    await session.close();
    expect(existsSync(record)).toBe(true);
    expect(readFileSync(record, 'utf8').split('\n')).toEqual(expect.arrayContaining([
      'merge_request.create', 'merge_request.target=main', 'merge_request.title=Create PostgreSQL team-a/orders', 'merge_request.description=body', 'merge_request.label=database',
    ]));
  });

  it('names the problem without the credentials when the remote fails', async () => {
    const publisher = new GitPublisher({ remote: 'https://deploy:s3cr3t-token@127.0.0.1:1/state.git', secrets: ['s3cr3t-token'] });
    const error = await publisher.open(changeFor({}).target).then(
      () => new Error('expected the clone to fail'),
      (e: Error) => e,
    );
    expect(error.message).not.toBe('expected the clone to fail');
    expect(error.message).not.toContain('s3cr3t-token');
    expect(publisher.description).toBe('git https://***@127.0.0.1:1/state.git');
  });
});
