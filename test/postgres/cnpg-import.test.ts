import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { renderDatabase, type RenderedDatabase } from '@postgres-gitops/renderer';
import { Background, freePort, initdb, makeCertificate, makeDir, PG_BIN, removeDir, run, runOk, serverBin, waitReady, writeOwned, type RunResult } from '../support/postgres';

/**
 * The engine migration (importFrom) on real PostgreSQL: a statefulset-like source with ssl (its
 * owner not a superuser, a CHECK constraint planted whose function, once run by a superuser, makes
 * a backdoor superuser and runs a program: SRE review 3 B2), and a new server as CloudNativePG
 * bootstraps it with initdb (database and owner, the owner no superuser). The rendered import Job
 * runs for real: its import.sh from its ConfigMap, its rendered environment (hosts and CA paths
 * pointed here, the Secrets' passwords filled), the image's tools (15's client tools: a source of 13
 * is what the migration meets most). Planted: the old behaviour of CloudNativePG's initdb.import
 * (the owner made SUPERUSER while restoring) makes the trojan fire, so the checks can fail.
 */
const PAIRS: [string, string][] = [['15', '15'], ['13', '15']];
const SOURCE_PASSWORD = 'ledger-pw';
const TARGET_PASSWORD = 'app2-pw';

const ofKind = (db: RenderedDatabase, kind: string) => db.manifests.filter(m => m.kind === kind) as any[];

class Server {
  root = '';
  port = 0;
  cert = '';
  private process?: Background;
  constructor(private readonly bin: string, private readonly name: string) {}

  async start(): Promise<void> {
    this.root = makeDir(`import-${this.name}`);
    this.port = await freePort();
    await initdb(join(this.root, 'data'), this.bin);
    const { cert, key } = makeCertificate(this.root);
    this.cert = cert;
    writeOwned(join(this.root, 'pg_hba.conf'), ['local all all peer', 'hostssl all all all scram-sha-256', 'host all all all reject', ''].join('\n'));
    this.process = new Background(`${this.bin}/postgres`, [
      '-D', join(this.root, 'data'), '-c', `port=${this.port}`, '-c', `unix_socket_directories=${this.root}`, '-c', 'listen_addresses=127.0.0.1',
      '-c', `hba_file=${join(this.root, 'pg_hba.conf')}`, '-c', 'ssl=on', '-c', `ssl_cert_file=${cert}`, '-c', `ssl_key_file=${key}`,
    ], {});
    await waitReady(this.port, this.process);
  }

