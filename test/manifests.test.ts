import { parse } from 'yaml';
import { renderDatabase, DEFAULT_PLATFORM, platformSettingsSchema, PROFILES, type RenderedDatabase } from '@postgres-gitops/renderer';
import { validateObject } from './support/validate';
import { podSpecsOf, restrictedViolations } from './support/pod-security';
import { allCombinations, describeCombination, kratixRequest } from './support/requests';

const combinations = allCombinations();
const rendered: [string, RenderedDatabase][] = combinations.map(c => {
  const { size, version, ...features } = c;
  return [describeCombination(c), renderDatabase(kratixRequest('orders', { size, version, ...features }))];
});
// Profiles, platform variants and the largest replica count on top of the seed's flags.
const platformVariant = platformSettingsSchema.parse({
  imageRegistry: 'registry.example.com/mirror',
  imagePullSecrets: ['registry-creds'],
  createNamespace: true,
  credentials: { source: 'existing-secret' },
  stateStore: { browseUrl: 'https://github.com/acme/state/tree/main' },
});
for (const profile of PROFILES) {
  rendered.push([`profile ${profile}`, renderDatabase(kratixRequest('orders', { profile, replicas: 3, allowedNamespaces: ['web', 'jobs'], storageClass: 'fast' }))]);
  rendered.push([`profile ${profile}, platform variant`, renderDatabase(kratixRequest('orders', { profile, size: 'large' }), platformVariant)]);
}

describe('every rendered object', () => {
  it('covers every size, version and feature combination (3 x 6 x 12)', () => {
    expect(combinations).toHaveLength(216);
  });

  it.each(rendered)('%s: passes schema validation', (_label, db) => {
    const problems = db.manifests.flatMap(m => validateObject(m).map(p => `${m.kind}/${m.metadata.name}: ${p}`));
    expect(problems).toEqual([]);
  });

  it.each(rendered)('%s: sets metadata.namespace (the Namespace itself aside) and the standard labels', (_label, db) => {
    for (const m of db.manifests) {
      if (m.kind === 'Namespace') continue;
      expect(m.metadata.namespace).toBe(db.plan.namespace);
      // ExternalSecrets carry no version: External Secrets refreshes one whose labels change, and a refresh is a new password.
      const standard = m.kind === 'ExternalSecret' ? ['name', 'instance', 'component', 'part-of', 'managed-by'] : ['name', 'instance', 'component', 'part-of', 'managed-by', 'version'];
      for (const label of standard) {
        expect(m.metadata.labels).toHaveProperty([`app.kubernetes.io/${label}`]);
      }
      if (m.kind === 'ExternalSecret') expect(m.metadata.labels).not.toHaveProperty(['app.kubernetes.io/version']);
    }
  });

  it.each(rendered)('%s: every pod meets the restricted Pod Security Standard', (_label, db) => {
    const pods = db.manifests.flatMap(m => podSpecsOf(m as never).map(spec => [`${m.kind}/${m.metadata.name}`, spec] as const));
    expect(pods.length).toBeGreaterThan(0);
    for (const [where, spec] of pods) expect({ where, problems: restrictedViolations(spec) }).toEqual({ where, problems: [] });
  });

  it.each(rendered)('%s: files parse back to the objects, and Flux substitution has nothing to touch', (_label, db) => {
    for (const [path, content] of Object.entries(db.files)) {
      expect(parse(content)).toBeTruthy();
      expect({ path, hasSubstitution: content.includes('${') }).toEqual({ path, hasSubstitution: false });
    }
  });
});

describe('determinism', () => {
  it('renders byte-identical files for the same request, whatever the key order of the input', () => {
    const a = renderDatabase(kratixRequest('orders', { size: 'large', backup: true, monitoring: true, ssl: true, allowedNamespaces: ['b', 'a'] }));
    const b = renderDatabase({
      spec: { allowedNamespaces: ['a', 'b'], ssl: true, monitoring: true, backup: true, size: 'large' },
      metadata: { namespace: 'team-a', name: 'orders' },
      kind: 'postgresql',
      apiVersion: 'marketplace.kratix.io/v1alpha1',
    });
    expect(b.files).toEqual(a.files);
    expect(Object.keys(b.files)).toEqual(Object.keys(a.files));
  });
});

describe('platform', () => {
  const db = renderDatabase(kratixRequest('orders', { size: 'large', backup: true, monitoring: true }));

  it('uses the default platform when none is given', () => {
    expect(db.plan.platform).toEqual(DEFAULT_PLATFORM);
  });
});
