/** Relative path in the repository to file content. */
export type FileSet = Record<string, string>;

/** Where the database directory goes, and the pull-request branch for it. */
export interface PublishTarget {
  baseBranch: string;
  branch: string;
  directory: string;
  /** The file of the directory whose text a session reads from the base branch (the stored request). */
  requestFile: string;
  /**
   * Every directory the change replaces, when more than one (a fleet change across databases);
   * default `[directory]`. Files under them that the change does not list are removed.
   */
  directories?: string[];
}

/** The directories a change replaces. */
export function directoriesOf(target: PublishTarget): string[] {
  return target.directories ?? [target.directory];
}

export interface ChangeSet {
  /**
   * Every file of the target's directories, at any depth below them; files under them that are
   * not listed are removed, and a directory given no file is removed. A file outside the
   * directories is refused.
   */
  files: FileSet;
  title: string;
  body: string;
  commitMessage: string;
  author: { name: string; email: string };
  draft: boolean;
  reviewers: string[];
  labels: string[];
}

export interface PullRequestRef {
  number: number;
  url: string;
}

/**
 * What a publish did. `changed: true`: this run made a commit (`commitSha`) with exactly the
 * change's directories on top of the base branch, and pushed the branch to it. `changed: false`:
 * no commit, no push, no new pull request, and no `commitSha` (a publisher never reports a commit
 * it did not make); `already` says where the change already is.
 */
export type PublishResult = PublishedChange | UnchangedResult;

export interface PublishedChange {
  changed: true;
  /** The branch this run pushed. */
  branch: string;
  /** The commit this run made: the change's directories on top of the base branch. */
  commitSha: string;
  /** The branch already existed (an earlier run, not yet merged): this commit replaced what it held. */
  branchExisted: boolean;
  /** The pull request proposing the branch; absent where the host has no pull requests (a bare repository). */
  pullRequest?: PullRequestRef;
}

export interface UnchangedResult {
  changed: false;
  /** The branch the change would go to; it exists only when `already` is "proposed". */
  branch: string;
  /**
   * "merged": the base branch already holds exactly these directories, so there is nothing to
   * propose (the branch, if any, was left as it was). "proposed": the branch already holds them
   * (a re-run of a change not yet merged; on GitHub, with its pull request open).
   */
  already: 'merged' | 'proposed';
  /** The open pull request already proposing the change ("proposed" on GitHub). */
  pullRequest?: PullRequestRef;
}

/** A read of the state store, held open until the change is published or abandoned. */
export interface PublishSession {
  /** The request file of the directory on the base branch, when the directory exists there. */
  readonly existingRequest?: string;
  /** Git blob ids of the files of the target's directories on the base branch, at any depth below them, by path from the repository root. */
  readonly existingBlobs: Record<string, string>;
  publish(change: ChangeSet): Promise<PublishResult>;
  close(): Promise<void>;
}

/** One port, two implementations: GitHub (Git Data API) and any git remote (git plumbing). */
export interface Publisher {
  /** What the publisher writes to, with no credential in it. */
  readonly description: string;
  open(target: PublishTarget): Promise<PublishSession>;
  /** A file of the base branch (like the store's platform.yaml): its text, or undefined when there is none. */
  readBaseFile(baseBranch: string, path: string): Promise<string | undefined>;
  /**
   * Files of the base branch read together, in order: one GraphQL query on GitHub, one shallow
   * clone on a git remote, however many paths.
   */
  readBaseFiles(baseBranch: string, paths: string[]): Promise<(string | undefined)[]>;
}