  superuser(sql: string, database = 'postgres'): Promise<string> {
    return runOk(`${PG_BIN}/psql`, ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', this.root, '-p', String(this.port), '-U', 'postgres', '-d', database], {}, sql).then(s => s.trim());
  }

  async stop(): Promise<void> {
    await this.process?.stop();
    removeDir(this.root);
  }
}

describe.each(PAIRS)('importFrom on real PostgreSQL: source %s, new database %s', (sourceMajor, targetMajor) => {
  const source = new Server(serverBin(sourceMajor), `src${sourceMajor}`);
  const target = new Server(serverBin(targetMajor), `dst${targetMajor}`);
  const db = renderDatabase({
    apiVersion: 'postgres-gitops.dev/v1alpha1',
    kind: 'PostgreSQL',
    metadata: { name: 'ledger2', namespace: 'team-a' },
    spec: { engine: 'cloudnative-pg', version: targetMajor, username: 'app2', database: 'app', backup: false, ssl: true, importFrom: { from: 'ledger', username: 'ledger', ssl: true } },
  });
  const job = ofKind(db, 'Job').find(j => j.metadata.name.startsWith('ledger2-import-'));
  const owned = () => join(source.root, 'OWNED');

  /** The Job's container as the kubelet would run it: the rendered environment, Secrets filled, hosts and CAs pointed here. */
  async function runImportJob(extraPath = '', overrides: Record<string, string> = {}): Promise<RunResult> {
    const container = job.spec.template.spec.containers[0];
    const configMap = ofKind(db, 'ConfigMap').find(c => c.metadata.name === job.spec.template.spec.volumes[0].configMap.name);
    const dir = join(target.root, 'job');
    mkdirSync(dir, { recursive: true });
    writeOwned(join(dir, 'import.sh'), configMap.data['import.sh'], 0o755);
    const passwords: Record<string, string> = { 'ledger-postgresql-secret': SOURCE_PASSWORD, 'ledger2-postgresql-secret': TARGET_PASSWORD };
    const env: Record<string, string> = {};
    for (const e of container.env) env[e.name] = e.valueFrom ? passwords[e.valueFrom.secretKeyRef.name] : e.value;
    expect(Object.values(env)).not.toContain(undefined);
    return run('/bin/bash', [join(dir, 'import.sh')], {
      ...env,
      SOURCE_HOST: 'localhost', SOURCE_PORT: String(source.port), SOURCE_SSLROOTCERT: source.cert,
      TARGET_HOST: 'localhost', TARGET_PORT: String(target.port), TARGET_SSLROOTCERT: target.cert,
      WAIT_SECONDS: '10',
      PATH: `${extraPath}${PG_BIN}:/usr/bin:/bin`,
      ...overrides,
    });
  }
  const superusers = () => target.superuser("SELECT string_agg(rolname, ',' ORDER BY rolname) FROM pg_roles WHERE rolsuper");
  const rows = () => target.superuser("SELECT string_agg(id || ':' || note, ',' ORDER BY id) FROM ledger.entries", 'app');

  beforeAll(async () => {
    await Promise.all([source.start(), target.start()]);
    // The statefulset source: database app owned by ledger, who is no superuser; data, and the trojan.
    await source.superuser(`CREATE ROLE ledger LOGIN PASSWORD '${SOURCE_PASSWORD}'; CREATE DATABASE app OWNER ledger`);
    await source.superuser('ALTER SCHEMA public OWNER TO ledger', 'app');
    await source.superuser(`SET ROLE ledger;
      CREATE SCHEMA ledger;
      CREATE TABLE ledger.entries (id int PRIMARY KEY, note text NOT NULL);
      INSERT INTO ledger.entries SELECT i, 'entry ' || i FROM generate_series(1, 500) i;
      CREATE FUNCTION public.ok(int) RETURNS boolean LANGUAGE plpgsql AS $f$
      BEGIN
        IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
          EXECUTE 'COPY (SELECT 1) TO PROGRAM ''id > ${owned()}''';
          EXECUTE 'CREATE ROLE backdoor LOGIN SUPERUSER PASSWORD ''x''';
        END IF;
        RETURN true;
      END $f$;
      CREATE TABLE public.t (id int CHECK (public.ok(id)));
      INSERT INTO public.t VALUES (1);`, 'app');
    // CloudNativePG's initdb bootstrap of the new database: the owner, no superuser.
    await target.superuser(`CREATE ROLE app2 LOGIN PASSWORD '${TARGET_PASSWORD}'; CREATE DATABASE app OWNER app2`);
  }, 120_000);

  afterAll(async () => {
    await source.stop();
    await target.stop();
  });

  it('renders an empty initdb, no externalClusters, and a Job that connects as the owners with verify-full', () => {
    const cluster = ofKind(db, 'Cluster')[0];
    expect(cluster.spec.bootstrap).toEqual({ initdb: { database: 'app', owner: 'app2', secret: { name: 'ledger2-postgresql-secret' } } });
    expect(cluster.spec.externalClusters).toBeUndefined();
    const env = Object.fromEntries(job.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toMatchObject({
      SOURCE_HOST: 'ledger-postgresql.team-a.svc', SOURCE_USER: 'ledger', SOURCE_SSLMODE: 'verify-full',
      SOURCE_PASSWORD: { secretKeyRef: { name: 'ledger-postgresql-secret', key: 'postgres-password' } },
      TARGET_USER: 'app2', TARGET_SSLMODE: 'verify-full', TARGET_PASSWORD: { secretKeyRef: { name: 'ledger2-postgresql-secret', key: 'postgres-password' } },
    });
    expect(job.spec.template.spec.volumes).toContainEqual({ name: 'import-source-ca', secret: { secretName: 'ledger-postgresql-tls', items: [{ key: 'ca.crt', path: 'ca.crt' }], defaultMode: 0o444 } });
  });

  it('verifies the source: a server whose certificate its CA did not sign gets no password, and nothing is imported', async () => {
    const impostor = await runImportJob('', { SOURCE_SSLROOTCERT: target.cert });
    expect(impostor.code).toBe(1);
    expect(impostor.stderr).toMatch(/the source database team-a\/ledger\/app not reachable after 10 s: .*certificate verify failed/);
    expect(await target.superuser("SELECT count(*) FROM pg_namespace WHERE nspname = 'ledger'", 'app')).toBe('0');
  }, 30_000);

  it('imports the data as the owners: the trojan never runs, no role but the operator\'s is superuser', async () => {
    const result = await runImportJob();
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: expect.stringContaining('import.sh: imported app from team-a/ledger/app into app') });
    expect(await rows()).toBe(Array.from({ length: 500 }, (_, i) => `${i + 1}:entry ${i + 1}`).join(','));
    expect(await target.superuser('SELECT count(*) FROM public.t', 'app')).toBe('1');
    expect(await target.superuser("SELECT string_agg(DISTINCT tableowner, ',') FROM pg_tables WHERE schemaname IN ('public', 'ledger')", 'app')).toBe('app2');
    expect(await superusers()).toBe('postgres');
    expect(existsSync(owned())).toBe(false);
    expect(await target.superuser("SELECT count(*) FROM pg_roles WHERE rolname = 'backdoor'")).toBe('0');
  });

  it('runs once: a second run finds the marker and copies nothing', async () => {
    await target.superuser("INSERT INTO ledger.entries VALUES (1000, 'written after the import')", 'app');
    const again = await runImportJob();
    expect({ code: again.code, stderr: again.stderr }).toEqual({ code: 0, stderr: 'import.sh: already imported (from team-a/ledger/app): nothing to do\n' });
    expect(await target.superuser('SELECT count(*) FROM ledger.entries', 'app')).toBe('501');
  });

  it('refuses for good (exit 3) to import over application objects without the marker, and keeps them', async () => {
    await target.superuser('COMMENT ON DATABASE app IS NULL');
    const refused = await runImportJob();
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/holds \d+ objects of an application but no import marker: not importing over them/);
    expect(await target.superuser('SELECT count(*) FROM ledger.entries', 'app')).toBe('501');
  });

