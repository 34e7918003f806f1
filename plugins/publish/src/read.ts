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
