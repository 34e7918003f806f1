import { platformSettingsSchema, RequestValidationError, renderDatabase } from '@postgres-gitops/renderer';
import { CNPG_PLATFORM, cnpgRequest } from './support/cnpg-requests';

/**
 * M9 of the SRE review: new databases start on the minors the platform names (postgres.newestMinor
 * in the state store's platform.yaml, the renderer's list by default), on a CloudNativePG image
 * flavour that is not deprecated (docs/src/index.md of v1.30.0 marks "system" deprecated).
 */
const imageOf = (db: ReturnType<typeof renderDatabase>) => (db.manifests.find(m => m.kind === 'Cluster') as any).spec.imageName;
const issues = (fn: () => unknown) => {
  try {
    fn();
    return [];
  } catch (error) {
    if (error instanceof RequestValidationError) return error.issues.map(i => `${i.path}: ${i.message}`);
    throw error;
  }
};

describe('minors and image flavour from the platform', () => {
  it('by default: current minors, the standard flavour', () => {
    expect(imageOf(renderDatabase(cnpgRequest('orders', { version: '18' }), CNPG_PLATFORM))).toBe('ghcr.io/cloudnative-pg/postgresql:18.4-standard-trixie');
    expect(imageOf(renderDatabase(cnpgRequest('orders', { version: '17' }), CNPG_PLATFORM))).toBe('ghcr.io/cloudnative-pg/postgresql:17.9-standard-trixie');
  });

  it('a platform.yaml that raises a minor and picks a flavour: new databases follow, newer ones than it names are refused', () => {
    const platform = platformSettingsSchema.parse({ ...CNPG_PLATFORM, postgres: { newestMinor: { '17': '17.11' } }, cloudnativePg: { ...CNPG_PLATFORM.cloudnativePg, imageFlavour: 'minimal-trixie' } });
    expect(imageOf(renderDatabase(cnpgRequest('orders', { version: '17' }), platform))).toBe('ghcr.io/cloudnative-pg/postgresql:17.11-minimal-trixie');
    expect(imageOf(renderDatabase(cnpgRequest('orders', { version: '18' }), platform))).toBe('ghcr.io/cloudnative-pg/postgresql:18.4-minimal-trixie');
    expect(issues(() => renderDatabase(cnpgRequest('orders', { version: '17', minorVersion: '17.12' }), platform))).toEqual([
      "spec.minorVersion: 17.12 is newer than this platform knows (newest 17.11); the platform team raises postgres.newestMinor in the state store's platform.yaml",
    ]);
    expect(issues(() => renderDatabase(cnpgRequest('orders', { version: '17', minorVersion: '17.11' }), CNPG_PLATFORM))).toHaveLength(1);
  });

  it('refuses a platform minor of another major and the deprecated system flavour', () => {
    expect(platformSettingsSchema.safeParse({ postgres: { newestMinor: { '17': '16.20' } } }).success).toBe(false);
    expect(platformSettingsSchema.safeParse({ cloudnativePg: { imageFlavour: 'system-trixie' } }).success).toBe(false);
  });
});
