import { stringify } from 'yaml';
import { parseRequest, platformSettingsSchema, renderDatabase, worldIssues } from '@postgres-gitops/renderer';
import { CNPG_PLATFORM, cnpgRequest } from './support/cnpg-requests';
import { validateObject } from './support/validate';

/**
 * M8 of the SRE review: backups readable by the database's own cloud identity rather than one key
 * for the whole bucket in every namespace, and a restore across namespaces only where the source's
 * owners are the ones the review rule asks.
 */
const identity = platformSettingsSchema.parse({
  cloudnativePg: {
    objectStore: {
      destinationPath: 's3://acme-backups/prod',
      s3Credentials: { inheritFromIAMRole: true },
      serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/postgres-backups-{namespace}' },
    },
  },
});

describe('workload identity for the object store', () => {
  it('renders the plugin\'s inheritFromIAMRole and binds the Cluster\'s ServiceAccount to the namespace\'s role; CRDs accept both', () => {
    const db = renderDatabase(cnpgRequest('orders', { profile: 'prod' }, 'team-b'), identity);
    const store = db.manifests.find(m => m.kind === 'ObjectStore') as any;
    const cluster = db.manifests.find(m => m.kind === 'Cluster') as any;
    expect(store.spec.configuration).toMatchObject({ destinationPath: 's3://acme-backups/prod/worker-1/team-b/orders', s3Credentials: { inheritFromIAMRole: true } });
    expect(store.spec.configuration).not.toHaveProperty('serviceAccountAnnotations');
    expect(cluster.spec.serviceAccountTemplate).toEqual({ metadata: { annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/postgres-backups-team-b' } } });
    expect([...validateObject(store), ...validateObject(cluster)]).toEqual([]);
  });

  it('GKE and Azure equivalents pass the schema; a half-given static key does not', () => {
    expect(platformSettingsSchema.safeParse({ cloudnativePg: { objectStore: { destinationPath: 'gs://b/p', googleCredentials: { gkeEnvironment: true } } } }).success).toBe(true);
    expect(platformSettingsSchema.safeParse({ cloudnativePg: { objectStore: { destinationPath: 'https://a.blob.core.windows.net/c', azureCredentials: { inheritFromAzureAD: true, storageAccount: { name: 'az', key: 'account' } } } } }).success).toBe(true);
    expect(platformSettingsSchema.safeParse({ cloudnativePg: { objectStore: { destinationPath: 's3://b', s3Credentials: { accessKeyId: { name: 's3', key: 'id' } } } } }).success).toBe(false);
  });
});

describe('a restore across namespaces', () => {
  const platform = platformSettingsSchema.parse({
    ...CNPG_PLATFORM,
    access: { platformGroups: ['group:default/platform'], namespaces: { 'team-a': ['group:default/team-a'], 'team-b': ['group:default/team-b'], shared: ['group:default/team-a', 'group:default/team-b'] } },
  });
  const source = stringify(renderDatabase(cnpgRequest('orders', { profile: 'prod' }, 'team-a'), platform).request);
  const restoreInto = (namespace: string) =>
    worldIssues(parseRequest(cnpgRequest('copy-of-orders', { restore: { from: 'orders', namespace: 'team-a' } }, namespace), platform), { now: new Date(), restoreSource: source }, platform).map(i => `${i.path}: ${i.message}`);

  it('is refused where the review rule would not ask the source\'s owners', () => {
    expect(restoreInto('team-b')).toEqual([
      "spec.restore.namespace: restoring team-a/orders into team-b copies team-a's data, and the pull request would be approved by team-b's owners alone (CODEOWNERS), not by group:default/team-a, who own team-a. Restore into team-a, or have the platform team add group:default/team-a to access.namespaces.team-b",
    ]);
  });

  it('is accepted into the source\'s own namespace, or one its owners own too', () => {
    expect(restoreInto('team-a')).toEqual([]);
    expect(restoreInto('shared')).toEqual([]);
  });
});
