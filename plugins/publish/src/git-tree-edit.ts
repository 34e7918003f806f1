import { treeObjectOid } from './git-tree-oid';
import type { GitTrees, TreeEntry } from './git-trees';

/** A path's new content: a tree or blob id, or undefined to remove it. */
type Edits = Map<string, TreeEntry | undefined>;

/**
 * The trees one change writes, children before parents: each one's id is computed when it is
 * added (a parent names its children by id), and all are written by one git process at the end.
 */
class NewTrees {
  readonly listings: TreeEntry[][] = [];
  readonly oids: string[] = [];

  add(entries: TreeEntry[]): string {
    const oid = treeObjectOid(entries);
    this.listings.push(entries);
    this.oids.push(oid);
    return oid;
  }
}

/**
 * A tree from files by path relative to it ("a.yaml", "sub/b.yaml"), nested as the paths say.
 * Blob ids are given; nothing is read.
 */
function treeOfFiles(out: NewTrees, files: [string, string][]): string {
  const here: TreeEntry[] = [];
  const below = new Map<string, [string, string][]>();
  for (const [path, oid] of files) {
    const slash = path.indexOf('/');
    if (slash < 0) here.push({ mode: '100644', type: 'blob', oid, name: path });
    else below.set(path.slice(0, slash), [...(below.get(path.slice(0, slash)) ?? []), [path.slice(slash + 1), oid]]);
  }
  for (const [name, inner] of below) here.push({ mode: '040000', type: 'tree', oid: treeOfFiles(out, inner), name });
  return out.add(here);
}

/**
 * The tree with every edit applied, reading only the trees along the edited paths; undefined
 * when nothing is left in it (git keeps no empty directories).
 */
async function applyEdits(trees: GitTrees, out: NewTrees, tree: string | undefined, edits: Edits): Promise<string | undefined> {
  const entries = new Map((tree ? await trees.entries(tree) : []).map(e => [e.name, e]));
  const nested = new Map<string, Edits>();
  for (const [path, entry] of edits) {
    const slash = path.indexOf('/');
    if (slash < 0) {
      if (entry) entries.set(path, { ...entry, name: path });
      else entries.delete(path);
      continue;
    }
    const [head, rest] = [path.slice(0, slash), path.slice(slash + 1)];
    nested.set(head, (nested.get(head) ?? new Map()).set(rest, entry));
  }
  for (const [name, inner] of nested) {
    const current = entries.get(name);
    const updated = await applyEdits(trees, out, current?.type === 'tree' ? current.oid : undefined, inner);
    if (updated) entries.set(name, { mode: '040000', type: 'tree', oid: updated, name });
    else entries.delete(name);
  }
  if (entries.size === 0) return undefined;
  return out.add([...entries.values()]);
}

/**
 * The base tree with each directory replaced by the files under it (a directory without files
 * is removed; the files are checked to lie within the directories before), written with
 * plumbing: the trees outside the directories' paths are referenced, never fetched. Blobs take
 * one process (fast-import) and trees another (mktree --batch), however deep the paths.
 */
export async function replaceDirectories(trees: GitTrees, baseTree: string, directories: string[], files: Record<string, string>): Promise<string> {
  const paths = Object.keys(files).sort();
  const blobs = await trees.writeBlobs(paths.map(p => files[p]));
  const out = new NewTrees();
  const edits: Edits = new Map();
  for (const directory of directories) {
    const prefix = `${directory}/`;
    const inside = paths.flatMap((p, i): [string, string][] => (p.startsWith(prefix) ? [[p.slice(prefix.length), blobs[i]]] : []));
    edits.set(directory, inside.length > 0 ? { mode: '040000', type: 'tree', oid: treeOfFiles(out, inside), name: '' } : undefined);
  }
  const root = (await applyEdits(trees, out, baseTree, edits)) ?? out.add([]);
  // The base tree itself, unchanged, is not written again: it is the remote's.
  if (root === baseTree) return root;
  await trees.writeTrees(out.listings, out.oids);
  return root;
}
