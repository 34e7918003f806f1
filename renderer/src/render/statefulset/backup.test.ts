import { statefulSetPlanFor as planFor } from '../../__testUtils__/plans';
import { buildBackup } from './backup';

describe('buildBackup', () => {
  it('renders nothing without backup', () => {
    expect(buildBackup(planFor({ backup: false }))).toEqual([]);
  });

  it('protects the backup volume from Flux and Argo CD pruning', () => {
    const [pvc, cronJob] = buildBackup(planFor({ backup: true, backupSchedule: '30 1 * * *' }));
    expect(pvc.kind).toBe('PersistentVolumeClaim');
    expect(pvc.metadata.annotations).toEqual({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled', 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' });
    expect(cronJob.spec).toMatchObject({ schedule: '30 1 * * *', timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid' });
  });

  it('reads the superuser password from where the plan says it lives', () => {
    const env = (spec: Record<string, unknown>) => (buildBackup(planFor({ backup: true, ...spec }))[1].spec as any).jobTemplate.spec.template.spec.containers[0].env.find((e: any) => e.name === 'PGPASSWORD').valueFrom.secretKeyRef;
    expect(env({ username: 'postgres' })).toEqual({ name: 'orders-postgresql-secret', key: 'postgres-password' });
    expect(env({ username: 'app' })).toEqual({ name: 'orders-postgresql-internal', key: 'superuser-password' });
  });
});
