import { stringify } from 'yaml';
import { renderDatabase } from '@postgres-gitops/renderer';
import { CNPG_PLATFORM, cnpgRequest } from './support/cnpg-requests';

/**
 * A minor upgrade must not rotate an access role's password (review 2 m1): External Secrets
 * refreshes an ExternalSecret whose labels changed (external-secrets v2.9.0
 * pkg/controllers/util/util.go GetResourceVersion hashes labels and annotations), and a refresh
 * over a Password generator is a new password. So a minor bump leaves every generator-backed
 * ExternalSecret byte-identical, access roles' included.
 */
describe('a minor upgrade leaves every password-generating ExternalSecret as it was', () => {
  const access = [{ role: 'analytics', privileges: 'read' }, { role: 'etl', privileges: 'write' }];
  const generating = (minorVersion: string) =>
    renderDatabase(cnpgRequest('orders', { profile: 'prod', version: '17', minorVersion, access }), CNPG_PLATFORM).manifests
      .filter((m: any) => m.kind === 'ExternalSecret' && m.spec.dataFrom?.some((d: any) => d.sourceRef?.generatorRef))
      .map(m => stringify(m));

  it('cloudnative-pg with access roles: 17.5 and 17.7 render the same generator-backed ExternalSecrets', () => {
    const before = generating('17.5');
    expect(before.filter(y => y.includes('role-analytics'))).toHaveLength(1);
    expect(generating('17.7')).toEqual(before);
  });
});
