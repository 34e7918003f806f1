import { renderDatabase, type Manifest } from '@postgres-gitops/renderer';
import { CNPG_PLATFORM, CNPG_PLATFORM_VARIANT, cnpgRequest } from './cnpg-requests';
import { reconcilerViolations, trustAnchor } from './cnpg-reconcilers';
import { clusterWebhookViolations, poolerWebhookViolations } from './cnpg-webhook';

/** The rules of the model, each shown failing on a planted violation (the first ones: what the renderer used to write). */
const pooled = () => structuredClone(renderDatabase(cnpgRequest('orders', { pooling: true, replicas: 2 }), CNPG_PLATFORM).manifests) as any[];
const pooledCertManager = () => structuredClone(renderDatabase(cnpgRequest('orders', { pooling: true, replicas: 2 }), CNPG_PLATFORM_VARIANT).manifests) as any[];
const of = (manifests: any[], kind: string) => manifests.find(m => m.kind === kind);

/** The client CA as the renderer used to make it with cert-manager: issued by the platform's ClusterIssuer, its Issuer signing streaming_replica. */
function oldCertManagerDesign(manifests: any[]): any[] {
  const cluster = of(manifests, 'Cluster');
  const { name, namespace } = cluster.metadata;
  const meta = (n: string) => ({ name: n, namespace });
  cluster.spec.certificates = { ...cluster.spec.certificates, clientCASecret: `${name}-replication`, replicationTLSSecret: `${name}-replication`, serverAltDNSNames: [`${name}.${namespace}.svc`] };
  return [
    ...manifests,
    { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: meta(`${name}-client-ca`), spec: { isCA: true, secretName: `${name}-client-ca`, issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'platform-ca' } } },
    { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: meta(`${name}-client-ca`), spec: { ca: { secretName: `${name}-client-ca` } } },
    { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: meta(`${name}-replication`), spec: { secretName: `${name}-replication`, commonName: 'streaming_replica', issuerRef: { group: 'cert-manager.io', kind: 'Issuer', name: `${name}-client-ca` } } },
  ];
}

