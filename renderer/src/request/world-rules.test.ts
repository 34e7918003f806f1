import { stringify } from 'yaml';
import { parseRequest } from './parse';
import { platformSettingsSchema } from './platform';
import { creationAnnotations, worldIssues } from './world-rules';

const platform = platformSettingsSchema.parse({ cloudnativePg: { objectStore: { destinationPath: 's3://backups', s3Credentials: { accessKeyId: { name: 's3', key: 'id' }, secretAccessKey: { name: 's3', key: 'key' } } } } });
const request = (name: string, spec: Record<string, unknown>, annotations: Record<string, string> = {}) =>
  parseRequest({ apiVersion: 'marketplace.kratix.io/v1alpha1', kind: 'postgresql', metadata: { name, namespace: 'team-a', annotations }, spec: { engine: 'cloudnative-pg', username: 'app', profile: 'prod', ...spec } }, platform);

const now = new Date('2026-12-05T10:00:00Z');
const source = (annotations: Record<string, string>) => stringify(request('orders', { backup: true, backupRetention: 30 }, annotations));
const restoreTo = (targetTime: string) => request('orders-copy', { restore: { from: 'orders', targetTime } });
const targetIssues = (targetTime: string, annotations: Record<string, string>) =>
  worldIssues(restoreTo(targetTime), { now, restoreSource: source(annotations) }, platform).map(i => `${i.path}: ${i.message}`);

/** m6 of the SRE review: a restore's target time must lie where the source's archive has WAL. */
describe('restore targetTime within the source archive', () => {
  it('refuses a moment before the source was created', () => {
    expect(targetIssues('2026-12-01T08:00:00Z', { 'postgres-gitops.dev/created-at': '2026-12-05T09:00:00Z' })).toEqual([
      'spec.restore.targetTime: 2026-12-01T08:00:00Z is before anything the archive can recover to: team-a/orders on worker-1 was created at 2026-12-05T09:00:00Z; choose a moment from 2026-12-05T09:00:00.000Z until now',
    ]);
  });

  it('refuses a moment older than the source keeps backups', () => {
    expect(targetIssues('2026-01-20T08:00:00Z', {})).toEqual([
      expect.stringMatching(/^spec.restore.targetTime: 2026-01-20T08:00:00Z is before anything the archive can recover to: team-a\/orders on worker-1 keeps 30 days of backups, so its archive starts about 2026-11-05T10:00:00.000Z/),
    ]);
  });

  it('accepts a moment inside the window, and refuses one to come', () => {
    expect(targetIssues('2026-12-05T09:30:00Z', { 'postgres-gitops.dev/created-at': '2026-12-05T09:00:00Z' })).toEqual([]);
    expect(targetIssues('2026-11-20T09:30:00Z', {})).toEqual([]);
    expect(targetIssues('2026-12-06T00:00:00Z', {})).toEqual([expect.stringMatching(/^spec.restore.targetTime: is in the future/)]);
  });
});

describe('what a create records', () => {
  it('when, and the restore source\'s creation; nothing the request already has', () => {
    expect(creationAnnotations(restoreTo('2026-12-05T09:30:00Z'), { now, restoreSource: source({ 'postgres-gitops.dev/created-at': '2026-12-05T09:00:00Z' }) }, platform)).toEqual({
      'postgres-gitops.dev/created-at': '2026-12-05T10:00:00Z',
      'postgres-gitops.dev/restore-source-created-at': '2026-12-05T09:00:00Z',
    });
    expect(creationAnnotations(request('orders', {}, { 'postgres-gitops.dev/created-at': '2026-01-01T00:00:00Z' }), { now }, platform)).toEqual({});
  });
});
