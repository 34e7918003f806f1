import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { DEFAULT_PLATFORM, type FileSet, parsePlatformSettings, parseYamlInput, type PlatformSettings } from '@postgres-gitops/renderer';
import { UsageError } from './exit-codes';

async function readTextFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

export async function readYamlFile(path: string): Promise<unknown> {
  return parseYamlInput(await readTextFile(path), path);
}

export async function loadPlatform(path: string | undefined): Promise<PlatformSettings> {
  if (!path) return DEFAULT_PLATFORM;
  return parsePlatformSettings(await readTextFile(path), path);
}

export async function writeFileSet(root: string, files: FileSet): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const target = join(root, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }
}

/** Every file below `root`, as paths relative to it with forward slashes; skips .git. */
export async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter(e => e.isFile())
    .map(e => relative(root, join(e.parentPath ?? (e as unknown as { path: string }).path, e.name)).split(sep).join('/'))
    .filter(p => !p.startsWith('.git/'))
    .sort();
}