describe('the model of CloudNativePG\'s reconcilers and instance managers', () => {
  it('passes what the renderer writes now, with the operator\'s certificates and with cert-manager', () => {
    expect(reconcilerViolations(pooled())).toEqual([]);
    expect(reconcilerViolations(pooledCertManager())).toEqual([]);
    expect(trustAnchor(pooledCertManager(), 'team-a', 'orders-postgresql-ca')).toBe('operator CA of team-a/orders-postgresql');
  });

  it('the Pooler template without a service-account token (the old output): its pods never start', () => {
    const manifests = pooled();
    of(manifests, 'Pooler').spec.template.spec.automountServiceAccountToken = false;
    expect(reconcilerViolations(manifests)).toEqual([expect.stringMatching(/^Pooler team-a\/orders-postgresql-pooler: its pods mount no service-account token/)]);
  });

  it('instances without a token: through the podPatch annotation, or a ServiceAccount of the Cluster\'s name that turns it off', () => {
    const patched = pooled();
    of(patched, 'Cluster').metadata.annotations['cnpg.io/podPatch'] = JSON.stringify([{ op: 'add', path: '/spec/automountServiceAccountToken', value: false }]);
    expect(reconcilerViolations(patched)).toEqual([
      expect.stringMatching(/^Cluster orders-postgresql instance 1: no service-account token/),
      expect.stringMatching(/^Cluster orders-postgresql instance 2: no service-account token/),
    ]);
    const account = [...pooled(), { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'orders-postgresql', namespace: 'team-a' }, automountServiceAccountToken: false }];
    expect(reconcilerViolations(account)).toHaveLength(2);
  });

  it('the old cert-manager design: no ca.key for the pooler\'s certificate (every reconcile stops), and PostgreSQL trusting the platform\'s root', () => {
    const problems = reconcilerViolations(oldCertManagerDesign(pooledCertManager()));
    expect(problems).toEqual([
      'Cluster team-a/orders-postgresql: Secret orders-postgresql-replication has no ca.key (client CA, which signs the pooler\'s cnpg_pooler_pgbouncer certificate)',
      'Cluster team-a/orders-postgresql: PostgreSQL would trust the platform ClusterIssuer platform-ca for streaming_replica and cnpg_pooler_pgbouncer (client CA orders-postgresql-replication): any certificate that issuer signs, for any namespace, logs in as them',
    ]);
    // Without a pooler the missing key goes unnoticed upstream (replicationTLSSecret is set), the shared trust does not.
    const unpooled = oldCertManagerDesign(pooledCertManager().filter(m => m.kind !== 'Pooler'));
    expect(reconcilerViolations(unpooled)).toEqual([expect.stringMatching(/PostgreSQL would trust the platform ClusterIssuer platform-ca/)]);
    // Its webhook refuses that Cluster outright: serverAltDNSNames beside a serverTLSSecret.
    expect(clusterWebhookViolations(of(unpooled, 'Cluster'), [])).toEqual([
      "spec.certificates.serverAltDNSNames: Server alternative DNS names can't be defined when server TLS secret is provided",
    ]);
  });

  it('a client CA of the database\'s own still fails when two Clusters share it', () => {
    const a = pooledCertManager();
    const b = (structuredClone(renderDatabase(cnpgRequest('billing', {}), CNPG_PLATFORM_VARIANT).manifests) as any[]);
    const selfSigned = (manifests: any[]) => {
      of(manifests, 'Cluster').spec.certificates = { ...of(manifests, 'Cluster').spec.certificates, clientCASecret: 'shared-client-ca' };
      return manifests;
    };
    const shared: Manifest[] = [
      ...selfSigned(a),
      ...selfSigned(b),
      { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: { name: 'bootstrap', namespace: 'team-a' }, spec: { selfSigned: {} } },
      { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'shared-client-ca', namespace: 'team-a' }, spec: { isCA: true, secretName: 'shared-client-ca', issuerRef: { kind: 'Issuer', name: 'bootstrap' } } },
    ];
    const problems = reconcilerViolations(shared);
    expect(problems).toContain('Cluster team-a/orders-postgresql: its client CA is also team-a/billing-postgresql\'s (self-signed team-a/shared-client-ca): either\'s certificates log in to the other');
    // A cert-manager CA has no ca.key: with the pooler, the operator cannot sign.
    expect(problems).toContain('Cluster team-a/orders-postgresql: Secret shared-client-ca has no ca.key (client CA, which signs the pooler\'s cnpg_pooler_pgbouncer certificate)');
  });

  it('a Secret nothing makes, and a Pooler whose Cluster is not there', () => {
    const manifests = pooledCertManager().filter(m => m.kind !== 'Certificate');
    expect(reconcilerViolations(manifests)).toEqual([
      'Cluster team-a/orders-postgresql: Secret orders-postgresql-tls is made by nothing rendered here (serverTLSSecret, ensureServerLeafCertificate)',
      'Cluster team-a/orders-postgresql: Secret orders-postgresql-tls is made by nothing rendered here (serverCASecret, ensureServerCASecret)',
      'Cluster team-a/orders-postgresql: Secret orders-postgresql-tls is made by nothing rendered here (server CA)',
    ]);
    expect(reconcilerViolations(pooled().filter(m => m.kind !== 'Cluster'))).toEqual(['Pooler team-a/orders-postgresql-pooler: its Cluster orders-postgresql is not rendered in team-a']);
  });

  it('the Pooler webhook: parameters CloudNativePG does not allow, an auth query without its Secret', () => {
    const pooler = of(pooled(), 'Pooler');
    expect(poolerWebhookViolations(pooler)).toEqual([]);
    pooler.spec.pgbouncer.parameters.listen_port = '6432';
    pooler.spec.pgbouncer.authQuery = 'SELECT usename, passwd FROM pg_shadow WHERE usename=$1';
    expect(poolerWebhookViolations(pooler)).toEqual([
      'spec.pgbouncer.authQuerySecret.name: must specify an existing auth query secret when providing an auth query secret',
      'spec.pgbouncer.parameters.listen_port: Invalid or reserved parameter',
    ]);
  });
});
