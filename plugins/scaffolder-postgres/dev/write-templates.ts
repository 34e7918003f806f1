import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { templateFiles } from '../src/templates';

/** Writes templates/ from the code that generates it (run by `npm run templates`). */
const root = join(__dirname, '..', '..', '..', '..');
for (const [path, content] of Object.entries(templateFiles())) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
  process.stdout.write(`wrote ${path}\n`);
}
