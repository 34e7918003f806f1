import { renderDatabase, platformSettingsSchema } from '@postgres-gitops/renderer';
import { allCombinations, kratixRequest } from './support/requests';

/**
 * No rendered file, for any request, carries a password or key material: only references to
 * Secrets the cluster generates. The scan looks for what credentials look like, not for names.
 */
const FORBIDDEN: [string, RegExp][] = [
  ['a Secret object (credentials are generated in the cluster)', /^kind: Secret$/m],
  ['Secret data', /^\s*(data|stringData):\s*\n\s+[\w.-]*(password|PASSWORD|key)[\w.-]*:/m],
  ['PEM key material', /-----BEGIN [A-Z ]*(PRIVATE KEY|CERTIFICATE)-----/],
  ['a literal password value', /(password|PASSWORD|passwd|PGPASSWORD)\s*[:=]\s*["']?(?!\{\{)[A-Za-z0-9+/_-]{8,}["']?\s*$/m],
  ['credentials inside a URL', /postgres(ql)?:\/\/[^:\s/]+:(?!\{\{|<password>)[^@\s]+@/],
  ['an env var given a literal password', /name: (POSTGRES_PASSWORD|APP_PASSWORD|REPLICATION_PASSWORD|MONITORING_PASSWORD|PGPASSWORD|DATA_SOURCE_PASS)\n\s+value:/],
  // Hex digests (the config checksum) are not secrets; base64 key material always has non-hex letters.
  ['base64 blobs long enough to hide a key', /(?=[A-Za-z0-9+/]*[g-zG-Z+/])[A-Za-z0-9+/]{64,}={0,2}/],
];

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
