import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parse } from 'yaml';
import { renderDatabase } from '@postgres-gitops/renderer';

/**
 * Golden files for the seed promise's two example requests, reviewed by hand. A change to the
 * renderer that changes them must be reviewed again: run `UPDATE_GOLDEN=1 npx jest test/golden`.
 */
const EXAMPLES = ['basic', 'production'];
const GOLDEN = join(__dirname, 'golden');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(e => e.isFile())
    .map(e => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

describe.each(EXAMPLES)('golden files: %s example', example => {
  const request = parse(readFileSync(join(__dirname, '..', 'renderer', 'examples', `${example}.yaml`), 'utf8'));
  const db = renderDatabase(request);
  const dir = join(GOLDEN, example);

  if (process.env.UPDATE_GOLDEN) {
    rmSync(dir, { recursive: true, force: true });
    for (const [path, content] of Object.entries(db.files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
  }

  it('has exactly the golden file list', () => {
    expect(existsSync(dir)).toBe(true);
    expect(filesUnder(dir)).toEqual(Object.keys(db.files).sort());
  });

  it.each(Object.keys(db.files))('%s matches byte for byte', path => {
    expect(db.files[path]).toBe(readFileSync(join(dir, path), 'utf8'));
  });
});
