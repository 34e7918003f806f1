import { createHash } from 'node:crypto';
import { gitBlobSha } from './git-blob';
import type { FileSet } from './types';

/** One entry of a tree object: its mode as ls-tree prints it ("040000", "100644"), object id and name. */
export interface TreeObjectEntry {
  mode: string;
  oid: string;
  name: string;
}

/** Git orders a tree's entries by the bytes of their names, a directory as if its name ended in "/". */
const sortKey = (e: TreeObjectEntry) => Buffer.from(e.mode === '040000' || e.mode === '40000' ? `${e.name}/` : e.name);

/**
 * The id git gives the tree object of these entries, as `git mktree` writes it: entries in git's
 * order, each "<mode without leading zero> <name>\0<20-byte id>" (git's tree.c and fsck's
 * verify_ordered). Computed here so that trees can be written in one batch and compared by id.
 */
export function treeObjectOid(entries: TreeObjectEntry[]): string {
  const body = Buffer.concat(
    entries
      .map(e => [sortKey(e), e] as const)
      .sort(([a], [b]) => Buffer.compare(a, b))
      .flatMap(([, e]) => [Buffer.from(`${e.mode.replace(/^0+/, '')} ${e.name}\0`), Buffer.from(e.oid, 'hex')]),
  );
  return createHash('sha1').update(`tree ${body.length}\0`).update(body).digest('hex');
}

type Node = Map<string, Node | string>;

function hashTree(node: Node): string {
  return treeObjectOid([...node.entries()].map(([name, child]) => (typeof child === 'string' ? { mode: '100644', oid: child, name } : { mode: '040000', oid: hashTree(child), name })));
}

/**
 * The id git gives the tree of these files (paths relative to it, every file mode 100644), as
 * `git mktree` writes it: computed here, so a directory compares with a listing by one id.
 * Undefined without files (git keeps no empty directory).
 */
export function treeOid(files: FileSet): string | undefined {
  const root: Node = new Map();
  for (const [path, content] of Object.entries(files)) {
    const names = path.split('/');
    let node = root;
    for (const name of names.slice(0, -1)) {
      let next = node.get(name);
      if (typeof next !== 'object') node.set(name, (next = new Map()));
      node = next;
    }
    node.set(names[names.length - 1], gitBlobSha(content));
  }
  return root.size > 0 ? hashTree(root) : undefined;
}
