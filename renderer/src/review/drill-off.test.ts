import { parseRequest } from '../request/parse';
import { renderDatabase } from '../render-database';
import { diffDatabases } from './diff';
import { DEFAULT_PLATFORM } from '../request/platform';
import { reviewWarnings } from './warnings';
import { buildPlan } from '../plan/plan';

const planOf = (request: ReturnType<typeof parseRequest>) => buildPlan(request, DEFAULT_PLATFORM);

const platform = { ...DEFAULT_PLATFORM, cloudnativePg: { ...DEFAULT_PLATFORM.cloudnativePg, objectStore: { destinationPath: 's3://backups/pg', endpointURL: 'https://s3.example', s3Credentials: { accessKeyId: { name: 'backup-s3', key: 'ACCESS_KEY_ID' }, secretAccessKey: { name: 'backup-s3', key: 'ACCESS_SECRET_KEY' } } } } } as any;
const request = (spec: Record<string, unknown>) =>
  parseRequest({ apiVersion: 'postgres-gitops.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name: 'orders', namespace: 'team-a' }, spec: { engine: 'cloudnative-pg', size: 'medium', profile: 'prod', backup: true, ...spec } }, platform);

describe('turning a cloudnative-pg drill off (review 2 m4)', () => {
  it('the PR says a drill Cluster left running stays, and how to delete it', () => {
    const diff = diffDatabases(renderDatabase(request({ restoreDrill: true }), platform), renderDatabase(request({ restoreDrill: false }), platform));
    const change = diff.changes.find(c => c.text.startsWith('restoreDrill'))!;
    expect(change.text).toMatch(/drills stop/);
    expect(change.action).toBe('if a restore drill was running when this merged, its Cluster orders-drill (a full copy of the data, no longer fenced by a NetworkPolicy nor alerted on) stays: kubectl -n team-a delete cluster orders-drill --ignore-not-found');
  });
});

describe('a statefulset drill larger than a node\'s disk (review 2 M1)', () => {
  const sts = (storageSize: string) => parseRequest({ apiVersion: 'postgres-gitops.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name: 'ledger', namespace: 'team-a' }, spec: { engine: 'statefulset', size: 'medium', profile: 'prod', backup: true, restoreDrill: true, storageSize } });
  it('warns naming spec.storageSize above 20Gi, and renders no ephemeral-storage request either way', () => {
    expect(reviewWarnings(planOf(sts('800Gi'))).filter(w => w.startsWith('spec.storageSize 800Gi with spec.restoreDrill'))).toHaveLength(1);
    expect(reviewWarnings(planOf(sts('20Gi'))).filter(w => w.includes('spec.restoreDrill:'))).toEqual([]);
    const cronJob = renderDatabase(sts('800Gi')).manifests.find(m => m.kind === 'CronJob') as any;
    expect(JSON.stringify(cronJob)).not.toContain('ephemeral-storage');
  });
});
