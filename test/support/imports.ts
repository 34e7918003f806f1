import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

export interface ImportEdge {
  from: string;
  to: string;
}

const IMPORT = /^\s*(?:import|export)\s[^'";]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]|require\(['"]([^'"]+)['"]\)|import\(['"]([^'"]+)['"]\)/gm;

function sourceFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter(e => e.isFile() && /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts'))
    .filter(e => !(e.parentPath ?? (e as unknown as { path: string }).path).includes('__testUtils__'))
    .map(e => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name));
}

/** Every relative import between source files below `root`, as paths relative to it (no extension). */
export function relativeImports(root: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of sourceFiles(root)) {
    const from = relative(root, file).split(sep).join('/').replace(/\.tsx?$/, '');
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = match[1] ?? match[2] ?? match[3] ?? match[4];
      if (!spec.startsWith('.')) continue;
      const to = relative(root, resolve(dirname(file), spec)).split(sep).join('/');
      edges.push({ from, to });
    }
  }
  return edges;
}

/** Every package import (not relative) of the source files below `root`; JSX compiles to imports of react/jsx-runtime. */
export function packageImports(root: string): { from: string; to: string }[] {
  const edges: { from: string; to: string }[] = [];
  for (const file of sourceFiles(root)) {
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = match[1] ?? match[2] ?? match[3] ?? match[4];
      if (!spec.startsWith('.')) edges.push({ from: relative(root, file), to: spec });
    }
    if (file.endsWith('.tsx')) edges.push({ from: relative(root, file), to: 'react/jsx-runtime' });
  }
  return edges;
}
