import { validateObject } from './validate';
import { restrictedViolations } from './pod-security';
import { clusterWebhookViolations } from './cnpg-webhook';

// The checks the manifest tests rely on must be able to fail.
describe('validateObject', () => {
  it('rejects a core object with a wrong type', () => {
    const problems = validateObject({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'x' }, spec: { replicas: 'two', selector: {}, template: {} } } as never);
    expect(problems.join()).toMatch(/replicas/);
  });

  it('rejects a CRD object with an unknown field, as a typo', () => {
    const problems = validateObject({
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'x' },
      spec: { refreshPolicy: 'CreatedOnce', target: { name: 'x', creationPolicy: 'Sometimes' }, dataFromm: [] },
    } as never);
    expect(problems.join()).toMatch(/creationPolicy|dataFromm/);
  });

  it('rejects an add-on object that breaks its model', () => {
    const problems = validateObject({ apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'x' }, spec: { dnsNames: 'not-a-list' } } as never);
    expect(problems.length).toBeGreaterThan(0);
  });

  it('evaluates the CEL rules of a CRD, which a JSON Schema validator skips', () => {
    const role = (name: string) => ({ apiVersion: 'postgresql.cnpg.io/v1', kind: 'DatabaseRole', metadata: { name: 'r', namespace: 'n' }, spec: { name, cluster: { name: 'db' }, login: true } });
    expect(validateObject(role('app'))).toEqual([]);
    expect(validateObject(role('postgres'))).toEqual(['/spec the role name postgres is reserved']);
    const cluster = {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: { name: 'db', namespace: 'n' },
      spec: { instances: 1, imageName: 'ghcr.io/cloudnative-pg/postgresql:17.7', imageCatalogRef: { apiGroup: 'postgresql.cnpg.io', kind: 'ImageCatalog', name: 'pg', major: 17 }, storage: { size: '1Gi' } },
    };
    expect(validateObject(cluster)).toContain('/spec imageName and imageCatalogRef are mutually exclusive');
  });

  it('evaluates transition rules only against an old object', () => {
    const database = (name: string) => ({ apiVersion: 'postgresql.cnpg.io/v1', kind: 'Database', metadata: { name: 'd', namespace: 'n' }, spec: { name, owner: 'app', cluster: { name: 'db' } } });
    expect(validateObject(database('orders'))).toEqual([]);
    expect(validateObject(database('orders'), database('orders'))).toEqual([]);
    expect(validateObject(database('billing'), database('orders'))).toEqual(['/spec/name name is immutable']);
  });

  it('refuses kinds it has no schema for', () => {
    expect(validateObject({ apiVersion: 'example.com/v1', kind: 'Widget' })).toEqual(['no schema known for example.com/v1 Widget']);
  });
});

describe('restrictedViolations', () => {
  it('flags a pod that runs as root with privilege escalation', () => {
    const problems = restrictedViolations({ containers: [{ name: 'c', securityContext: { runAsUser: 0 } }], volumes: [{ name: 'h', hostPath: { path: '/' } }] });
    expect(problems).toEqual(expect.arrayContaining([
      'volume h has type hostPath',
      'container c must set allowPrivilegeEscalation: false',
      'container c must run as non-root',
      'container c runs as uid 0',
      'container c must drop ALL capabilities',
    ]));
  });
});

describe('clusterWebhookViolations', () => {
  it('flags what the CloudNativePG webhook refuses', () => {
    const cluster = {
      metadata: { name: 'Orders' },
      spec: {
        instances: 2,
        imageName: 'ghcr.io/cloudnative-pg/postgresql:latest',
        postgresql: { parameters: { port: '5433', shared_buffers: '512MB', wal_level: 'minimal' } },
        resources: { requests: { cpu: '2', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
        managed: { services: { additional: [{ selectorType: 'rw', serviceTemplate: { metadata: { name: 'Orders-rw' }, spec: { selector: { a: 'b' } } } }] } },
      },
    };
    expect(clusterWebhookViolations(cluster, ['port'])).toEqual([
      'metadata.name Orders is not a DNS-1035 label',
      'spec.imageName ghcr.io/cloudnative-pg/postgresql:latest: invalid version tag',
      "spec.postgresql.parameters.port: Can't set fixed configuration parameter",
      'wal_level minimal with more than one instance',
      'CPU request is greater than the limit',
      'Memory request is lower than PostgreSQL `shared_buffers` value',
      "managed.services.additional[0]: the service name 'Orders-rw' is reserved for operator use",
      'managed.services.additional[0]: selector field is managed by the operator',
    ]);
  });
});
