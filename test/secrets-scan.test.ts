import { renderDatabase, platformSettingsSchema } from '@postgres-gitops/renderer';
import { allCombinations, kratixRequest } from './support/requests';
import { FORBIDDEN } from './support/secret-patterns';

describe('secret scan of every rendered file', () => {
  const requests = allCombinations().map(({ size, version, ...features }) => kratixRequest('orders', { size, version, ...features, username: 'app_user' }));
  const existingSecret = platformSettingsSchema.parse({ credentials: { source: 'existing-secret' } });

  it.each([['external-secrets', undefined], ['existing-secret', existingSecret]] as const)('%s: no password or key material in any file', (_label, platform) => {
    for (const request of requests) {
      for (const [path, content] of Object.entries(renderDatabase(request, platform).files)) {
        for (const [what, pattern] of FORBIDDEN) {
          expect({ path, what, match: pattern.exec(content)?.[0] }).toEqual({ path, what, match: undefined });
        }
      }
    }
  });

  it('the scan finds what it looks for (it can fail)', () => {
    const leaks = [
      'kind: Secret\n',
      'stringData:\n  postgres-password: hunter2hunter2\n',
      'DATABASE_URL: postgresql://app:hunter2@db:5432/app\n',
      '- name: PGPASSWORD\n  value: hunter2\n',
      '-----BEGIN EC PRIVATE KEY-----\n',
      `tls.key: ${'LS0tLS1CRUdJTiBFQyBQUklWQVRFIEtFWS0tLS0t'.repeat(2)}\n`,
      'PGPASSWORD: s3cr3tpassw0rd\n',
    ];
    for (const leak of leaks) expect({ leak, found: FORBIDDEN.some(([, p]) => p.test(leak)) }).toEqual({ leak, found: true });
  });
});
