import { gitBlobSha } from './git-blob';
import type { FileSet } from './types';

/**
 * Whether publishing `files` as the whole of `directory` would change what the base branch holds,
 * compared by git blob ids (no file content is fetched).
 */
export function wouldChange(files: FileSet, directory: string, existingBlobs: Record<string, string>): boolean {
  const wanted = Object.entries(files).filter(([path]) => path.startsWith(`${directory}/`));
  const present = Object.keys(existingBlobs).filter(path => path.startsWith(`${directory}/`));
  if (wanted.length !== present.length) return true;
  return wanted.some(([path, content]) => existingBlobs[path] !== gitBlobSha(content));
}
