import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

/**
 * The fake's git objects and refs, kept in a real bare repository: every object the fake stores
 * is written into it as a loose object (git's own format: zlib of "type size\0body") and every ref
 * as a ref, and a fake started on an existing repository reads all its objects and refs first.
 * What a publisher produced through the fake can so be read, and compared byte for byte, with git
 * itself. Held in memory as well, so the fake answers without running git.
 */
export interface Entry {
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
}

export interface Commit {
  sha: string;
  tree: string;
  parents: string[];
  message: string;
  authorEmail?: string;
}

const hash = (type: string, body: Buffer) => createHash('sha1').update(`${type} ${body.length}\0`).update(body).digest('hex');

/** Git's order of tree entries: by the bytes of the names, a directory as if it ended in "/". */
function gitOrder([a, ea]: [string, Entry], [b, eb]: [string, Entry]): number {
  return Buffer.compare(Buffer.from(ea.type === 'tree' ? `${a}/` : a), Buffer.from(eb.type === 'tree' ? `${b}/` : b));
}

const git = (repository: string, args: string[], input?: string) => execFileSync('git', ['--git-dir', repository, ...args], { input, maxBuffer: 1 << 30, stdio: ['pipe', 'pipe', 'pipe'] });

export class GitObjects {
  readonly blobs = new Map<string, string>();
  readonly trees = new Map<string, Map<string, Entry>>();
  readonly commits = new Map<string, Commit>();
  private readonly fanOut = new Set<string>();

  /** `repository`: a bare repository, which receives every object stored from now on. */
  constructor(readonly repository: string) {}

  /** Reads every object of the repository (loose and packed). */
  load(): void {
    const out = git(this.repository, ['cat-file', '--batch-all-objects', '--batch']);
    let at = 0;
    while (at < out.length) {
      const newline = out.indexOf(10, at);
      const [sha, type, size] = out.subarray(at, newline).toString('latin1').split(' ');
      const body = out.subarray(newline + 1, newline + 1 + Number(size));
      at = newline + 1 + Number(size) + 1;
      if (type === 'blob') this.blobs.set(sha, body.toString('utf8'));
      else if (type === 'tree') this.trees.set(sha, parseTree(body));
      else if (type === 'commit') this.commits.set(sha, parseCommit(sha, body.toString('utf8')));
    }
  }

