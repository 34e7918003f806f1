import { statefulSetPlanFor as planFor } from '../../__testUtils__/plans';
import { buildDataClaims, buildStatefulSets } from './statefulset';

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

  it('does not roll the primary for settings a reload applies (max_wal_size, wal_keep_size, pg_hba.conf)', () => {
    const checksum = (spec: Record<string, unknown>) => planFor({ size: 'large', ...spec }).configChecksum;
    const [small, big] = [planFor({ size: 'large', storageSize: '10Gi' }), planFor({ size: 'large', storageSize: '40Gi' })];
    expect(small.configFiles['postgresql.conf']).not.toBe(big.configFiles['postgresql.conf']);
    expect(checksum({ storageSize: '10Gi' })).toBe(checksum({ storageSize: '40Gi' }));
    expect(checksum({ allowedNamespaces: [] })).toBe(checksum({ allowedNamespaces: ['apps'] }));
    // max_wal_senders is a constant: adding or removing a standby restarts no running pod.
    expect(checksum({ replicas: 2 })).toBe(checksum({ replicas: 3 }));
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

  it('points standbys\' clone at the primary, and the primary at its standbys for the empty-primary guard', () => {
    const [primary, read] = buildStatefulSets(planFor({ size: 'large', replicas: 3, ssl: true }));
    const env = (container: any) => Object.fromEntries(container.env.filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]));
    // Each standby pod by name on the headless read Service (publishes not-ready addresses), never the -replicas Service (review 3 B1).
    expect(env(specOf(primary).template.spec.containers[0])).toMatchObject({
      STANDBY_HOSTS: 'orders-postgresql-read-headless.team-a.svc',
      STANDBY_WAIT_SECONDS: '60',
    });
    expect(env(specOf(buildStatefulSets(planFor({ size: 'small' }))[0]).template.spec.containers[0]).STANDBY_HOSTS).toBe('');
    const [clone] = specOf(read).template.spec.initContainers;
    expect(clone.command).toEqual(['/bin/bash', '/scripts/standby.sh', 'clone']);
    expect(env(clone)).toMatchObject({ PRIMARY_HOST: 'orders-postgresql.team-a.svc', PGSSLMODE: 'verify-full', PGSSLROOTCERT: '/tls/ca.crt' });
    expect(specOf(read).template.spec.containers[0].env).toContainEqual({ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } });
    expect(specOf(primary).template.spec.initContainers).toBeUndefined();
  });

  it('runs the reload loop beside every server; with rotation, the primary\'s also reads the application Secret as a file', () => {
    const [primary, read] = buildStatefulSets(planFor({ size: 'large', ssl: true, passwordRotationDays: 30 }));
    const pod = specOf(primary).template.spec;
    expect(pod.containers.map((c: any) => c.name)).toEqual(['postgresql', 'reload']);
    expect(pod.volumes.find((v: any) => v.name === 'app-secret').secret).toEqual({
      secretName: 'orders-postgresql-secret', items: [{ key: 'postgres-password', path: 'postgres-password' }], defaultMode: 0o440,
    });
    const reload = pod.containers[1];
    expect(reload.env).toContainEqual({ name: 'RELOAD_FILES', value: '/etc/postgresql/postgresql.conf /etc/postgresql/pg_hba.conf /tls/tls.crt /tls/tls.key' });
    expect(reload.env.map((e: any) => e.name)).toContain('APP_PASSWORD_FILE');
    const readReload = specOf(read).template.spec.containers[1];
    expect(readReload.name).toBe('reload');
    expect(readReload.env.map((e: any) => e.name)).not.toContain('APP_PASSWORD_FILE');
  });

  it('keeps the claim template at the size the database was created with and renders the claims at the requested size', () => {
    const plan = planFor({ size: 'large', replicas: 3, storageSize: '20Gi' });
    (plan.request.metadata.annotations as Record<string, string>)['postgres-gitops.dev/claim-template-storage-size'] = '10Gi';
    const grown = { ...plan, claimTemplateSize: '10Gi' };
    for (const sts of buildStatefulSets(grown)) expect(specOf(sts).volumeClaimTemplates[0].spec.resources.requests.storage).toBe('10Gi');
    const claims = buildDataClaims(grown);
    expect(claims.map(c => [c.metadata.name, specOf(c).resources.requests.storage])).toEqual([
      ['data-orders-postgresql-0', '20Gi'], ['data-orders-postgresql-read-0', '20Gi'], ['data-orders-postgresql-read-1', '20Gi'],
    ]);
    for (const claim of claims) expect(claim.metadata.annotations).toEqual({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled', 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' });
    expect(buildDataClaims(planFor({ persistence: false }))).toEqual([]);
  });

  it('asks for every container\'s limits in prod (Guaranteed QoS), and memory at its limit in staging', () => {
    const containers = (profile: string) => {
      const pods = buildStatefulSets(planFor({ size: 'large', profile })).map(m => specOf(m).template.spec);
      return pods.flatMap(p => [...(p.initContainers ?? []), ...p.containers]);
    };
    for (const c of containers('prod')) expect(c.resources.requests).toEqual(c.resources.limits);
    for (const c of containers('staging')) expect(c.resources.requests.memory).toBe(c.resources.limits.memory);
    expect(containers('dev')[0].resources.requests).toEqual({ cpu: '500m', memory: '1Gi' });
  });
});
