import { join } from 'node:path';
import { renderDatabase, type Manifest } from '@postgres-gitops/renderer';
import { CNPG_PLATFORM, CNPG_PLATFORM_VARIANT, cnpgRequest } from '../support/cnpg-requests';
import { secretSource } from '../support/cnpg-reconcilers';
import { Pki, type Issuer, type KeyPair } from '../support/pki';
import { Background, freePort, initdb, makeCertificate, makeDir, PG_BIN, psqlLocal, removeDir, run, waitReady, writeOwned } from '../support/postgres';

/**
 * Who can log in as streaming_replica and cnpg_pooler_pgbouncer, on a real PostgreSQL 15 set up
 * as CloudNativePG v1.30.0 sets up an instance: ssl_ca_file is ca.crt of the Cluster's client CA
 * Secret (pkg/postgres/configuration.go, pkg/reconciler/instance/certificate/reconciler.go), and
 * the fixed pg_hba and pg_ident rules admit both users by certificate (hbaTemplateString,
 * identTemplateString). The client CA Secret is made the way its producer would make it
 * (support/pki.ts): cert-manager's CA issuer, whose ca.crt is the root-most certificate of the
 * chain, or the operator's own self-signed CA.
 *
 * The attacker: any namespace that may create a Certificate against the platform's ClusterIssuer
 * and reach port 5432 (a tenant of a shared server can), asking for the common name it wants.
 */
const HBA = (userRules: string[]) =>
  [
    'local all all peer map=local',
    'hostssl postgres streaming_replica all cert map=cnpg_streaming_replica',
    'hostssl replication streaming_replica all cert map=cnpg_streaming_replica',
    'hostssl all cnpg_pooler_pgbouncer all cert map=cnpg_pooler_pgbouncer',
    ...userRules,
    'host all all all scram-sha-256',
    '',
  ].join('\n');
const IDENT = ['local postgres postgres', 'cnpg_streaming_replica streaming_replica streaming_replica', 'cnpg_pooler_pgbouncer cnpg_pooler_pgbouncer cnpg_pooler_pgbouncer', ''].join('\n');

type Obj = Record<string, any>;

/** The client CA the instances trust, made from the rendered objects the way cert-manager or the operator would. */
function clientCa(manifests: Obj[], pki: Pki, platform: Issuer): { trusted: string; operatorCa?: KeyPair } {
  const cluster = manifests.find(m => m.kind === 'Cluster')!;
  const { name, namespace } = cluster.metadata;
  const secret = (secretName: string): Record<string, string> => {
    const source = secretSource(manifests, namespace, secretName);
    if (source.by === 'operator-ca') {
      const ca = pki.selfSignedCa(name);
      return { 'ca.crt': ca.cert, 'ca.key': ca.key };
    }
    if (source.by !== 'cert-manager') throw new Error(`nothing makes Secret ${secretName}`);
    const { issuerRef, isCA, commonName } = source.certificate.spec;
    const issuer = manifests.find(m => m.kind === 'Issuer' && m.metadata.namespace === namespace && m.metadata.name === issuerRef.name);
    const signer = issuerRef.kind === 'ClusterIssuer' || !issuer ? platform : pki.issuerFrom(issuer.metadata.name, secret(issuer.spec.ca.secretName) as never);
    return pki.issue(signer, commonName ?? secretName, { ca: Boolean(isCA), client: !isCA });
  };
  const made = secret(cluster.spec.certificates?.clientCASecret || `${name}-ca`);
  return { trusted: made['ca.crt'], ...(made['ca.key'] ? { operatorCa: { cert: made['ca.crt'], key: made['ca.key'] } } : {}) };
}

/** The client CA as the renderer used to make it with cert-manager (main before this change): a CA from the platform's issuer, its Issuer signing streaming_replica. */
function oldCertManagerDesign(manifests: Manifest[]): Obj[] {
  const objects = structuredClone(manifests) as Obj[];
  const cluster = objects.find(m => m.kind === 'Cluster')!;
  const { name, namespace } = cluster.metadata;
  cluster.spec.certificates = { ...cluster.spec.certificates, clientCASecret: `${name}-replication`, replicationTLSSecret: `${name}-replication` };
  const meta = (n: string) => ({ name: n, namespace });
  return [
    ...objects,
    { kind: 'Certificate', metadata: meta(`${name}-client-ca`), spec: { isCA: true, commonName: `${name} client CA`, secretName: `${name}-client-ca`, issuerRef: { kind: 'ClusterIssuer', name: 'platform-ca' } } },
    { kind: 'Issuer', metadata: meta(`${name}-client-ca`), spec: { ca: { secretName: `${name}-client-ca` } } },
    { kind: 'Certificate', metadata: meta(`${name}-replication`), spec: { commonName: 'streaming_replica', secretName: `${name}-replication`, issuerRef: { kind: 'Issuer', name: `${name}-client-ca` } } },
  ];
}

