import type { Publisher, PublishTarget } from './types';

/** The request file of a directory on the base branch, read without writing: its text, or null when the directory has none. */
export async function readStoredRequest(publisher: Publisher, target: PublishTarget): Promise<string | null> {
  const session = await publisher.open(target);
  try {
    return session.existingRequest ?? null;
  } finally {
    await session.close();
  }
}

/**
 * The request file a create's pull request branch already holds (an earlier run of the same
 * create), or null: none there, no such branch, or the branch cannot be read. Only what that run
 * recorded is taken from it (renderer creationAnnotations), so a failed read costs a new record.
 */
export async function readProposedRequest(publisher: Publisher, target: PublishTarget): Promise<string | null> {
  try {
    return (await publisher.readBaseFile(target.branch, `${target.directory}/${target.requestFile}`)) ?? null;
  } catch {
    return null;
  }
}

/**
 * A reader of stored requests by directory (the world rules' reader, renderer readWorld) whose
 * reads asked for in the same tick go out together as one publisher.readBaseFiles: a create's
 * sources and namesakes cost one GraphQL query on GitHub, one shallow clone on a git remote.
 * Text, or null when the directory holds no request file.
 */
export function storedRequestReader(publisher: Publisher, baseBranch: string, requestFile: string): (directory: string) => Promise<string | null> {
  let pending: { path: string; resolve: (text: string | null) => void; reject: (error: unknown) => void }[] = [];
  const flush = () => {
    const batch = pending;
    pending = [];
    const paths = [...new Set(batch.map(b => b.path))];
    publisher.readBaseFiles(baseBranch, paths).then(
      texts => batch.forEach(b => b.resolve(texts[paths.indexOf(b.path)] ?? null)),
      error => batch.forEach(b => b.reject(error)),
    );
  };
  return directory =>
    new Promise((resolve, reject) => {
      if (pending.length === 0) setImmediate(flush);
      pending.push({ path: `${directory}/${requestFile}`, resolve, reject });
    });
}
