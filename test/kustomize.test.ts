import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { renderDatabase } from '@postgres-gitops/renderer';
import { FEATURE_SETS, kratixRequest } from './support/requests';

/** `kubectl kustomize` (kubectl 1.32 from the image) builds every rendered database directory. */
describe('kubectl kustomize builds each database directory', () => {
  const cases = FEATURE_SETS.flatMap(features => (['small', 'large'] as const).map(size => ({ size, ...features })));

  it.each(cases)('%j', spec => {
    const db = renderDatabase(kratixRequest('orders', spec));
    const root = mkdtempSync(join(tmpdir(), 'pgg-kustomize-'));
    try {
      for (const [path, content] of Object.entries(db.files)) {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), content);
      }
      const built = execFileSync('kubectl', ['kustomize', join(root, db.directory)], { encoding: 'utf8' });
      const objects = parseAllDocuments(built).map(d => d.toJS());
      // Exactly the manifests: request.yaml and catalog-info.yaml are never applied.
      expect(objects.map(o => `${o.kind}/${o.metadata.name}`).sort()).toEqual(db.manifests.map(m => `${m.kind}/${m.metadata.name}`).sort());
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
