import { stringify } from 'yaml';
import { parseRequest } from './parse';
import { platformSettingsSchema } from './platform';
import { creationAnnotations, readWorld, worldIssues } from './world-rules';

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

/** Review 3 M2: team/b-billing and team-b/billing both make "team-b-billing". */
describe('a create must not share <namespace>-<name> with another database of its cluster', () => {
  const named = (namespace: string, name: string) =>
    parseRequest({ apiVersion: 'postgres-gitops.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name, namespace }, spec: {} }, platform);

  it('reads each namesake directory once, together, and only for a create', async () => {
    const asked: string[] = [];
    const read = async (directory: string) => (asked.push(directory), directory.endsWith('team-b/billing') ? 'stored' : null);
    const world = await readWorld(named('team', 'b-billing'), read, now, { create: true });
    expect(asked).toEqual(['clusters/worker-1/postgres/team-b/billing']);
    expect(world.namesakes).toEqual({ 'clusters/worker-1/postgres/team-b/billing': 'stored' });
    asked.length = 0;
    expect((await readWorld(named('team', 'b-billing'), read, now)).namesakes).toBeUndefined();
    expect(asked).toEqual([]);
  });

  it('refuses when one exists, naming the field, the other database and the rule', () => {
    const issues = worldIssues(named('team', 'b-billing'), { now, namesakes: { 'clusters/worker-1/postgres/team-b/billing': 'stored' } }, platform);
    expect(issues).toEqual([
      {
        path: 'metadata.name',
        message:
          'team/b-billing would share "team-b-billing" with the database team-b/billing on worker-1 (clusters/worker-1/postgres/team-b/billing/): both would name their Flux Kustomization and Argo CD Application pg-worker-1-team-b-billing, and on one shared server their objects team-b-billing-postgresql... in its namespace. <metadata.namespace>-<metadata.name> must be unique on a cluster: choose another metadata.name (or metadata.namespace)',
      },
    ]);
  });

  it('accepts when no namesake exists, or the store could not say', () => {
    expect(worldIssues(named('team', 'b-billing'), { now, namesakes: { 'clusters/worker-1/postgres/team-b/billing': null } }, platform)).toEqual([]);
    expect(worldIssues(named('team', 'b-billing'), { now }, platform)).toEqual([]);
  });
});
