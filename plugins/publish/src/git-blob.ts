import { createHash } from 'node:crypto';

/** The object id git gives a file's content, to compare with a tree without fetching blobs. */
export function gitBlobSha(content: string): string {
  const body = Buffer.from(content, 'utf8');
  return createHash('sha1').update(`blob ${body.length}\0`).update(body).digest('hex');
}
