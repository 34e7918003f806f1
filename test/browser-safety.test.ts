import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { builtinModules } from 'node:module';

/**
 * The renderer's core runs in a browser too (a live preview in the Backstage form): no Node
 * built-ins and no globals only Node has. Only the CLI does I/O. `npm run typecheck` also
 * compiles the core with DOM types and no Node types, which catches what this scan cannot.
 */
const SRC = join(__dirname, '..', 'renderer', 'src');
const coreFiles = readdirSync(SRC, { recursive: true, withFileTypes: true })
  .filter(e => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
  .map(e => join(e.parentPath, e.name))
  .filter(f => !relative(SRC, f).startsWith('cli'));

const builtins = new Set(builtinModules.flatMap(m => [m, `node:${m}`]));

describe('renderer core is browser-safe', () => {
  it('has core files to check', () => expect(coreFiles.length).toBeGreaterThan(20));

  it.each(coreFiles.map(f => [relative(SRC, f), f]))('%s imports no Node built-in and uses no Node-only global', (_name, file) => {
    const source = readFileSync(file, 'utf8');
    const imports = [...source.matchAll(/(?:from|require\()\s*['"]([^'"]+)['"]/g)].map(m => m[1]);
    expect(imports.filter(i => builtins.has(i))).toEqual([]);
    expect(source).not.toMatch(/\b(Buffer|process|__dirname|require)\b\s*[.(]/);
  });
});