  /** Stores an object in the repository, unless it is there already (every object the fake knows is). */
  private write(type: 'blob' | 'tree' | 'commit', body: Buffer): string {
    const sha = hash(type, body);
    if ({ blob: this.blobs, tree: this.trees, commit: this.commits }[type].has(sha)) return sha;
    const dir = join(this.repository, 'objects', sha.slice(0, 2));
    if (!this.fanOut.has(dir)) mkdirSync(dir, { recursive: true }), this.fanOut.add(dir);
    try {
      writeFileSync(join(dir, sha.slice(2)), deflateSync(Buffer.concat([Buffer.from(`${type} ${body.length}\0`), body]), { level: 1 }), { flag: 'wx', mode: 0o444 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    return sha;
  }

  putBlob(content: string): string {
    const sha = this.write('blob', Buffer.from(content, 'utf8'));
    this.blobs.set(sha, content);
    return sha;
  }

  putTree(entries: Map<string, Entry>): string {
    const sorted = [...entries.entries()].sort(gitOrder);
    const body = Buffer.concat(sorted.map(([name, e]) => Buffer.concat([Buffer.from(`${e.mode.replace(/^0+/, '')} ${name}\0`), Buffer.from(e.sha, 'hex')])));
    const sha = this.write('tree', body);
    this.trees.set(sha, new Map(sorted));
    return sha;
  }

  putCommit(tree: string, parents: string[], message: string, authorEmail = 'fake@example.test'): string {
    const body = Buffer.from(`tree ${tree}\n${parents.map(p => `parent ${p}\n`).join('')}author fake <${authorEmail}> 0 +0000\ncommitter fake <fake@example.test> 0 +0000\n\n${message}`);
    const sha = this.write('commit', body);
    this.commits.set(sha, { sha, tree, parents, message, authorEmail });
    return sha;
  }

  /** Every path below a tree that is not a tree, as path -> entry. */
  entriesBelow(treeSha: string, prefix = ''): Map<string, Entry> {
    const files = new Map<string, Entry>();
    for (const [name, entry] of this.trees.get(treeSha) ?? []) {
      const path = prefix ? `${prefix}/${name}` : name;
      if (entry.type === 'tree') for (const [p, e] of this.entriesBelow(entry.sha, path)) files.set(p, e);
      else files.set(path, entry);
    }
    return files;
  }

  /** Every file below a tree, as path -> blob sha. */
  flatten(treeSha: string): Map<string, string> {
    return new Map([...this.entriesBelow(treeSha)].map(([path, entry]) => [path, entry.sha]));
  }

  /** Builds nested trees from path -> entry (or blob sha, mode 100644); returns the root tree sha. Git keeps no empty tree below the root. */
  buildTree(files: Map<string, Entry | string>): string {
    type Node = Map<string, Node | Entry>;
    const root: Node = new Map();
    for (const [path, leaf] of files) {
      const parts = path.split('/');
      let node = root;
      for (const dir of parts.slice(0, -1)) {
        if (!(node.get(dir) instanceof Map)) node.set(dir, new Map());
        node = node.get(dir) as Node;
      }
      node.set(parts[parts.length - 1], typeof leaf === 'string' ? { mode: '100644', type: 'blob', sha: leaf } : leaf);
    }
    const write = (node: Node): string => {
      const entries = new Map<string, Entry>();
      for (const [name, child] of node) entries.set(name, child instanceof Map ? { mode: '040000', type: 'tree', sha: write(child) } : child);
      return this.putTree(entries);
    };
    return write(root);
  }

  /** Resolves `path` inside a tree to its entry, or undefined. */
  lookup(treeSha: string, path: string): Entry | undefined {
    if (path === '') return { mode: '040000', type: 'tree', sha: treeSha };
    let current: Entry = { mode: '040000', type: 'tree', sha: treeSha };
    for (const part of path.split('/')) {
      if (current.type !== 'tree') return undefined;
      const next = this.trees.get(current.sha)?.get(part);
      if (!next) return undefined;
      current = next;
    }
    return current;
  }
}

function parseTree(body: Buffer): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  let at = 0;
  while (at < body.length) {
    const space = body.indexOf(32, at);
    const nul = body.indexOf(0, space);
    const mode = body.subarray(at, space).toString('latin1').padStart(6, '0');
    const name = body.subarray(space + 1, nul).toString('utf8');
    const sha = body.subarray(nul + 1, nul + 21).toString('hex');
    entries.set(name, { mode, type: mode === '040000' ? 'tree' : mode === '160000' ? 'commit' : 'blob', sha });
    at = nul + 21;
  }
  return entries;
}

function parseCommit(sha: string, text: string): Commit {
  const blank = text.indexOf('\n\n');
  const headers = text.slice(0, blank).split('\n');
  const value = (name: string) => headers.filter(h => h.startsWith(`${name} `)).map(h => h.slice(name.length + 1));
  return { sha, tree: value('tree')[0], parents: value('parent'), message: text.slice(blank + 2), authorEmail: /<([^>]*)>/.exec(value('author')[0] ?? '')?.[1] };
}

/**
 * The repository's refs, written through: setting one writes it (a loose ref), deleting one
 * removes it with git (it may be packed).
 */
export class GitRefs extends Map<string, string> {
  private repository?: string;

  /** Reads the refs of the repository, then writes every change to it. */
  attach(repository: string): this {
    for (const line of git(repository, ['for-each-ref', '--format=%(objectname) %(refname)']).toString('utf8').split('\n').filter(Boolean)) {
      const [sha, name] = line.split(' ');
      super.set(name, sha);
    }
    this.repository = repository;
    return this;
  }

  override set(name: string, sha: string): this {
    if (this.repository) {
      mkdirSync(join(this.repository, name, '..'), { recursive: true });
      writeFileSync(join(this.repository, name), `${sha}\n`);
    }
    return super.set(name, sha);
  }

  override delete(name: string): boolean {
    const had = super.delete(name);
    if (had && this.repository) git(this.repository, ['update-ref', '-d', name]);
    return had;
  }
}

/** A new bare repository whose default branch is `branch`. */
export function initRepository(path: string, branch: string): void {
  rmSync(path, { recursive: true, force: true });
  execFileSync('git', ['init', '-q', '--bare', `--initial-branch=${branch}`, path]);
}
