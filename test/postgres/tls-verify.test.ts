import { execFileSync } from 'node:child_process';
import { chownSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { renderPlan, type Manifest } from '@postgres-gitops/renderer';
import type { Plan } from '../../renderer/src/plan/plan';
import { CNPG_PLATFORM, cnpgPlanFor, planFor, statefulSetPlanFor } from '../../renderer/src/__testUtils__/plans';
import { Background, freePort, initdb, makeDir, PG_BIN, psqlLocal, removeDir, run, waitReady, writeOwned } from '../support/postgres';

/**
 * What applications are told with TLS on (sslmode verify-full, the CA's Secret, the Service's
 * name as host) against a real PostgreSQL 15 whose server certificate carries exactly the DNS
 * names the cluster's issuer would put in it, signed by a throwaway CA: the rendered cert-manager
 * Certificate's, or, for CloudNativePG's own certificates, the names the operator derives from
 * the rendered Cluster (test/cnpg/cluster-alt-dns-names.go.txt).
 */
const openssl = (dir: string, ...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });

function makeCa(dir: string, name: string): void {
  openssl(dir, 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.crt`);
}

function makeServerCertificate(dir: string, ca: string, dnsNames: string[]): void {
  openssl(dir, 'req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', `/CN=${dnsNames[0]}`, '-keyout', 'tls.key', '-out', 'tls.csr');
  writeOwned(join(dir, 'san.ext'), `subjectAltName=${dnsNames.map(n => `DNS:${n}`).join(',')}\nextendedKeyUsage=serverAuth\n`);
  openssl(dir, 'x509', '-req', '-in', 'tls.csr', '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-days', '1', '-extfile', 'san.ext', '-out', 'tls.crt');
  const { uid, gid } = statSync(dir);
  for (const file of ['tls.crt', 'tls.key', `${ca}.crt`]) chownSync(join(dir, file), uid, gid);
  execFileSync('chmod', ['600', join(dir, 'tls.key')]);
}

function secretTemplate(manifests: Manifest[], name: string): Record<string, string> {
  const secret = manifests.find(m => m.kind === 'ExternalSecret' && m.metadata.name === name) as unknown as { spec: { target: { template: { data: Record<string, string> } } } };
  return secret.spec.target.template.data;
}

const CLUSTER_DOMAIN = 'cluster.local';

/** GetClusterAltDNSNames over the rendered Cluster: the operator's Services, the managed additional ones, serverAltDNSNames. */
function operatorServerDnsNames(cluster: Manifest): string[] {
  const spec = cluster.spec as { managed?: { services?: { disabledDefaultServices?: string[]; additional?: { serviceTemplate: { metadata: { name: string } } }[] } }; certificates?: { serverAltDNSNames?: string[] } };
  const namespace = cluster.metadata.namespace!;
  const forms = (service: string) => [service, `${service}.${namespace}`, `${service}.${namespace}.svc`, `${service}.${namespace}.svc.${CLUSTER_DOMAIN}`];
  const disabled = spec.managed?.services?.disabledDefaultServices ?? [];
  return [
    ...(['rw', 'r', 'ro'] as const).filter(type => !disabled.includes(type)).flatMap(type => forms(`${cluster.metadata.name}-${type}`)),
    ...(spec.managed?.services?.additional ?? []).flatMap(a => forms(a.serviceTemplate.metadata.name)),
    ...(spec.certificates?.serverAltDNSNames ?? []),
  ];
}

function serverDnsNames(plan: Plan, manifests: Manifest[]): string[] {
  const certificate = manifests.find(m => m.kind === 'Certificate' && m.metadata.name === plan.names.tlsCertificate) as unknown as { spec: { dnsNames: string[] } } | undefined;
  if (certificate) return certificate.spec.dnsNames;
  return operatorServerDnsNames(manifests.find(m => m.kind === 'Cluster')!);
}

const SPEC = { size: 'small', profile: 'prod', ssl: true, database: 'orders', username: 'orders_app' };
const CERT_MANAGER = { ...CNPG_PLATFORM, cloudnativePg: { ...CNPG_PLATFORM.cloudnativePg, certificates: 'cert-manager' as const } };
/** A tenant of a shared server: its certificate is the server's, so the names come from the server's objects. */
const server = (platform = CNPG_PLATFORM) => renderPlan(planFor({ engine: 'cloudnative-pg', tenants: true, backup: false }, platform));
const tenant = (platform = CNPG_PLATFORM) => planFor({ server: { name: 'orders', namespace: 'team-a' } }, platform);
const CASES: [string, Plan, string, Manifest[]?][] = [
  ['statefulset, cert-manager', statefulSetPlanFor(SPEC), 'orders-postgresql-tls'],
  ['cloudnative-pg, the operator\'s certificates, through the pooler', cnpgPlanFor({ ...SPEC, pooling: true }), 'orders-postgresql-ca'],
  ['cloudnative-pg, cert-manager', cnpgPlanFor(SPEC, CERT_MANAGER), 'orders-postgresql-tls'],
  ['shared-server tenant, the server\'s operator certificates', tenant(), 'orders-postgresql-secret', server()],
  ['shared-server tenant, the server\'s cert-manager certificate', tenant(CERT_MANAGER), 'orders-postgresql-secret', server(CERT_MANAGER)],
];

describe.each(CASES)('verify-full with the rendered connection details on a real PostgreSQL 15: %s', (_, plan, caSecret, serverManifests) => {
  const manifests = renderPlan(plan);
  const dnsNames = serverManifests ? serverDnsNames(planFor({ engine: 'cloudnative-pg', tenants: true }, CNPG_PLATFORM), serverManifests) : serverDnsNames(plan, manifests);
  const app = secretTemplate(manifests, plan.names.secret);
  let dir: string;
  let server: Background;
  let port: number;

  beforeAll(async () => {
    dir = makeDir('tls-verify');
    makeCa(dir, 'platform-ca');
    makeCa(dir, 'other-ca');
    makeServerCertificate(dir, 'platform-ca', dnsNames);
    await initdb(join(dir, 'data'));
    port = await freePort();
    server = new Background(`${PG_BIN}/postgres`, ['-D', join(dir, 'data'), '-c', `port=${port}`, '-c', `unix_socket_directories=${dir}`, '-c', 'listen_addresses=127.0.0.1',
      '-c', 'ssl=on', '-c', `ssl_cert_file=${join(dir, 'tls.crt')}`, '-c', `ssl_key_file=${join(dir, 'tls.key')}`], {});
    await waitReady(port, server);
    await psqlLocal(dir, port, "ALTER ROLE postgres PASSWORD 'pw-for-test'");
  });
  afterAll(async () => {
    await server?.stop();
    removeDir(dir);
  });

  /** libpq with the Secret's values: the host name is checked against the certificate, the address is this machine. */
  const connect = (host: string, rootCert: string) =>
    run(`${PG_BIN}/psql`, ['-X', '-A', '-t', '-c', 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()'], {
      PGHOST: host,
      PGHOSTADDR: '127.0.0.1',
      PGPORT: String(port),
      PGUSER: 'postgres',
      PGDATABASE: 'postgres',
      PGPASSWORD: 'pw-for-test',
      PGSSLMODE: app.PGSSLMODE,
      PGSSLROOTCERT: rootCert,
      PGCONNECT_TIMEOUT: '5',
    });

  it('tells applications verify-full, the CA\'s Secret and path, and a host the certificate covers', () => {
    expect(app.PGSSLMODE).toBe('verify-full');
    expect(app.PGSSLROOTCERT).toBe('/etc/postgres-gitops/ca/ca.crt');
    expect(app.DATABASE_URL).toContain('?sslmode=verify-full&sslrootcert=%2Fetc%2Fpostgres-gitops%2Fca%2Fca.crt');
    expect(plan.connection.rootCert?.secret).toBe(caSecret);
    expect(dnsNames).toContain(app.PGHOST);
    if (plan.connection.directHost) expect(dnsNames).toContain(plan.connection.directHost);
    if (plan.connection.readOnlyHost) expect(dnsNames).toContain(plan.connection.readOnlyHost);
  });

  it('connects over TLS when the host is the Service name and the CA is the issuer', async () => {
    const result = await connect(app.PGHOST, join(dir, 'platform-ca.crt'));
    expect({ code: result.code, stdout: result.stdout.trim(), stderr: result.stderr }).toEqual({ code: 0, stdout: 't', stderr: '' });
  });

  it('refuses a host name the certificate does not cover', async () => {
    const result = await connect(`other-postgresql.${plan.namespace}.svc`, join(dir, 'platform-ca.crt'));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/does not match host name/);
  });

  it('refuses a server whose certificate another CA signed', async () => {
    const result = await connect(app.PGHOST, join(dir, 'other-ca.crt'));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/certificate verify failed/);
  });
});
