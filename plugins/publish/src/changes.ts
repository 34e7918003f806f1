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

/** A path git and GitHub both store as given: segments that are not empty, ".", ".." or ".git". */
function isPlainPath(path: string): boolean {
  return path.split('/').every(segment => segment !== '' && segment !== '.' && segment !== '..' && segment.toLowerCase() !== '.git' && !segment.includes('\0'));
}

/** The directories a path is below: "a/b/c" -> "a", "a/b". */
export function ancestorsOf(path: string): string[] {
  const names = path.split('/');
  return names.slice(1).map((_, i) => names.slice(0, i + 1).join('/'));
}

/**
 * Refuses a change that names a file outside its directories, or a path no host would store as
 * written; the same words from every publisher, before anything is written.
 */
export function assertChangeWithin(files: FileSet, directories: string[]): void {
  const badDirectory = directories.find(d => !isPlainPath(d));
  if (badDirectory !== undefined) throw new Error(`not a plain repository path for a directory: "${badDirectory}"`);
  const paths = Object.keys(files);
  const badPath = paths.find(p => !isPlainPath(p));
  if (badPath !== undefined) throw new Error(`not a plain repository path for a file: "${badPath}"`);
  const underAFile = paths.find(p => ancestorsOf(p).some(a => Object.hasOwn(files, a)));
  if (underAFile !== undefined) throw new Error(`"${underAFile}" is below a path the change also gives as a file`);
  const outside = paths.filter(p => !directories.some(d => p.startsWith(`${d}/`)));
  if (outside.length > 0) throw new Error(`files outside the change's directories: ${outside.slice(0, 3).join(', ')}`);
}

/** The files below a directory, by path relative to it. */
export function filesBelow(files: FileSet, directory: string): FileSet {
  const prefix = `${directory}/`;
  return Object.fromEntries(Object.entries(files).flatMap(([path, content]) => (path.startsWith(prefix) ? [[path.slice(prefix.length), content]] : [])));
}
