import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parse } from 'yaml';
import { platformSettingsSchema, renderDatabase } from '@postgres-gitops/renderer';

/**
 * Golden files for the seed promise's two example requests (default platform) and the two
 * CloudNativePG examples (the example platform file), reviewed by hand. A change to the renderer
 * that changes them must be reviewed again: run `UPDATE_GOLDEN=1 npx jest test/golden`.
 */
const EXAMPLES_DIR = join(__dirname, '..', 'renderer', 'examples');
const EXAMPLE_PLATFORM = platformSettingsSchema.parse(parse(readFileSync(join(EXAMPLES_DIR, 'platform.yaml'), 'utf8')));
const EXAMPLES: [string, typeof EXAMPLE_PLATFORM | undefined][] = [
  ['basic', undefined],
  ['production', undefined],
  ['ha-cnpg', EXAMPLE_PLATFORM],
  ['restore-pitr', EXAMPLE_PLATFORM],
  ['migrate-to-cnpg', EXAMPLE_PLATFORM],
];
const GOLDEN = join(__dirname, 'golden');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(e => e.isFile())
    .map(e => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

describe.each(EXAMPLES)('golden files: %s example', (example, platform) => {
  const request = parse(readFileSync(join(EXAMPLES_DIR, `${example}.yaml`), 'utf8'));
  const db = renderDatabase(request, platform);
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
