import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { RenderedDatabase } from '@postgres-gitops/renderer';

/** `kubectl kustomize` over the database's directory, written to a temporary state store: kind/name of what it builds. */
export function kustomizeBuild(db: RenderedDatabase): string[] {
  const root = mkdtempSync(join(tmpdir(), 'pgg-kustomize-'));
  try {
    for (const [path, content] of Object.entries(db.files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content);
    }
    const built = execFileSync('kubectl', ['kustomize', join(root, db.directory)], { encoding: 'utf8' });
    return parseAllDocuments(built).map(d => d.toJS()).map(o => `${o.kind}/${o.metadata.name}`).sort();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
