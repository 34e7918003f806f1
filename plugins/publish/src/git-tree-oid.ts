import { createHash } from 'node:crypto';
import { gitBlobSha } from './git-blob';
import type { FileSet } from './types';

type Node = Map<string, Node | string>;

/** Git orders a tree's entries by the bytes of their names, a directory as if its name ended in "/". */
function byGitOrder([a, x]: [string, Node | string], [b, y]: [string, Node | string]): number {
  return Buffer.compare(Buffer.from(typeof x === 'string' ? a : `${a}/`), Buffer.from(typeof y === 'string' ? b : `${b}/`));
}

function hashTree(node: Node): string {
  const body = Buffer.concat(
    [...node.entries()].sort(byGitOrder).flatMap(([name, child]) => {
      const [mode, oid] = typeof child === 'string' ? ['100644', child] : ['40000', hashTree(child)];
      return [Buffer.from(`${mode} ${name}\0`), Buffer.from(oid, 'hex')];
    }),
  );
  return createHash('sha1').update(`tree ${body.length}\0`).update(body).digest('hex');
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
