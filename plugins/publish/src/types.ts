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
  /** Every file of the target's directories; files under them that are not listed are removed. */
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

export interface PublishResult {
  branch: string;
  /** False when nothing changed: no commit, no push, no new pull request. */
  changed: boolean;
  /** The branch already existed (an earlier run, not yet merged): a change replaced what it held. */
  branchExisted?: boolean;
  commitSha?: string;
  /** Absent where the host has no pull requests (a bare repository). */
  pullRequest?: PullRequestRef;
}

/** A read of the state store, held open until the change is published or abandoned. */
export interface PublishSession {
  /** The request file of the directory on the base branch, when the directory exists there. */
  readonly existingRequest?: string;
  /** Git blob ids of the files of the target's directories on the base branch, by path from the repository root. */
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
}
