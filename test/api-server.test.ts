import { parse } from 'yaml';
import { renderDatabase, type RenderedDatabase } from '@postgres-gitops/renderer';
import { withChanges } from '../renderer/src/request/changes';
import { parseYamlInput } from '../renderer/src/request/yaml-input';
import { CNPG_PLATFORM } from './support/cnpg-requests';
import { platformSettingsSchema } from '@postgres-gitops/renderer';
import { applyRefusals, semanticEqual, updateRefusals, type Obj } from './support/api-server';

/**
 * The API server's update rules (support/api-server.ts), each shown refusing a planted change,
 * and the renderer's own day-two changes shown accepted. The same check runs on every change the
 * other tests make to a state store (support/state-store.ts cleanup, the fake GitHub's stop).
 */
const request = (spec: Record<string, unknown>, name = 'orders') => ({ apiVersion: 'postgres-gitops.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name, namespace: 'team-a' }, spec });
const objects = (db: RenderedDatabase) => db.manifests as unknown as Obj[];
const clone = <T>(o: T): T => JSON.parse(JSON.stringify(o));
const find = (list: Obj[], kind: string, name?: string) => list.find(o => o.kind === kind && (name === undefined || o.metadata.name === name))!;

/** The database after a day-two change, as postgres:update renders it: from the stored request.yaml, only the given fields changed. */
function update(db: RenderedDatabase, sets: Record<string, unknown>, platform = undefined as never): RenderedDatabase {
  const stored = parseYamlInput(db.files[`${db.directory}/request.yaml`], 'request.yaml');
  return renderDatabase(withChanges(stored, sets), platform);
}

describe('the model of the API server', () => {
  const db = renderDatabase(request({ engine: 'statefulset', size: 'large', profile: 'prod', replicas: 3 }));

  it('compares like apiequality.Semantic: key order ignored, quantities by value', () => {
    expect(semanticEqual({ resources: { requests: { storage: '1Gi' } } }, { resources: { requests: { storage: '1024Mi' } } })).toBe(true);
    expect(semanticEqual({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
    expect(semanticEqual({ requests: { storage: '1Gi' } }, { requests: { storage: '2Gi' } })).toBe(false);
  });

  it('refuses a StatefulSet whose claim template changed (what the old renderer did to grow storage), and takes a new template or replica count', () => {
    const sts = find(objects(db), 'StatefulSet', 'orders-postgresql');
    const grown = clone(sts);
    grown.spec.volumeClaimTemplates[0].spec.resources.requests.storage = '50Gi';
    expect(updateRefusals(sts, grown)).toEqual([expect.stringContaining("spec: Forbidden: updates to statefulset spec for fields other than 'replicas'")]);
    expect(updateRefusals(sts, grown)[0]).toContain('(changed: volumeClaimTemplates)');
    const moved = clone(sts);
    moved.spec.serviceName = 'elsewhere';
    expect(updateRefusals(sts, moved)).toHaveLength(1);
    const rolled = clone(sts);
    rolled.spec.replicas = 2;
    rolled.spec.template.spec.containers[0].image = 'postgres:99';
    rolled.spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Delete', whenScaled: 'Retain' };
    expect(updateRefusals(sts, rolled)).toEqual([]);
  });

  it('refuses a Deployment\'s new selector and a Service\'s new cluster IP, and takes a CronJob\'s new job template', () => {
    const deployment = find(objects(db), 'Deployment');
    const selector = clone(deployment);
    selector.spec.selector.matchLabels.extra = 'x';
    expect(updateRefusals(deployment, selector)).toEqual([expect.stringContaining('spec.selector: field is immutable')]);
    const headless = find(objects(db), 'Service', 'orders-postgresql-headless');
    const allocated = clone(headless);
    delete allocated.spec.clusterIP;
    expect(updateRefusals(headless, allocated)).toEqual([expect.stringContaining('spec.clusterIPs[0]')]);
    const service = find(objects(db), 'Service', 'orders-postgresql');
    const made = clone(service);
    made.spec.clusterIP = 'None';
    expect(updateRefusals(service, made)).toHaveLength(1);
    const cronJob = find(objects(db), 'CronJob');
    const other = clone(cronJob);
    other.spec.jobTemplate.spec.template.spec.containers[0].image = 'postgres:99';
    expect(updateRefusals(cronJob, other)).toEqual([]);
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: clone(cronJob.spec.jobTemplate.spec) } as Obj;
    const changedJob = clone(job);
    changedJob.spec.template.spec.containers[0].image = 'postgres:99';
    expect(updateRefusals(job, changedJob)).toEqual([expect.stringContaining('spec.template: field is immutable')]);
  });

  it('lets a bound claim grow, never shrink, and nothing else of its spec change', () => {
    const claim = find(objects(db), 'PersistentVolumeClaim', 'data-orders-postgresql-0');
    const grown = clone(claim);
    grown.spec.resources.requests.storage = '50Gi';
    expect(updateRefusals(claim, grown)).toEqual([]);
    expect(updateRefusals(grown, claim)).toEqual([expect.stringContaining('field can not be less than previous value')]);
    const classed = clone(claim);
    classed.spec.storageClassName = 'fast';
    expect(updateRefusals(claim, classed)).toEqual([expect.stringContaining('spec is immutable after creation')]);
  });

  it('refuses a RoleBinding\'s new role and an immutable ConfigMap\'s new data', () => {
    const binding = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'b', namespace: 'n' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'a' } } as Obj;
    expect(updateRefusals(binding, { ...binding, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'b' } })).toEqual([expect.stringContaining('cannot change roleRef')]);
    const config = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, immutable: true, data: { a: '1' } } as Obj;
    expect(updateRefusals(config, { ...config, data: { a: '2' } })).toHaveLength(1);
  });

  it('runs a CRD\'s transition rules against the old object (CloudNativePG Database: spec.name is immutable)', () => {
    const database = { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Database', metadata: { name: 'd', namespace: 'n' }, spec: { name: 'app', owner: 'app', cluster: { name: 'shared-postgresql' } } } as Obj;
    expect(updateRefusals(database, { ...database, spec: { ...database.spec, name: 'other' } })).toEqual([expect.stringMatching(/\/spec\/name .*immutable/i)]);
    expect(updateRefusals(database, { ...database, spec: { ...database.spec, owner: 'other' } })).toEqual([]);
  });

  it('refuses to let a prune delete data: a removed claim, Namespace or Cluster must carry the prune protection', () => {
    const before = objects(db);
    const claim = find(before, 'PersistentVolumeClaim', 'data-orders-postgresql-read-1');
    expect(applyRefusals(before, before.filter(o => o !== claim))).toEqual([]);
    const unprotected = { ...claim, metadata: { ...claim.metadata, annotations: {} } };
    expect(applyRefusals([...before.filter(o => o !== claim), unprotected], before.filter(o => o !== claim))).toEqual([expect.stringContaining('removed without prune protection')]);
  });
});

describe('the renderer\'s day-two changes pass the API server', () => {
  it('grows a statefulset database\'s volumes through git: the claims grow, the claim templates stay as created', () => {
    const before = renderDatabase(request({ engine: 'statefulset', size: 'large', profile: 'prod', replicas: 3, storageSize: '10Gi' }));
    const after = update(before, { storageSize: '50Gi', backupRetention: 40 });
    expect(applyRefusals(objects(before), objects(after))).toEqual([]);
    expect(find(objects(after), 'PersistentVolumeClaim', 'data-orders-postgresql-read-1').spec.resources.requests.storage).toBe('50Gi');
    expect(find(objects(after), 'StatefulSet', 'orders-postgresql').spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('10Gi');
    // Growing again, and scaling down (the dropped standby's claim is retained, never pruned).
    const again = update(after, { storageSize: '80Gi', replicas: 2 });
    expect(applyRefusals(objects(after), objects(again))).toEqual([]);
  });

  it('takes over a store written before the claims were rendered: the controller\'s claims are updated in place, then grown', () => {
    const current = renderDatabase(request({ engine: 'statefulset', size: 'large', replicas: 2, storageSize: '10Gi' }));
    // What the previous renderer wrote: no claim files, no claim-template annotation in request.yaml.
    const requestFile = `${current.directory}/request.yaml`;
    const stored = parse(current.files[requestFile]);
    delete stored.metadata.annotations['postgres-gitops.dev/claim-template-storage-size'];
    const old = objects(current).filter(o => o.kind !== 'PersistentVolumeClaim' || !o.metadata.name.startsWith('data-'));
    const upgraded = renderDatabase(stored);
    expect(applyRefusals(old, objects(upgraded))).toEqual([]);
    const grown = renderDatabase(withChanges(stored, { storageSize: '30Gi' }));
    expect(applyRefusals(old, objects(grown))).toEqual([]);
  });

  it('every field a change may set on each engine, one at a time', () => {
    const cnpg = platformSettingsSchema.parse(CNPG_PLATFORM);
    const cases: [Record<string, unknown>, Record<string, unknown>, typeof cnpg | undefined][] = [
      [{ engine: 'statefulset', size: 'small', version: '16', minorVersion: '16.8' }, { size: 'large', replicas: 3, minorVersion: '16.11', storageSize: '20Gi', backup: true, monitoring: true, ssl: true, passwordRotationDays: 30, allowedNamespaces: ['apps'] }, undefined],
      [{ engine: 'statefulset', size: 'large', profile: 'prod' }, { replicas: 1, backupRetention: 60, backupSchedule: '0 3 * * *', profile: 'staging', monitoring: false, ssl: false }, undefined],
      [{ engine: 'cloudnative-pg', size: 'medium', version: '17', username: 'app' }, { size: 'large', replicas: 3, storageSize: '50Gi', pooling: true, backup: true, passwordRotationDays: 7, tenants: true }, cnpg],
    ];
    for (const [spec, sets, platform] of cases) {
      const before = renderDatabase(request(spec), platform);
      for (const [field, value] of Object.entries(sets)) {
        const after = update(before, { [field]: value }, platform as never);
        expect({ field, refusals: applyRefusals(objects(before), objects(after)) }).toEqual({ field, refusals: [] });
      }
    }
  });
});
