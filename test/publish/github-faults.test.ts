import { REQUEST_FILE, renderDatabase } from '@postgres-gitops/renderer';
import { GitHubPublisher, type ChangeSet, type PublishTarget } from '@postgres-gitops/publish';
import { FakeGitHub, type FaultKind } from '../support/fake-github/server';

/**
 * Faults at every step of the GitHub publisher: each step (the GraphQL read, tree, commit, ref,
 * pull request, reviewers, labels) answered once with a server error, a secondary rate limit, a
 * 429, a dropped connection (before or after GitHub carried the write out) or an answer slower
 * than the deadline. Every cell must end with the branch, exactly one pull request and the
 * files, and a re-run must change nothing. Faults that persist fail with a clear error and leave
 * no branch without its pull request.
 */
const TOKEN = 'ghp_faultMatrixToken0123456789abcdef';
const STEPS = ['graphql', 'git/create-tree', 'git/create-commit', 'git/create-ref', 'pulls/create', 'pulls/request-reviewers', 'issues/add-labels'];
const FAULTS: FaultKind[] = ['500', '502', '503', 'secondary-limit', '429', 'drop', 'drop-after', 'slow'];
jest.setTimeout(60_000);

const db = renderDatabase({ apiVersion: 'postgres-gitops.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name: 'orders', namespace: 'team-a' }, spec: { size: 'small' } });
const target: PublishTarget = { baseBranch: 'main', branch: 'postgres/worker-1/team-a/orders', directory: db.directory, requestFile: REQUEST_FILE };
const change: ChangeSet = {
  files: db.files,
  title: 'Create PostgreSQL team-a/orders',
  body: '## body',
  commitMessage: 'Create PostgreSQL team-a/orders',
  author: { name: 'postgres-gitops', email: 'bot@example.test' },
  draft: false,
  reviewers: ['alice'],
  labels: ['database'],
};

async function publishOnce(github: FakeGitHub, retries = 3) {
  const publisher = new GitHubPublisher({ owner: 'acme', repo: 'state', token: TOKEN, baseUrl: github.url, maxRetries: retries, retryBaseMs: 10, timeoutMs: 1000, throttle: false });
  const session = await publisher.open(target);
  try {
    return await session.publish(change);
  } finally {
    await session.close();
  }
}

function stateOf(github: FakeGitHub) {
  return {
    branch: github.refs.has(`refs/heads/${target.branch}`),
    pulls: github.pulls.filter(p => p.head === target.branch).map(p => ({ state: p.state, reviewers: p.reviewers, labels: p.labels })),
    files: Object.keys(github.filesAt(target.branch)).filter(p => p.startsWith(db.directory)).length,
  };
}

const matrix = STEPS.flatMap(step => FAULTS.map(fault => [step, fault] as const));

describe('the GitHub publisher under one fault at each step', () => {
  it.each(matrix)('%s answered with %s: one branch, one pull request, all files; a re-run changes nothing', async (step, fault) => {
    const github = new FakeGitHub({ owner: 'acme', repo: 'state', token: TOKEN });
    await github.start();
    try {
      github.inject({ operation: step, kind: fault, delayMs: 1500 });
      const result = await publishOnce(github);
      expect(github.injected).toEqual([`${step} ${fault}`]);
      expect(result).toMatchObject({ changed: true, pullRequest: { number: 1 } });
      expect(stateOf(github)).toEqual({ branch: true, pulls: [{ state: 'open', reviewers: ['alice'], labels: ['database'] }], files: Object.keys(db.files).length });

      const again = await publishOnce(github);
      expect(again).toMatchObject({ changed: false, pullRequest: { number: 1 } });
      expect(github.pulls).toHaveLength(1);
      expect(github.violations).toEqual([]);
    } finally {
      await github.stop();
    }
  });
});

describe('faults that persist', () => {
  it.each([['git/create-tree', '503'], ['pulls/create', '502'], ['pulls/create', 'drop'], ['git/create-ref', 'drop']] as const)(
    '%s failing with %s every time: a clear error, no branch left without a pull request, and the re-run completes',
    async (step, fault) => {
      const github = new FakeGitHub({ owner: 'acme', repo: 'state', token: TOKEN });
      await github.start();
      try {
        github.inject({ operation: step, kind: fault, times: 3, delayMs: 1500 });
        const error = await publishOnce(github, 2).then(() => undefined, (e: Error) => e);
        expect(error?.message).toMatch(/Server Error|other side closed|fetch failed|aborted|timeout|socket/i);
        expect(error?.message).not.toContain(TOKEN);
        expect(stateOf(github)).toMatchObject({ branch: false, pulls: [] });

        // Backstage retries the task with the same checkpoint keys: the publish runs again and completes.
        const retried = await publishOnce(github);
        expect(retried).toMatchObject({ changed: true, pullRequest: { number: 1 } });
        expect(github.pulls).toHaveLength(1);
      } finally {
        await github.stop();
      }
    },
  );
});

describe('someone else on the branch', () => {
  it('a branch whose head another author committed is not rewritten: "changed meanwhile", nothing overwritten', async () => {
    const github = new FakeGitHub({ owner: 'acme', repo: 'state', token: TOKEN });
    await github.start();
    try {
      await publishOnce(github);
      // A reviewer pushes a fix on top of the branch.
      const head = github.refs.get(`refs/heads/${target.branch}`)!;
      const theirs = github.objects.putCommit(github.objects.commits.get(head)!.tree, [head], 'reviewer fix', 'reviewer@example.test');
      github.refs.set(`refs/heads/${target.branch}`, theirs);

      const publisher = new GitHubPublisher({ owner: 'acme', repo: 'state', token: TOKEN, baseUrl: github.url, maxRetries: 0, throttle: false });
      const session = await publisher.open(target);
      const error = await session.publish({ ...change, body: '## changed', files: { ...change.files, [`${db.directory}/extra.yaml`]: 'x: 1\n' } }).then(() => undefined, (e: Error) => e);
      expect(error?.name).toBe('ChangedMeanwhileError');
      expect(error?.message).toContain('has a commit by reviewer@example.test on top; it is not rewritten');
      expect(github.refs.get(`refs/heads/${target.branch}`)).toBe(theirs);
    } finally {
      await github.stop();
    }
  });
});
