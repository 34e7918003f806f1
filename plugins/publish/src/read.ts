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
