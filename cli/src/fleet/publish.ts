import { ChangedMeanwhileError, gitBlobSha, type Publisher, type PublishResult } from '@postgres-gitops/publish';
import { type ClusterPlan, clusterPostgresDirectory, type FileSet, fleetBranch, fleetReviewText, REQUEST_FILE } from '@postgres-gitops/renderer';
import { inOrderWithLimit } from './in-flight';
import { readDatabase } from './scan';

/**
 * Pull requests in flight at once: enough to keep the pacing budget (not round trips) the limit,
 * far below GitHub's 100 concurrent requests; every one draws on the same budget.
 */
export const PUBLISHES_AT_ONCE = 4;

export interface FleetPublishOptions {
  base: string;
  allowDestructive: boolean;
  /** Publish a cluster's valid changes although some of its requests are invalid. */
  skipInvalid: boolean;
  /** What the change is, for the title: "minorVersion=latest", or "re-render with postgres-gitops 0.9.0". */
  reason: string;
  author: { name: string; email: string };
  draft: boolean;
  reviewers: string[];
  labels: string[];
}

export type ClusterPublish =
  | { cluster: string; outcome: 'published'; databases: number; result: PublishResult }
  | { cluster: string; outcome: 'nothing to change' }
  | { cluster: string; outcome: 'blocked'; reason: string };

/**
 * The plan was made from the files on disk; the pull request is built on the remote base. Each
 * directory must be the same on both, or the change would undo what was merged meanwhile.
 */
async function assertSameBase(root: string, directories: string[], existingBlobs: Record<string, string>, where: string): Promise<void> {
  for (const directory of directories) {
    const local = readDatabase(root, directory);
    const remote = Object.entries(existingBlobs).filter(([path]) => path.startsWith(`${directory}/`));
    const same = remote.length === Object.keys(local).length && remote.every(([path, sha]) => local[path] !== undefined && gitBlobSha(local[path]) === sha);
    if (!same) throw new ChangedMeanwhileError(`${directory} on ${where} differs from ${root}: pull the state store, then plan and publish again`);
  }
}

/** One pull request for one cluster's plan (made with keepFiles), through the same publish port as the actions. */
async function publishCluster(root: string, plan: ClusterPlan, publisher: Publisher, options: FleetPublishOptions): Promise<ClusterPublish> {
  if (plan.invalid.length > 0 && !options.skipInvalid) {
    return { cluster: plan.cluster, outcome: 'blocked', reason: `${plan.invalid.length} invalid request(s); fix them, or pass --skip-invalid to publish the rest` };
  }
  const published = [...plan.changed, ...(options.allowDestructive ? plan.destructive : [])];
  if (published.length === 0) return { cluster: plan.cluster, outcome: 'nothing to change' };

  const directories = published.map(o => o.directory);
  const files: FileSet = Object.assign({}, ...published.map(o => o.rendered));
  const session = await publisher.open({
    baseBranch: options.base,
    branch: fleetBranch(plan.cluster),
    directory: clusterPostgresDirectory(plan.cluster),
    requestFile: REQUEST_FILE,
    directories,
  });
  try {
    await assertSameBase(root, directories, session.existingBlobs, `${options.base} of ${publisher.description}`);
    const text = fleetReviewText(plan, published, options.reason);
    const result = await session.publish({ files, ...text, author: options.author, draft: options.draft, reviewers: options.reviewers, labels: options.labels });
    return { cluster: plan.cluster, outcome: 'published', databases: published.length, result };
  } finally {
    await session.close();
  }
}

/**
 * Publishes each cluster's plan as it is made: planning uses the cores, publishing waits on the
 * remote, so the next cluster is planned while up to PUBLISHES_AT_ONCE pull requests are open.
 * Outcomes come back in cluster order; memory holds the changed files of those clusters only.
 */
export async function publishFleet(root: string, plans: AsyncIterable<ClusterPlan>, publisher: Publisher, options: FleetPublishOptions, onPublished: (plan: ClusterPlan, published: ClusterPublish) => void): Promise<void> {
  await inOrderWithLimit(
    plans,
    PUBLISHES_AT_ONCE,
    async plan => ({ plan, published: await publishCluster(root, plan, publisher, options) }),
    ({ plan, published }) => onPublished(plan, published),
  );
}
