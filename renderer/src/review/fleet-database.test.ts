import { CNPG_PLATFORM } from '../__testUtils__/plans';
import { renderDatabase } from '../render-database';
import { DEFAULT_PLATFORM, platformSettingsSchema } from '../request/platform';
import { reviewStoredDatabase } from './fleet-database';

describe('a fleet change that drops a standby', () => {
  it('is not destructive: the standby\'s claim leaves the store, and the prune protection keeps its data', () => {
    const db = renderDatabase({ apiVersion: 'postgres-gitops.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name: 'orders', namespace: 'team-a' }, spec: { engine: 'statefulset', size: 'large', replicas: 3 } });
    const outcome = reviewStoredDatabase(db.directory, db.files, DEFAULT_PLATFORM, { replicas: 2 });
    if (outcome.status !== 'changed') throw new Error(outcome.status);
    expect(outcome.files.removed).toEqual([`${db.directory}/persistentvolumeclaim-data-orders-postgresql-read-1.yaml`]);
    expect(outcome.destructive).toBe(false);
    expect(outcome.changes).toContain("replicas: 3 -> 2: the standbys' volumes are retained (never pruned); delete them by hand when no longer needed");
  });

  it('is destructive when the committed claim is not protected from pruning', () => {
    const db = renderDatabase({ apiVersion: 'postgres-gitops.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name: 'orders', namespace: 'team-a' }, spec: { engine: 'statefulset', size: 'large', replicas: 3 } });
    const claim = `${db.directory}/persistentvolumeclaim-data-orders-postgresql-read-1.yaml`;
    const files = { ...db.files, [claim]: db.files[claim].replace(/ {2}annotations:\n(?: {4}.*\n)+/, '') };
    const outcome = reviewStoredDatabase(db.directory, files, DEFAULT_PLATFORM, { replicas: 2 });
    expect(outcome.status === 'changed' && outcome.destructive).toBe(true);
  });
});

describe('a fleet change with a manual step', () => {
  it('says the step, as a single database\'s pull request does: turning drills off names a drill Cluster left running (review 2 m4)', () => {
    const platform = platformSettingsSchema.parse(CNPG_PLATFORM);
    const db = renderDatabase({ apiVersion: 'postgres-gitops.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name: 'orders', namespace: 'team-a' }, spec: { engine: 'cloudnative-pg', profile: 'prod', username: 'app' } }, platform);
    const outcome = reviewStoredDatabase(db.directory, db.files, platform, { restoreDrill: false });
    if (outcome.status !== 'changed') throw new Error(outcome.status);
    expect(outcome.changes.find(c => c.startsWith('restoreDrill'))).toContain('(manual step: if a restore drill was running when this merged, its Cluster orders-drill');
    expect(outcome.changes.join('\n')).toContain('kubectl -n team-a delete cluster orders-drill --ignore-not-found');
  });
});