const DESIGNS: [string, () => Obj[], 'refused' | 'accepted'][] = [
  ['rendered, cert-manager server certificates, pooling', () => renderDatabase(cnpgRequest('orders', { pooling: true, replicas: 2 }), CNPG_PLATFORM_VARIANT).manifests, 'refused'],
  ['rendered, the operator\'s certificates, pooling', () => renderDatabase(cnpgRequest('orders', { pooling: true, replicas: 2 }), CNPG_PLATFORM).manifests, 'refused'],
  ['planted: the old cert-manager client CA', () => oldCertManagerDesign(renderDatabase(cnpgRequest('orders', { pooling: true, replicas: 2 }), CNPG_PLATFORM_VARIANT).manifests), 'accepted'],
];

describe.each(DESIGNS)('client certificates on a real PostgreSQL 15: %s', (_label, manifests, attacker) => {
  let dir: string;
  let server: Background;
  let port: number;
  let pki: Pki;
  let platform: Issuer;
  let operatorCa: KeyPair | undefined;

  beforeAll(async () => {
    dir = makeDir('client-ca');
    pki = new Pki(dir);
    platform = pki.platformIssuer('platform-ca');
    const rendered = manifests();
    const ca = clientCa(rendered, pki, platform);
    operatorCa = ca.operatorCa;
    writeOwned(join(dir, 'client-ca.crt'), ca.trusted);
    const tls = makeCertificate(dir);
    const cluster = rendered.find(m => m.kind === 'Cluster')!;
    writeOwned(join(dir, 'pg_hba.conf'), HBA(cluster.spec.postgresql.pg_hba ?? []));
    writeOwned(join(dir, 'pg_ident.conf'), IDENT);
    await initdb(join(dir, 'data'));
    port = await freePort();
    server = new Background(`${PG_BIN}/postgres`, [
      '-D', join(dir, 'data'), '-c', `port=${port}`, '-c', `unix_socket_directories=${dir}`, '-c', 'listen_addresses=127.0.0.1',
      '-c', 'ssl=on', '-c', `ssl_cert_file=${tls.cert}`, '-c', `ssl_key_file=${tls.key}`, '-c', `ssl_ca_file=${join(dir, 'client-ca.crt')}`,
      '-c', `hba_file=${join(dir, 'pg_hba.conf')}`, '-c', `ident_file=${join(dir, 'pg_ident.conf')}`,
    ], {});
    await waitReady(port, server);
    await psqlLocal(dir, port, 'CREATE ROLE streaming_replica LOGIN REPLICATION; CREATE ROLE cnpg_pooler_pgbouncer LOGIN');
  });
  afterAll(async () => {
    await server?.stop();
    removeDir(dir);
  });

  let files = 0;
  /** libpq with a client certificate (its chain, as cert-manager's tls.crt holds it). */
  async function connect(user: string, pair: { cert: string; key: string }, replication: boolean) {
    const n = ++files;
    writeOwned(join(dir, `client-${n}.crt`), pair.cert);
    writeOwned(join(dir, `client-${n}.key`), pair.key, 0o600);
    const conninfo = `host=127.0.0.1 port=${port} user=${user} dbname=postgres sslmode=require sslcert=${join(dir, `client-${n}.crt`)} sslkey=${join(dir, `client-${n}.key`)}${replication ? ' replication=database' : ''}`;
    const result = await run(`${PG_BIN}/psql`, ['-X', '-A', '-t', '-d', conninfo, '-c', replication ? 'IDENTIFY_SYSTEM' : 'SELECT current_user'], { PGCONNECT_TIMEOUT: '5' });
    return { ok: result.code === 0, stderr: result.stderr };
  }
  const fromPlatform = (cn: string) => {
    const s = pki.issue(platform, cn, { client: true });
    return { cert: s['tls.crt'], key: s['tls.key'] };
  };

  it(`a certificate any namespace can get from the platform's ClusterIssuer is ${attacker} as streaming_replica (replication connection)`, async () => {
    const result = await connect('streaming_replica', fromPlatform('streaming_replica'), true);
    expect({ ok: result.ok }).toEqual({ ok: attacker === 'accepted' });
    if (attacker === 'refused') expect(result.stderr).toMatch(/unknown ca|certificate verify failed|certificate authentication failed/);
  });

  it(`... and ${attacker} as the pooler's cnpg_pooler_pgbouncer`, async () => {
    const result = await connect('cnpg_pooler_pgbouncer', fromPlatform('cnpg_pooler_pgbouncer'), false);
    expect({ ok: result.ok }).toEqual({ ok: attacker === 'accepted' });
  });

  if (attacker === 'refused') {
    it('the operator\'s own streaming_replica and pooler certificates, signed by the Cluster\'s client CA, are accepted', async () => {
      expect(operatorCa).toBeDefined();
      for (const [user, replication] of [['streaming_replica', true], ['cnpg_pooler_pgbouncer', false]] as const) {
        const result = await connect(user, pki.sign(operatorCa!, user, { client: true }), replication);
        expect({ user, ...result }).toEqual({ user, ok: true, stderr: '' });
      }
    });
  }
});
