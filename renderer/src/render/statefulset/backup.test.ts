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

  it('dumps as the read-only backup role from 14, and as the application role on 13, never as the superuser', () => {
    const env = (spec: Record<string, unknown>) => {
      const vars = (buildBackup(planFor({ backup: true, ...spec }))[1].spec as any).jobTemplate.spec.template.spec.containers[0].env;
      return { user: vars.find((e: any) => e.name === 'PGUSER').value, password: vars.find((e: any) => e.name === 'PGPASSWORD').valueFrom.secretKeyRef };
    };
    expect(env({ username: 'app', version: '15' })).toEqual({ user: 'postgres_backup', password: { name: 'orders-postgresql-backup-credentials', key: 'backup-password' } });
    expect(env({ username: 'app', version: '13' })).toEqual({ user: 'app', password: { name: 'orders-postgresql-secret', key: 'postgres-password' } });
  });

  it('stops a job at its deadline, and pg_dump behind a lock after its lock timeout', () => {
    const spec = buildBackup(planFor({ backup: true }))[1].spec as any;
    expect(spec.jobTemplate.spec.activeDeadlineSeconds).toBe(23 * 3600);
    const env = spec.jobTemplate.spec.template.spec.containers[0].env;
    expect(env.find((e: any) => e.name === 'LOCK_WAIT_TIMEOUT_MS').value).toBe('600000');
  });
});
