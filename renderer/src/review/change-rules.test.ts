import { parseRequest } from '../request/parse';
import { renderDatabase } from '../render-database';
import { changeIssues } from './change-rules';
import { diffDatabases } from './diff';
import { DEFAULT_PLATFORM } from '../request/platform';

const request = (spec: Record<string, unknown>) => ({
  apiVersion: 'postgres-gitops.dev/v1alpha1',
  kind: 'PostgreSQL',
  metadata: { name: 'orders', namespace: 'team-a' },
  spec: { size: 'medium', profile: 'staging', ...spec },
});
const issues = (before: Record<string, unknown>, after: Record<string, unknown>) =>
  changeIssues(parseRequest(request(before)), parseRequest(request(after)), { allowMajorUpgrade: false }, DEFAULT_PLATFORM).map(i => `${i.path}: ${i.message}`);

describe('the backup volume in a change', () => {
  it('grows with a longer retention, and the review says it grows in place', () => {
    expect(issues({ backupRetention: 7 }, { backupRetention: 14 })).toEqual([]);
    const diff = diffDatabases(renderDatabase(request({ backupRetention: 7 })), renderDatabase(request({ backupRetention: 14 })));
    expect(diff.changes.map(c => c.text)).toContain('backupRetention: 7 -> 14: backup volume 10Gi -> 19Gi: it grows in place');
  });

  it('refuses a shorter retention that would shrink the volume, naming the field', () => {
    expect(issues({ backupRetention: 14 }, { backupRetention: 7 })).toEqual([
      'spec.backupRetention: 14 -> 7 would shrink the backup volume (19Gi -> 10Gi), which Kubernetes refuses; keep 14 or more',
    ]);
  });

  it('lets a retention change pass that keeps the same whole-Gi volume', () => {
    expect(issues({ storageSize: '1Gi', backupRetention: 3 }, { storageSize: '1Gi', backupRetention: 2 })).toEqual([]);
  });
});

describe('what the API server and the StorageClasses allow a statefulset database', () => {
  const refused = (before: Record<string, unknown>, after: Record<string, unknown>, platform = DEFAULT_PLATFORM) =>
    changeIssues(parseRequest(request(before)), parseRequest(request(after)), { allowMajorUpgrade: false }, platform).map(i => i.path);

  it('grows the data and backup volumes, unless the platform says its StorageClasses cannot expand', () => {
    expect(refused({ storageSize: '5Gi' }, { storageSize: '20Gi' })).toEqual([]);
    const fixed = { ...DEFAULT_PLATFORM, volumeExpansion: false };
    expect(refused({ storageSize: '5Gi' }, { storageSize: '20Gi' }, fixed)).toEqual(['spec.storageSize', 'spec.storageSize']);
    expect(refused({ backupRetention: 7 }, { backupRetention: 14 }, fixed)).toEqual(['spec.backupRetention']);
  });

  it('refuses what would change a claim template or a claim\'s class: persistence and storageClass', () => {
    expect(refused({}, { persistence: false, backup: false })).toContain('spec.persistence');
    expect(refused({ persistence: false, backup: false }, {})).toContain('spec.persistence');
    expect(refused({ storageClass: 'fast' }, { storageClass: 'slow' })).toEqual(['spec.storageClass']);
    expect(refused({}, { storageClass: 'fast' })).toEqual(['spec.storageClass']);
  });
});

describe('a shared server keeps accepting tenants (SRE review 3 M3)', () => {
  const server = (tenants: boolean) => ({ engine: 'cloudnative-pg', tenants, backup: false });

  it('refuses tenants: true -> false, naming the field and what to do first', () => {
    expect(issues(server(true), server(false))).toEqual([
      'spec.tenants: stays true: tenants may live on this server, and turning it off removes their pg_hba isolation and the CA their connections verify. ' +
        'Retire or move every tenant first (postgres-gitops verify on the state store names the ones that remain); the platform team then decides and edits the stored request',
    ]);
  });

  it('lets a server start accepting tenants, and leaves one that does alone', () => {
    expect(issues(server(false), server(true))).toEqual([]);
    expect(issues(server(true), server(true))).toEqual([]);
  });
});
