import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GitRunner } from './git-runner';

/** One line of `git ls-tree`: a file (blob) or a directory (tree) of a tree object. */
export interface TreeEntry {
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  oid: string;
  name: string;
}

/** A commit and its root tree. */
export interface CommitRef {
  commit: string;
  tree: string;
}

/** One line of `ls-tree -z`: "<mode> <type> <oid>\t<name>". */
function parseEntry(line: string): TreeEntry {
  const tab = line.indexOf('\t');
  const [mode, type, oid] = line.slice(0, tab).split(' ');
  return { mode, type: type as TreeEntry['type'], oid, name: line.slice(tab + 1) };
}

/**
 * Git plumbing on a partial repository that holds only what one change needs: the base commit,
 * the trees along the paths it touches, and the blobs it reads. Objects are fetched one by one
 * from the remote (a wanted tree comes alone under `--filter=tree:0`; a directory listed whole
 * comes with the trees below it under `blob:none`), so the cost depends on the depth of a path
 * and the size of the directories it lists, not on the size of the store. Lazy fetching is off: a command
 * that would need a missing object fails instead of quietly fetching every tree below it.
 * Every command speaks (no `-q`): simple-git waits 50 ms more for a command that prints nothing.
 */
export class GitTrees {
  private readonly listed = new Map<string, TreeEntry[]>();
  /** Objects fetched (a tree, or a tree with every tree below it), so none is asked for twice. */
  private readonly present = new Set<string>();
  /** The server ignored the filter and sent the whole tree with the commit: nothing is fetched. */
  private complete = false;

  /** `gitDir` is the repository the runner's git works on (its GIT_DIR). */
  constructor(
    private readonly gitDir: string,
    readonly git: GitRunner,
  ) {}

  /**
   * Creates the repository as a clone of one branch of the remote that holds its commit only
   * (no tree, no blob): the branch's commit, or undefined when the remote has no such branch.
   */
  async cloneBranch(remote: string, branch: string): Promise<CommitRef | undefined> {
    try {
      await this.git(['clone', '--bare', '--depth=1', '--filter=tree:0', '--no-tags', '--single-branch', '--branch', branch, remote, this.gitDir]);
    } catch (error) {
      if (/Remote branch .* not found in upstream|couldn't find remote ref/i.test(String((error as Error).message))) return undefined;
      throw error;
    }
    const base = await this.commitOf(`refs/heads/${branch}`);
    this.complete = await this.git(['cat-file', '-t', base.tree]).then(() => true, () => false);
    return base;
  }

  /** The commit a remote ref points at, fetched without its trees; undefined when the ref does not exist. */
  async fetchCommit(ref: string): Promise<CommitRef | undefined> {
    try {
      await this.git(['-c', 'fetch.negotiationAlgorithm=noop', 'fetch', '--depth=1', '--filter=tree:0', '--no-tags', 'origin', ref]);
    } catch (error) {
      if (/couldn't find remote ref/i.test(String((error as Error).message))) return undefined;
      throw error;
    }
    return this.commitOf('FETCH_HEAD');
  }

  private async commitOf(rev: string): Promise<CommitRef> {
    // One process names the commit and prints it ("<oid> commit <size>", then the object); the
    // tree is read from the object itself: peeling with rev-parse (or show) would want the absent tree.
    const printed = await this.git(['cat-file', '--batch'], `${rev}\n`);
    const commit = /^([0-9a-f]{40,64}) commit \d+\n/.exec(printed)?.[1];
    const tree = /^tree ([0-9a-f]+)$/m.exec(printed)?.[1];
    if (!commit || !tree) throw new Error(`git cat-file found no commit at ${rev}: ${printed.split('\n')[0]}`);
    return { commit, tree };
  }

  /** Brings one object from the remote: under tree:0 a tree comes alone, under blob:none with every tree below it. */
  private async fetchObject(oid: string, filter: 'tree:0' | 'blob:none') {
    if (this.complete || this.present.has(oid)) return;
    await this.git(['-c', 'fetch.negotiationAlgorithm=noop', 'fetch', `--filter=${filter}`, '--no-tags', 'origin', oid]);
    this.present.add(oid);
  }

  /** The entries of a tree, fetching the tree itself when it is not here yet. */
  async entries(tree: string): Promise<TreeEntry[]> {
    const known = this.listed.get(tree);
    if (known) return known;
    await this.fetchObject(tree, 'tree:0');
    const entries = (await this.git(['ls-tree', '-z', tree])).split('\0').filter(Boolean).map(parseEntry);
    this.listed.set(tree, entries);
    return entries;
  }

  /**
   * Every path below a tree that is not a tree, at any depth, by path relative to it: the tree
   * comes with all the trees below it in one fetch (no blob), and is listed by one command.
   */
  async leavesBelow(tree: string): Promise<TreeEntry[]> {
    await this.fetchObject(tree, 'blob:none');
    const lines = (await this.git(['ls-tree', '-r', '-t', '-z', tree])).split('\0').filter(Boolean);
    const entries = lines.map(parseEntry);
    for (const e of entries) if (e.type === 'tree') this.present.add(e.oid);
    return entries.filter(e => e.type !== 'tree');
  }

  /** The object at a path below a tree ("a/b/c"), or undefined when there is none. */
  async resolve(tree: string, path: string): Promise<TreeEntry | undefined> {
    let entry: TreeEntry | undefined = { mode: '040000', type: 'tree', oid: tree, name: '' };
    for (const name of path.split('/').filter(Boolean)) {
      if (entry.type !== 'tree') return undefined;
      entry = (await this.entries(entry.oid)).find(e => e.name === name);
      if (!entry) return undefined;
    }
    return entry;
  }

  async blobText(oid: string): Promise<string> {
    await this.fetchObject(oid, 'blob:none');
    return this.git(['cat-file', 'blob', oid]);
  }

  /** Writes file contents as blobs: their object ids, in order. */
  async writeBlobs(contents: string[]): Promise<string[]> {
    if (contents.length === 0) return [];
    // One process for every blob: fast-import takes them inline and reports each mark's id.
    const stream = contents.map((c, i) => `blob\nmark :${i + 1}\ndata ${Buffer.byteLength(c)}\n${c}\n`).join('');
    const marks = join(this.gitDir, 'postgres-gitops-marks');
    await this.git(['fast-import', `--export-marks=${marks}`], stream);
    const ids = new Map((await readFile(marks, 'utf8')).split('\n').filter(Boolean).map(l => {
      const [mark, oid] = l.split(' ');
      return [Number(mark.slice(1)), oid] as const;
    }));
    return contents.map((_, i) => ids.get(i + 1)!);
  }

  /**
   * Writes tree objects, each from its entries (which may name objects this repository does not
   * hold), in one `git mktree --batch` process: a tree ends with an empty record. `expected` are the
   * ids computed beforehand (a parent names its children by them); git's own must agree.
   */
  async writeTrees(listings: TreeEntry[][], expected: string[]): Promise<void> {
    if (listings.length === 0) return;
    const input = listings.map(entries => `${entries.map(e => `${e.mode} ${e.type} ${e.oid}\t${e.name}\0`).join('')}\0`).join('');
    const written = (await this.git(['mktree', '-z', '--missing', '--batch'], input)).split('\n').filter(Boolean);
    const differ = written.length !== expected.length || written.some((oid, i) => oid !== expected[i]);
    if (differ) throw new Error(`git mktree wrote trees ${written.join(', ')} where ${expected.join(', ')} were computed`);
  }
}
