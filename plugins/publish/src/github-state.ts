import type { Octokit } from '@octokit/rest';
import type { PullRequestRef } from './types';

/** Everything a publish needs to know, read in one GraphQL round trip: per directory, its listing on the base and its tree id on the branch. */
export function stateQuery(directories: number): string {
  const indexes = [...Array(directories).keys()];
  const variables = indexes.map(i => `, $baseDir${i}: String!, $headDir${i}: String!`).join('');
  const listings = indexes
    .map(i => `    baseDir${i}: object(expression: $baseDir${i}) { ... on Tree { oid entries { name oid type mode } } }
    headDir${i}: object(expression: $headDir${i}) { ... on Tree { oid } }`)
    .join('\n');
  return `query PostgresGitopsState($owner: String!, $repo: String!, $baseRef: String!, $headRef: String!, $requestPath: String!${variables}) {
  repository(owner: $owner, name: $repo) {
    base: ref(qualifiedName: $baseRef) { target { oid ... on Commit { tree { oid } } } }
    head: ref(qualifiedName: $headRef) {
      target { oid ... on Commit { author { email } } }
      associatedPullRequests(states: OPEN, first: 1) { nodes { number url } }
    }
    request: object(expression: $requestPath) { ... on Blob { text } }
${listings}
  }
}`;
}

interface GraphqlEntry {
  name: string;
  oid: string;
  type: string;
  /** The mode as a number: 33188 is 0o100644, 16384 a tree (as GitHub answers, e.g. github.com/k0shk0sh/FastHub/issues/1847). */
  mode: number;
}

/** The modes of a path that is not a directory: a file, an executable, a link, a submodule. */
export type LeafMode = '100644' | '100755' | '120000' | '160000';

/** A path that is not a tree (a file, a link, a submodule) as GitHub lists it. */
export interface Leaf {
  oid: string;
  mode: LeafMode;
  type: 'blob' | 'commit';
}

export interface StateResult {
  repository: ({
    base: { target: { oid: string; tree: { oid: string } } } | null;
    head: { target: { oid: string; author?: { email: string | null } | null }; associatedPullRequests: { nodes: PullRequestRef[] } } | null;
    request: { text?: string } | null;
  } & Record<`baseDir${number}`, { oid?: string; entries?: GraphqlEntry[] } | null> &
    Record<`headDir${number}`, { oid?: string } | null>) | null;
}

/** One directory of the change as the repository holds it. */
export interface DirectoryState {
  directory: string;
  /** Its tree id on the base branch, when it is a directory there. */
  baseTree?: string;
  /** Its tree id on the pull request's branch, when the branch has it. */
  headTree?: string;
  /** Every path below it on the base branch that is not a directory, relative to it. */
  leaves: Map<string, Leaf>;
}

/**
 * The paths below a directory on the base branch. The GraphQL read listed its first level; only
 * when that holds a subdirectory is the whole tree read (one REST call, `recursive`), so a flat
 * database directory costs no request beyond the GraphQL one.
 */
export async function readDirectory(client: Octokit, owner: string, repo: string, directory: string, state: NonNullable<StateResult['repository']>, index: number): Promise<DirectoryState> {
  const base = state[`baseDir${index}`];
  const head = state[`headDir${index}`];
  const leaves = new Map<string, Leaf>();
  const entries = base?.oid ? (base.entries ?? []) : [];
  if (!entries.some(e => e.type === 'tree')) {
    for (const e of entries) leaves.set(e.name, { oid: e.oid, mode: e.mode.toString(8).padStart(6, '0') as LeafMode, type: e.type === 'commit' ? 'commit' : 'blob' });
  } else {
    const { data } = await client.rest.git.getTree({ owner, repo, tree_sha: base!.oid!, recursive: 'true' });
    if (data.truncated) {
      throw new Error(`${directory} holds more entries than GitHub lists in one tree (its listing came back truncated); nothing was written`);
    }
    for (const e of data.tree) {
      if (e.type !== 'tree' && e.path && e.sha && e.mode) leaves.set(e.path, { oid: e.sha, mode: e.mode as LeafMode, type: e.type === 'commit' ? 'commit' : 'blob' });
    }
  }
  return { directory, baseTree: base?.oid, headTree: head?.oid, leaves };
}
