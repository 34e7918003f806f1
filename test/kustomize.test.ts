import { renderDatabase } from '@postgres-gitops/renderer';
import { kustomizeBuild } from './support/kustomize';
import { FEATURE_SETS, kratixRequest } from './support/requests';

/** `kubectl kustomize` (kubectl 1.32 from the image) builds every rendered database directory. */
describe('kubectl kustomize builds each database directory', () => {
  const cases = FEATURE_SETS.flatMap(features => (['small', 'large'] as const).map(size => ({ size, ...features })));

  it.each(cases)('%j', spec => {
    const db = renderDatabase(kratixRequest('orders', spec));
    // Exactly the manifests: request.yaml and catalog-info.yaml are never applied.
    expect(kustomizeBuild(db)).toEqual(db.manifests.map(m => `${m.kind}/${m.metadata.name}`).sort());
  });
});
