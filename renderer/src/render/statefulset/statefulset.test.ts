import { statefulSetPlanFor as planFor } from '../../__testUtils__/plans';
import { buildStatefulSets } from './statefulset';

const specOf = (m: unknown) => (m as { spec: any }).spec;

describe('buildStatefulSets', () => {
  it('makes the primary only, or the primary and a read StatefulSet for the standbys', () => {
    expect(buildStatefulSets(planFor({ size: 'small' })).map(m => m.metadata.name)).toEqual(['orders-postgresql']);
    const large = buildStatefulSets(planFor({ size: 'large', replicas: 3 }));
    expect(large.map(m => [m.metadata.name, specOf(m).replicas])).toEqual([['orders-postgresql', 1], ['orders-postgresql-read', 2]]);
  });

  it('retains data volumes when a StatefulSet is deleted or scaled down', () => {
    for (const sts of buildStatefulSets(planFor({ size: 'large' }))) {
      expect(specOf(sts).persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    }
  });

  it('rolls the pods when the configuration changes, through the plan\'s checksum', () => {
    const checksum = (spec: Record<string, unknown>) => specOf(buildStatefulSets(planFor(spec))[0]).template.metadata.annotations['postgres-gitops.dev/config-checksum'];
    expect(checksum({ size: 'small' })).toBe(planFor({ size: 'small' }).configChecksum);
    expect(checksum({ size: 'small' })).not.toBe(checksum({ size: 'medium' }));
  });

  it('requires pods on different nodes in prod and only prefers it elsewhere', () => {
    const affinity = (profile: string) => specOf(buildStatefulSets(planFor({ size: 'large', profile }))[0]).template.spec.affinity.podAntiAffinity;
    expect(Object.keys(affinity('prod'))).toEqual(['requiredDuringSchedulingIgnoredDuringExecution']);
    expect(Object.keys(affinity('dev'))).toEqual(['preferredDuringSchedulingIgnoredDuringExecution']);
  });

  it('keeps data in an emptyDir without persistence, and claims a volume of the requested size with it', () => {
    expect(specOf(buildStatefulSets(planFor({ persistence: false }))[0]).volumeClaimTemplates).toBeUndefined();
    const claim = specOf(buildStatefulSets(planFor({ storageSize: '20Gi', storageClass: 'fast' }))[0]).volumeClaimTemplates[0];
    expect(claim.spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: 'fast', resources: { requests: { storage: '20Gi' } } });
  });

  it('points standbys at the primary, and the primary at its standbys for the empty-primary guard', () => {
    const [primary, read] = buildStatefulSets(planFor({ size: 'large', ssl: true }));
    const env = (m: unknown) => Object.fromEntries(specOf(m).template.spec.containers[0].env.filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]));
    expect(env(primary).STANDBY_HOST).toBe('orders-postgresql-replicas.team-a.svc');
    expect(env(read)).toMatchObject({ PRIMARY_HOST: 'orders-postgresql.team-a.svc', PGSSLMODE: 'verify-full', PGSSLROOTCERT: '/tls/ca.crt' });
  });

  it('with rotation, runs password-sync beside the primary only, reading the application Secret as a file', () => {
    const [primary, read] = buildStatefulSets(planFor({ size: 'large', passwordRotationDays: 30 }));
    const pod = specOf(primary).template.spec;
    expect(pod.containers.map((c: any) => c.name)).toEqual(['postgresql', 'password-sync']);
    expect(pod.volumes.find((v: any) => v.name === 'app-secret').secret).toEqual({
      secretName: 'orders-postgresql-secret', items: [{ key: 'postgres-password', path: 'postgres-password' }], defaultMode: 0o440,
    });
    expect(specOf(read).template.spec.containers.map((c: any) => c.name)).toEqual(['postgresql']);
    expect(specOf(buildStatefulSets(planFor({ size: 'large' }))[0]).template.spec.containers).toHaveLength(1);
  });
});