  it('a copy cut off half-way keeps nothing, and the retry imports', async () => {
    await target.superuser('DROP SCHEMA ledger CASCADE; DROP TABLE public.t; DROP FUNCTION public.ok(int)', 'app');
    // pg_dump dies in the middle of a table's rows (a source restart, a network cut): psql has run the first half.
    const shims = join(target.root, 'shims');
    mkdirSync(shims, { recursive: true });
    writeOwned(join(shims, 'pg_dump'), `#!/bin/bash\n[ "$1" = --version ] && exec ${PG_BIN}/pg_dump "$@"\n${PG_BIN}/pg_dump "$@" | awk '/^COPY ledger.entries/ { copying = 1 } copying && n++ > 100 { exit } { print }'\nexit 1\n`, 0o755);
    const cut = await runImportJob(`${shims}:`);
    expect(cut.code).toBe(1);
    expect(cut.stderr).toContain('import.sh: pg_dump failed (nothing kept)');
    expect(await target.superuser("SELECT count(*) FROM pg_namespace WHERE nspname = 'ledger'", 'app')).toBe('0');
    const retried = await runImportJob();
    expect({ code: retried.code, stderr: retried.stderr }).toEqual({ code: 0, stderr: expect.stringContaining('import.sh: imported') });
    expect(await target.superuser('SELECT count(*) FROM ledger.entries', 'app')).toBe('500');
    expect(await superusers()).toBe('postgres');
    expect(existsSync(owned())).toBe(false);
  });

  it('planted: with the owner a superuser while restoring (CloudNativePG\'s initdb.import), the trojan fires', async () => {
    await target.superuser('DROP DATABASE app WITH (FORCE)');
    await target.superuser('CREATE DATABASE app OWNER app2; ALTER ROLE app2 SUPERUSER');
    const planted = await runImportJob();
    await target.superuser('ALTER ROLE app2 NOSUPERUSER');
    expect({ code: planted.code, stderr: planted.stderr }).toEqual({ code: 0, stderr: expect.stringContaining("import.sh: imported") });
    expect(await superusers()).toBe('backdoor,postgres');
    expect(existsSync(owned())).toBe(true);
  });
});
