import { createHash } from 'node:crypto';

/** A minimal git object store with real object ids, so trees and blobs compare like GitHub's. */
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

export class GitObjects {
  readonly blobs = new Map<string, string>();
  readonly trees = new Map<string, Map<string, Entry>>();
  readonly commits = new Map<string, Commit>();

  putBlob(content: string): string {
    const sha = hash('blob', Buffer.from(content, 'utf8'));
    this.blobs.set(sha, content);
    return sha;
  }

  putTree(entries: Map<string, Entry>): string {
    const sorted = [...entries.entries()].sort(([a, ea], [b, eb]) => {
      // git sorts tree entries as if directories had a trailing slash
      const ka = ea.type === 'tree' ? `${a}/` : a;
      const kb = eb.type === 'tree' ? `${b}/` : b;
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
    const body = Buffer.concat(sorted.map(([name, e]) => Buffer.concat([Buffer.from(`${e.mode.replace(/^0+/, '')} ${name}\0`), Buffer.from(e.sha, 'hex')])));
    const sha = hash('tree', body);
    this.trees.set(sha, new Map(sorted));
    return sha;
  }

  putCommit(tree: string, parents: string[], message: string, authorEmail = 'fake@example.test'): string {
    const body = Buffer.from(`tree ${tree}\n${parents.map(p => `parent ${p}\n`).join('')}author fake <${authorEmail}> 0 +0000\ncommitter fake <fake@example.test> 0 +0000\n\n${message}`);
    const sha = hash('commit', body);
    this.commits.set(sha, { sha, tree, parents, message, authorEmail });
    return sha;
  }

  /** Every file below a tree, as path -> blob sha. */
  flatten(treeSha: string, prefix = ''): Map<string, string> {
    const files = new Map<string, string>();
    for (const [name, entry] of this.trees.get(treeSha) ?? []) {
      const path = prefix ? `${prefix}/${name}` : name;
      if (entry.type === 'tree') for (const [p, s] of this.flatten(entry.sha, path)) files.set(p, s);
      else files.set(path, entry.sha);
    }
    return files;
  }

  /** Builds nested trees from a flat path -> blob sha map; returns the root tree sha. */
  buildTree(files: Map<string, string>): string {
    const root = new Map<string, Map<string, string> | string>();
    for (const [path, sha] of files) {
      const parts = path.split('/');
      let node = root;
      for (const dir of parts.slice(0, -1)) {
        if (!node.has(dir)) node.set(dir, new Map());
        node = node.get(dir) as Map<string, Map<string, string> | string>;
      }
      node.set(parts[parts.length - 1], sha);
    }
    const write = (node: Map<string, Map<string, string> | string>): string => {
      const entries = new Map<string, Entry>();
      for (const [name, child] of node) {
        entries.set(name, typeof child === 'string' ? { mode: '100644', type: 'blob', sha: child } : { mode: '040000', type: 'tree', sha: write(child as never) });
      }
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
