import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { renderDatabase, type RenderedDatabase } from '@postgres-gitops/renderer';
import { databaseRoleDeletedSql, databaseRoleSql, databaseSql, schemaSql } from '../support/cnpg-sql';
import { Background, freePort, initdb, makeDir, PG_BIN, psqlLocal, psqlTcp, removeDir, run, runOk, serverBin, waitReady, writeOwned, type RunResult } from '../support/postgres';

/**
 * Access roles on real PostgreSQL 14 to 18 (the majors CloudNativePG 1.30 runs), as a shared server
 * with tenants holds them: the server's own database with access roles, and two tenants. The
 * DatabaseRole and Database objects rendered are applied with the SQL CloudNativePG's instance
 * manager runs for them (support/cnpg-sql.ts); the grants Job runs for real: its grants.sh, its
 * environment, as the owner over TCP with a password. pg_hba.conf is the operator's layout: a
 * local superuser rule, the rendered lines, its default rule. The statefulset engine's role sync
 * runs the same grants SQL as the superuser (test/postgres/scripts.test.ts).
 */
const MAJORS = ['14', '15', '16', '17', '18'];
const ACCESS = [{ role: 'etl', privileges: 'write' }, { role: 'analytics', privileges: 'read' }];
/** The Secrets' passwords, by namespace/name, as External Secrets would have generated them. */
const PASSWORDS: Record<string, string> = {
  'databases/shared-postgresql-secret': 'app-pw',
  'databases/shared-postgresql-role-analytics': 'analytics-pw',
  'databases/shared-postgresql-role-etl': 'etl-pw',
  'databases/team-a-orders-postgresql-owner': 'a-pw',
  'team-a/orders-postgresql-secret': 'a-pw',
  'databases/team-a-orders-postgresql-role-bi': 'a-bi-pw',
  'databases/team-b-orders-postgresql-owner': 'b-pw',
  'team-b/orders-postgresql-secret': 'b-pw',
};
const passwordOf = (object: any, passwords: Record<string, string> = PASSWORDS) => passwords[`${object.metadata.namespace}/${object.spec.passwordSecret?.name}`];

const request = (name: string, namespace: string, spec: Record<string, unknown>) => ({ apiVersion: 'postgres-gitops.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name, namespace }, spec });
const ofKind = (db: RenderedDatabase, kind: string) => db.manifests.filter(m => m.kind === kind) as any[];

/** Every grant and membership PostgreSQL holds, in one text: two runs that change nothing leave it equal. */
const CATALOG = `
SELECT concat_ws(E'\\n',
  (SELECT string_agg(c.oid::regclass || '=' || coalesce(c.relacl::text, '-'), ' ' ORDER BY c.oid::regclass::text) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'),
  (SELECT string_agg(nspname || '=' || nspowner::regrole || coalesce(nspacl::text, '-'), ' ' ORDER BY nspname) FROM pg_namespace),
  (SELECT string_agg(datname || '=' || coalesce(datacl::text, '-'), ' ' ORDER BY datname) FROM pg_database),
  (SELECT string_agg(defaclrole::regrole || ':' || defaclobjtype::text || '=' || defaclacl::text, ' ' ORDER BY 1) FROM pg_default_acl),
  (SELECT string_agg(roleid::regrole || '>' || member::regrole, ' ' ORDER BY 1) FROM pg_auth_members),
  (SELECT string_agg(rolname || ':' || rolcanlogin || rolsuper || rolinherit || rolcreaterole || rolcreatedb || rolreplication || rolbypassrls, ' ' ORDER BY rolname) FROM pg_authid),
  (SELECT string_agg(objoid::regrole || '=' || description, ' ' ORDER BY 1) FROM pg_shdescription WHERE classoid = 'pg_authid'::regclass))`;

describe.each(MAJORS)('access roles on real PostgreSQL %s (cloudnative-pg, shared server with tenants)', major => {
  const bin = serverBin(major);
  const server = renderDatabase(request('shared', 'databases', { engine: 'cloudnative-pg', version: major, tenants: true, backup: false, username: 'app', access: ACCESS }));
  const tenantA = renderDatabase(request('orders', 'team-a', { server: { name: 'shared', namespace: 'databases' }, access: [{ role: 'bi', privileges: 'read' }] }));
  const tenantB = renderDatabase(request('orders', 'team-b', { server: { name: 'shared', namespace: 'databases' } }));
  let root: string;
  let port: number;
  let postgres: Background | undefined;

  const superuser = (sql: string, database = 'postgres') => runOk(`${PG_BIN}/psql`, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', root, '-p', String(port), '-U', 'postgres', '-d', database], {}, sql);
  const as = (user: string, password: string, database: string, sql: string): Promise<RunResult> => psqlTcp(port, user, password, database, sql);

  /** The operator's reconciles of a database's DatabaseRoles and Database objects, retried until they converge (a group made by a later object is missing at first). */
  async function reconcile(db: RenderedDatabase, passwords: Record<string, string> = PASSWORDS): Promise<void> {
    let pending = [...ofKind(db, 'DatabaseRole')];
    for (let round = 0; pending.length > 0; round++) {
      if (round > 5) throw new Error(`DatabaseRoles do not converge: ${pending.map(r => r.spec.name).join(', ')}`);
      const failed: any[] = [];
      for (const role of pending) {
        const result = await run(`${PG_BIN}/psql`, ['-X', '-q', '-h', root, '-p', String(port), '-U', 'postgres', '-d', 'postgres'], {}, databaseRoleSql(role, passwordOf(role, passwords)));
        if (result.code !== 0) failed.push(role);
      }
      pending = failed;
    }
    for (const database of ofKind(db, 'Database')) {
      await superuser(databaseSql(database));
      await superuser(schemaSql(database), database.spec.name);
    }
  }

  /** The grants Job, run for real: its script from its ConfigMap, its environment, pointed at this server. */
  async function runGrantsJob(db: RenderedDatabase, overrides: Record<string, string> = {}): Promise<RunResult> {
    const job = ofKind(db, 'Job')[0];
    const configMap = db.manifests.find(m => m.kind === 'ConfigMap' && (m.metadata as any).name === job.spec.template.spec.volumes[0].configMap.name) as any;
    const dir = join(root, `job-${job.metadata.name}`);
    mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(configMap.data as Record<string, string>)) writeOwned(join(dir, file), text, 0o755);
    const container = job.spec.template.spec.containers[0];
    const env: Record<string, string> = {};
    for (const e of container.env) env[e.name] = e.valueFrom ? PASSWORDS[`${job.metadata.namespace}/${e.valueFrom.secretKeyRef.name}`] : e.value;
    delete env.PGSSLROOTCERT;
    return run('/bin/bash', [join(dir, 'grants.sh')], { ...env, PGHOST: '127.0.0.1', PGPORT: String(port), PGSSLMODE: 'disable', ...overrides });
  }

  beforeAll(async () => {
    root = makeDir(`access-${major}`);
    port = await freePort();
    await initdb(join(root, 'data'), bin);
    const cluster = ofKind(server, 'Cluster')[0];
    writeOwned(join(root, 'pg_hba.conf'), ['local all all peer', ...cluster.spec.postgresql.pg_hba, 'host all all all scram-sha-256', ''].join('\n'));
    postgres = new Background(`${bin}/postgres`, ['-D', join(root, 'data'), '-c', `port=${port}`, '-c', `unix_socket_directories=${root}`, '-c', 'listen_addresses=127.0.0.1', '-c', `hba_file=${join(root, 'pg_hba.conf')}`], {});
    await waitReady(port, postgres);
    // The Cluster's bootstrap (initdb: database app owned by app), and the application's tables.
    await superuser("CREATE ROLE app LOGIN PASSWORD 'app-pw'");
    await superuser('CREATE DATABASE app OWNER app');
    await superuser(`SET ROLE app;
      CREATE TABLE orders (id serial PRIMARY KEY, item text);
      INSERT INTO orders (item) VALUES ('first'), ('second');
      CREATE SCHEMA sales;
      CREATE TABLE sales.daily (day date PRIMARY KEY, total numeric);
      INSERT INTO sales.daily VALUES ('2026-12-01', 10);
      CREATE VIEW order_items AS SELECT item FROM orders;
      CREATE MATERIALIZED VIEW order_count AS SELECT count(*) AS n FROM orders;
      CREATE TABLE events (at date, what text) PARTITION BY RANGE (at);
      CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
      INSERT INTO events VALUES ('2026-12-01', 'opened');`, 'app');
    // A table someone else owns: the owner may not grant on it, and the Job must not fail on it.
    await superuser('CREATE TABLE public.audit (at timestamptz)', 'app');
  }, 120_000);

  afterAll(async () => {
    await postgres?.stop();
    removeDir(root);
  });

  it('the grants Job waits for the groups the operator makes, and gives up naming what is missing', async () => {
    const early = await runGrantsJob(server, { WAIT_SECONDS: '0' });
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('grants.sh: gave up after 0 s: group role app__read does not exist yet');
  });

  it('the operator\'s objects applied, the Job runs as the owner and succeeds; the tenants\' too', async () => {
    for (const db of [server, tenantA, tenantB]) await reconcile(db);
    // B's first: A's Job waits (WAIT_SECONDS) for every other tenant's database to be closed to PUBLIC.
    for (const db of [server, tenantB, tenantA]) {
      const result = await runGrantsJob(db, { WAIT_SECONDS: '20' });
      expect({ db: db.plan.namespace, code: result.code, err: result.stderr }).toEqual({ db: db.plan.namespace, code: 0, err: '' });
      expect(result.stdout).toContain('privileges of its access groups are in place');
    }
    expect(await psqlLocal(root, port, "SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname LIKE '%\\_\\_%' OR rolname IN ('analytics', 'etl', 'postgres_gitops_access') ORDER BY 1")).toBe(
      ['analytics|t', 'app__read|f', 'app__write|f', 'etl|t', 'postgres_gitops_access|f', 'team_a__orders|t', 'team_a__orders__bi|t', 'team_a__orders__read|f', 'team_a__orders__write|f', 'team_b__orders|t'].join('\n'),
    );
  });

  it('read: SELECT on every table, view and sequence of the owner\'s schemas; refused INSERT, UPDATE, DELETE, TRUNCATE, CREATE, DROP, ALTER', async () => {
    const read = (sql: string) => as('analytics', 'analytics-pw', 'app', sql);
    expect((await read('SELECT count(*) FROM orders; SELECT count(*) FROM sales.daily; SELECT count(*) FROM order_items; SELECT n FROM order_count; SELECT count(*) FROM events; SELECT last_value FROM orders_id_seq')).stdout).toBe('2\n1\n2\n2\n1\n2\n');
    for (const [sql, refusal] of [
      ["INSERT INTO orders (item) VALUES ('x')", /permission denied for table orders/],
      ["UPDATE orders SET item = 'x'", /permission denied for table orders/],
      ['DELETE FROM orders', /permission denied for table orders/],
      ['TRUNCATE orders', /permission denied for table orders/],
      ['CREATE TABLE public.mine (id int)', /permission denied for schema public/],
      ['CREATE TABLE sales.mine (id int)', /permission denied for schema sales/],
      ['CREATE SCHEMA mine', /permission denied for database app/],
      ['DROP TABLE orders', /must be owner of table orders/],
      ['ALTER TABLE orders ADD COLUMN x int', /must be owner of table orders/],
      ["SELECT nextval('orders_id_seq')", /permission denied for sequence orders_id_seq/],
    ] as const) {
      expect({ sql, stderr: (await read(sql)).stderr }).toEqual({ sql, stderr: expect.stringMatching(refusal) });
    }
    // Temporary tables stay open to the access groups: reporting tools build them.
    const temporary = await read('CREATE TEMP TABLE scratch AS SELECT * FROM orders; SELECT count(*) FROM scratch');
    expect(temporary).toMatchObject({ code: 0, stdout: expect.stringMatching(/2\n$/) });
  });

  it('write: INSERT, UPDATE, DELETE and nextval; refused TRUNCATE and every DDL', async () => {
    const write = (sql: string) => as('etl', 'etl-pw', 'app', sql);
    const changes = await write("INSERT INTO orders (item) VALUES ('third'); UPDATE orders SET item = 'THIRD' WHERE item = 'third'; DELETE FROM orders WHERE item = 'THIRD'; INSERT INTO sales.daily VALUES ('2026-12-02', 3); INSERT INTO events VALUES ('2026-12-02', 'x')");
    if (changes.code !== 0) console.log(postgres!.log.slice(-2500), JSON.stringify(changes));
    expect(changes).toMatchObject({ code: 0, stderr: '' });
    expect((await write("SELECT count(*), max(id) FROM orders")).stdout).toBe('2|2\n');
    expect((await write("SELECT nextval('orders_id_seq') > 2")).stdout).toBe('t\n');
    for (const [sql, refusal] of [
      ['TRUNCATE orders', /permission denied for table orders/],
      ['CREATE TABLE public.mine (id int)', /permission denied for schema public/],
      ['DROP TABLE orders', /must be owner of table orders/],
      ['ALTER TABLE orders ADD COLUMN x int', /must be owner of table orders/],
      ['CREATE INDEX ON orders (item)', /must be owner of table orders/],
      // PostgreSQL 17 added the MAINTAIN privilege, and words the refusal by it.
      ['REFRESH MATERIALIZED VIEW order_count', /must be owner of materialized view order_count|permission denied for materialized view order_count/],
    ] as const) {
      expect({ sql, stderr: (await write(sql)).stderr }).toEqual({ sql, stderr: expect.stringMatching(refusal) });
    }
  });

  it('covers what the owner creates later: a table in public, a new schema and its table', async () => {
    await superuser("SET ROLE app; CREATE TABLE later (id int); INSERT INTO later VALUES (1); CREATE SCHEMA reports; CREATE TABLE reports.monthly (m int); INSERT INTO reports.monthly VALUES (12);", 'app');
    expect((await as('analytics', 'analytics-pw', 'app', 'SELECT count(*) FROM later; SELECT m FROM reports.monthly')).stdout).toBe('1\n12\n');
    expect((await as('etl', 'etl-pw', 'app', 'INSERT INTO later VALUES (2); INSERT INTO reports.monthly VALUES (1)')).code).toBe(0);
    expect((await as('etl', 'etl-pw', 'app', 'SELECT count(*) FROM later')).stdout).toBe('2\n');
    expect((await as('analytics', 'analytics-pw', 'app', 'INSERT INTO later VALUES (3)')).stderr).toMatch(/permission denied for table later/);
  });

  it('a table the owner may not grant on is left out, not a failure; a superuser\'s grants (statefulset) would cover it', async () => {
    expect((await as('analytics', 'analytics-pw', 'app', 'SELECT * FROM audit')).stderr).toMatch(/permission denied for table audit/);
  });

  it('applying everything twice changes nothing', async () => {
    const before = await psqlLocal(root, port, CATALOG, 'app');
    for (const db of [server, tenantA, tenantB]) await reconcile(db);
    for (const db of [server, tenantA, tenantB]) expect((await runGrantsJob(db)).code).toBe(0);
    expect(await psqlLocal(root, port, CATALOG, 'app')).toBe(before);
  });

  it('access roles reach their own database only: pg_hba refuses postgres and template1, CONNECT every other', async () => {
    for (const database of ['postgres', 'template1']) {
      expect((await as('analytics', 'analytics-pw', database, 'SELECT 1')).stderr).toMatch(new RegExp(`pg_hba.conf rejects connection for host "127.0.0.1", user "analytics", database "${database}"`));
    }
    expect((await as('analytics', 'analytics-pw', 'team_a__orders', 'SELECT 1')).stderr).toMatch(/pg_hba.conf rejects connection/);
    // The owner and the tenants' owners are unaffected.
    expect((await as('app', 'app-pw', 'app', 'SELECT 1')).stdout).toBe('1\n');
    expect((await as('team_a__orders', 'a-pw', 'team_a__orders', 'SELECT 1')).stdout).toBe('1\n');
  });

  it('a tenant\'s access role reaches its tenant\'s database, not tenant B\'s, not the server\'s, not postgres or template1', async () => {
    await superuser('SET ROLE team_a__orders; CREATE TABLE a_data (v int); INSERT INTO a_data VALUES (7);', 'team_a__orders');
    const bi = (database: string, sql = 'SELECT 1') => as('team_a__orders__bi', 'a-bi-pw', database, sql);
    expect((await bi('team_a__orders', 'SELECT v FROM a_data')).stdout).toBe('7\n');
    expect((await bi('team_a__orders', 'INSERT INTO a_data VALUES (8)')).stderr).toMatch(/permission denied for table a_data/);
    expect((await bi('team_b__orders')).stderr).toMatch(/permission denied for database "?team_b__orders"?/);
    expect((await bi('app')).stderr).toMatch(/permission denied for database "?app"?/);
    for (const database of ['postgres', 'template1']) expect((await bi(database)).stderr).toMatch(/pg_hba.conf rejects connection/);
    // And a role of the server's own database is no way into a tenant's.
    expect((await as('etl', 'etl-pw', 'team_b__orders', 'SELECT 1')).stderr).toMatch(/pg_hba.conf rejects connection/);
  });

  it('read and write switch live (a membership change), both ways', async () => {
    const switched = renderDatabase(request('shared', 'databases', { engine: 'cloudnative-pg', version: major, tenants: true, backup: false, username: 'app', access: [{ role: 'etl', privileges: 'read' }, { role: 'analytics', privileges: 'write' }] }));
    await reconcile(switched);
    expect((await as('etl', 'etl-pw', 'app', "INSERT INTO orders (item) VALUES ('x')")).stderr).toMatch(/permission denied for table orders/);
    expect((await as('analytics', 'analytics-pw', 'app', "INSERT INTO orders (item) VALUES ('y'); DELETE FROM orders WHERE item = 'y'")).code).toBe(0);
    await reconcile(server);
    expect((await as('analytics', 'analytics-pw', 'app', "INSERT INTO orders (item) VALUES ('z')")).stderr).toMatch(/permission denied for table orders/);
  });

  it('rotation: a new password in the role\'s Secret is applied by the next reconcile; the old one is refused', async () => {
    await reconcile(server, { ...PASSWORDS, 'databases/shared-postgresql-role-analytics': 'analytics-pw-2' });
    expect((await as('analytics', 'analytics-pw', 'app', 'SELECT 1')).stderr).toMatch(/password authentication failed/);
    expect((await as('analytics', 'analytics-pw-2', 'app', 'SELECT 1')).stdout).toBe('1\n');
    await reconcile(server);
  });

  it('removal: deleting the role\'s DatabaseRole drops it (it holds nothing of its own); its login is gone; the groups stay', async () => {
    const without = renderDatabase(request('shared', 'databases', { engine: 'cloudnative-pg', version: major, tenants: true, backup: false, username: 'app', access: [{ role: 'etl', privileges: 'write' }] }));
    const removed = ofKind(server, 'DatabaseRole').filter(r => !ofKind(without, 'DatabaseRole').some(k => k.metadata.name === r.metadata.name));
    expect(removed.map(r => r.spec.name)).toEqual(['analytics']);
    // The one the GitOps tool deletes: its reclaim policy is delete, so the operator drops the role.
    await superuser(databaseRoleDeletedSql(removed[0]));
    expect(await psqlLocal(root, port, "SELECT count(*) FROM pg_roles WHERE rolname IN ('analytics', 'app__read', 'app__write')")).toBe('2');
    // pg_hba still names it until the Cluster's new pg_hba is reloaded: no such role, so its password fails.
    expect((await as('analytics', 'analytics-pw', 'app', 'SELECT 1')).stderr).toMatch(/password authentication failed for user "analytics"|pg_hba.conf rejects connection for host "127.0.0.1", user "analytics"/);
    // Every object the renderer no longer renders is either that role's or its Secret's.
    const gone = server.manifests.filter(m => !without.manifests.some(k => k.kind === m.kind && k.metadata.name === m.metadata.name)).map(m => `${m.kind}/${m.metadata.name}`);
    expect(gone.filter(g => !g.startsWith('Job/')).sort()).toEqual(['DatabaseRole/shared-postgresql-role-analytics', 'ExternalSecret/shared-postgresql-role-analytics', 'Password/shared-postgresql-role-analytics']);
  });

  it('planted: a privilege granted to the access role itself (not its group) blocks the drop; that is why privileges live on the groups', async () => {
    const bi = ofKind(tenantA, 'DatabaseRole').find(r => r.spec.name === 'team_a__orders__bi');
    await superuser('GRANT SELECT ON a_data TO team_a__orders__bi', 'team_a__orders');
    const drop = await run(`${PG_BIN}/psql`, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', root, '-p', String(port), '-U', 'postgres', '-d', 'postgres'], {}, databaseRoleDeletedSql(bi));
    expect(drop.code).not.toBe(0);
    // What the operator reports (it drops from the postgres database), and the detail in the tenant's.
    expect(drop.stderr).toMatch(/role "team_a__orders__bi" cannot be dropped because some objects depend on it[\s\S]*1 object in database team_a__orders/);
    const detail = await run(`${PG_BIN}/psql`, ['-X', '-q', '-h', root, '-p', String(port), '-U', 'postgres', '-d', 'team_a__orders', '-c', 'DROP ROLE team_a__orders__bi']);
    expect(detail.stderr).toMatch(/privileges for table a_data/);
  });
});

/**
 * The checks above, shown failing on planted violations: each runs on a server of its own with a
 * broken copy of what the renderer produces. PostgreSQL 14 where schema public is in play (15
 * already keeps PUBLIC from creating there), 16 for the rest.
 */
describe('the access checks on planted violations', () => {
  const render = (major: string) => renderDatabase(request('shared', 'databases', { engine: 'cloudnative-pg', version: major, backup: false, username: 'app', access: ACCESS }));
  let root: string;
  let port: number;
  let postgres: Background | undefined;

  async function start(major: string, db: RenderedDatabase, hba?: string[]): Promise<void> {
    root = makeDir(`access-planted-${major}`);
    port = await freePort();
    await initdb(join(root, 'data'), serverBin(major));
    const cluster = ofKind(db, 'Cluster')[0];
    writeOwned(join(root, 'pg_hba.conf'), ['local all all peer', ...(hba ?? cluster.spec.postgresql.pg_hba), 'host all all all scram-sha-256', ''].join('\n'));
    postgres = new Background(`${serverBin(major)}/postgres`, ['-D', join(root, 'data'), '-c', `port=${port}`, '-c', `unix_socket_directories=${root}`, '-c', 'listen_addresses=127.0.0.1', '-c', `hba_file=${join(root, 'pg_hba.conf')}`], {});
    await waitReady(port, postgres);
    const su = (sql: string, database = 'postgres') => runOk(`${PG_BIN}/psql`, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', root, '-p', String(port), '-U', 'postgres', '-d', database], {}, sql);
    await su("CREATE ROLE app LOGIN PASSWORD 'app-pw'");
    await su('CREATE DATABASE app OWNER app');
    await su('SET ROLE app; CREATE TABLE orders (id int); INSERT INTO orders VALUES (1);', 'app');
    for (const role of ofKind(db, 'DatabaseRole').sort((a, b) => Number(a.spec.login) - Number(b.spec.login))) {
      await su(databaseRoleSql(role, passwordOf(role)));
    }
    for (const database of ofKind(db, 'Database')) await su(schemaSql(database), 'app');
  }

  /** The Job's SQL, edited, run as the owner as the Job runs it. */
  async function grants(db: RenderedDatabase, edit: (sql: string) => string): Promise<RunResult> {
    const configMap = db.manifests.find(m => m.kind === 'ConfigMap' && m.metadata.name.endsWith('-access')) as any;
    const file = join(root, 'grants.sql');
    writeOwned(file, edit(configMap.data['access-grants.sql']));
    return run(`${PG_BIN}/psql`, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-v', 'db=app', '-v', 'owner=app', '-v', 'read_group=app__read', '-v', 'write_group=app__write', '-v', 'with_groups=true', '-h', '127.0.0.1', '-p', String(port), '-U', 'app', '-d', 'app', '-f', file], { PGPASSWORD: 'app-pw' });
  }

  afterEach(async () => {
    await postgres?.stop();
    removeDir(root);
  });

  it('without revoking CREATE on schema public (PostgreSQL 14), the read role creates a table there', async () => {
    const db = render('14');
    await start('14', db);
    expect((await grants(db, sql => sql.replace(/\n\s*REVOKE CREATE ON SCHEMA public FROM PUBLIC;/, ''))).code).toBe(0);
    expect((await psqlTcp(port, 'analytics', 'analytics-pw', 'app', 'CREATE TABLE public.mine (id int)')).code).toBe(0);
  });

  it('without the Database object that hands schema public to the owner (PostgreSQL 14), the owner cannot revoke and the read role creates a table there', async () => {
    const db = render('14');
    await start('14', { ...db, manifests: db.manifests.filter(m => m.kind !== 'Database') });
    expect((await grants(db, sql => sql)).code).toBe(0);
    expect((await psqlTcp(port, 'analytics', 'analytics-pw', 'app', 'CREATE TABLE public.mine (id int)')).code).toBe(0);
  });

  it('without the default privileges, a table the owner creates later is not readable', async () => {
    const db = render('16');
    await start('16', db);
    expect((await grants(db, sql => sql.replace(/^ALTER DEFAULT PRIVILEGES.*\n/gm, ''))).code).toBe(0);
    await runOk(`${PG_BIN}/psql`, ['-X', '-q', '-h', root, '-p', String(port), '-U', 'postgres', '-d', 'app', '-c', 'SET ROLE app; CREATE TABLE later (id int)']);
    expect((await psqlTcp(port, 'analytics', 'analytics-pw', 'app', 'SELECT * FROM later')).stderr).toMatch(/permission denied for table later/);
  });

  it('with GRANT ... ON ALL TABLES IN SCHEMA instead of the per-object loop, one table the owner may not grant on fails the whole Job', async () => {
    const db = render('16');
    await start('16', db);
    await runOk(`${PG_BIN}/psql`, ['-X', '-q', '-h', root, '-p', String(port), '-U', 'postgres', '-d', 'app', '-c', 'CREATE TABLE audit (at timestamptz)']);
    const result = await grants(db, sql => sql.replace(/DO \$grants\$[\s\S]*?\$grants\$;/, 'GRANT SELECT ON ALL TABLES IN SCHEMA public TO :"read_group";'));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/permission denied for table audit/);
  });

  it('without the reject line after the group\'s, an access role connects to the postgres database', async () => {
    const db = render('16');
    const hba = (ofKind(db, 'Cluster')[0].spec.postgresql.pg_hba as string[]).filter(line => !/ reject$/.test(line) || !line.includes('+app__read'));
    await start('16', db, hba);
    expect((await grants(db, sql => sql)).code).toBe(0);
    expect((await psqlTcp(port, 'analytics', 'analytics-pw', 'postgres', 'SELECT current_database()')).stdout).toBe('postgres\n');
  });

  it('a restore brings back the source\'s etl, which the copy does not list: the owner may not take its login or membership; the copy\'s pg_hba refuses it (review 3 m3)', async () => {
    // The source lists etl and analytics; the physical copy holds both roles, LOGIN, passwords and memberships.
    const source = render('16');
    await start('16', source);
    const copy = renderDatabase(request('shared', 'databases', { engine: 'cloudnative-pg', version: '16', backup: false, username: 'app', access: [{ role: 'analytics', privileges: 'read' }] }));
    const copyHba = ofKind(copy, 'Cluster')[0].spec.postgresql.pg_hba as string[];
    const reload = async (hba: string[]) => {
      writeOwned(join(root, 'pg_hba.conf'), ['local all all peer', ...hba, 'host all all all scram-sha-256', ''].join('\n'));
      await runOk(`${PG_BIN}/psql`, ['-X', '-q', '-h', root, '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-c', 'SELECT pg_reload_conf()']);
    };
    await reload(copyHba);
    expect((await grants(copy, sql => sql)).code).toBe(0);
    expect((await psqlTcp(port, 'analytics', 'analytics-pw', 'app', 'SELECT count(*) FROM orders')).stdout).toBe('1\n');
    expect((await psqlTcp(port, 'etl', 'etl-pw', 'app', 'SELECT 1')).stderr).toMatch(/pg_hba.conf rejects connection for host "127.0.0.1", user "etl", database "app"/);
    // What the grants Job's role (the owner) may do about it: nothing.
    const owner = (sql: string) => psqlTcp(port, 'app', 'app-pw', 'app', sql);
    expect((await owner('ALTER ROLE etl NOLOGIN')).stderr).toMatch(/permission denied/);
    expect((await owner('REVOKE app__write FROM etl')).stderr).toMatch(/permission denied/);
    // Planted: the copy's pg_hba admitting the groups, as before: etl writes with its old password.
    await reload(copyHba.map(line => (line.startsWith('host app ') ? 'host app +app__read,+app__write all scram-sha-256' : line)));
    expect((await psqlTcp(port, 'etl', 'etl-pw', 'app', 'INSERT INTO orders VALUES (2) RETURNING id')).stdout).toMatch(/^2$/m);
  });

  it('a tenant whose grants Job did not run is open to another tenant\'s access role, and that tenant\'s grants Job names it and fails for good (review 2 M2)', async () => {
    const srv = renderDatabase(request('shared', 'databases', { engine: 'cloudnative-pg', version: '16', tenants: true, backup: false, username: 'app' }));
    const a = renderDatabase(request('orders', 'team-a', { server: { name: 'shared', namespace: 'databases' }, access: [{ role: 'bi', privileges: 'read' }] }));
    const b = renderDatabase(request('orders', 'team-b', { server: { name: 'shared', namespace: 'databases' } }));
    await start('16', srv);
    const su = (sql: string) => runOk(`${PG_BIN}/psql`, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', root, '-p', String(port), '-U', 'postgres', '-d', 'postgres'], {}, sql);
    for (const db of [srv, a, b]) {
      for (const role of ofKind(db, 'DatabaseRole').sort((x, y) => Number(x.spec.login) - Number(y.spec.login))) await su(databaseRoleSql(role, passwordOf(role)));
      for (const database of ofKind(db, 'Database')) await su(databaseSql(database));
    }
    // Only A's Job ran: B still lets PUBLIC connect.
    const configMap = a.manifests.find(m => m.kind === 'ConfigMap' && m.metadata.name.endsWith('-access')) as any;
    writeOwned(join(root, 'grants.sql'), configMap.data['access-grants.sql']);
    await runOk(`${PG_BIN}/psql`, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-v', 'db=team_a__orders', '-v', 'owner=team_a__orders', '-v', 'read_group=team_a__orders__read', '-v', 'write_group=team_a__orders__write', '-v', 'with_groups=true', '-h', '127.0.0.1', '-p', String(port), '-U', 'team_a__orders', '-d', 'team_a__orders', '-f', join(root, 'grants.sql')], { PGPASSWORD: 'a-pw' });
    expect((await psqlTcp(port, 'team_a__orders__bi', 'a-bi-pw', 'team_b__orders', 'SELECT current_database()')).stdout).toBe('team_b__orders\n');

    // A's rendered grants Job (review 2 M2): it names the open database and fails for good (exit 3, FailJob).
    const job = ofKind(a, 'Job')[0];
    expect(job.spec.podFailurePolicy.rules).toEqual([{ action: 'FailJob', onExitCodes: { containerName: 'grants', operator: 'In', values: [3] } }]);
    const dir = join(root, 'tenant-a-job');
    mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(configMap.data as Record<string, string>)) writeOwned(join(dir, file), text, 0o755);
    const env: Record<string, string> = {};
    for (const e of job.spec.template.spec.containers[0].env) env[e.name] = e.valueFrom ? 'a-pw' : e.value;
    delete env.PGSSLROOTCERT;
    const jobRun = () => run('/bin/bash', [join(dir, 'grants.sh')], { ...env, PGHOST: '127.0.0.1', PGPORT: String(port), PGSSLMODE: 'disable', WAIT_SECONDS: '0' });
    const open = await jobRun();
    expect(open.code).toBe(3);
    expect(open.stderr).toMatch(/every role may connect to database\(s\) (.*, )?team_b__orders on this server/);
    // Planted: without the check (the rendered Job before this fix) the same run succeeds, leaving B open.
    writeOwned(join(dir, 'grants.sh'), (configMap.data['grants.sh'] as string).replace(/^if \[ "\$\(printenv CHECK_OPEN_DATABASES\)" = true \]; then$/m, 'if false; then'), 0o755);
    expect((await jobRun()).code).toBe(0);
    writeOwned(join(dir, 'grants.sh'), configMap.data['grants.sh'], 0o755);
    // Once B's and the server's Jobs ran (B re-rendered), A's passes.
    await su("SELECT format('REVOKE CONNECT ON DATABASE %I FROM PUBLIC', datname) FROM pg_database WHERE datname NOT IN ('postgres', 'template0', 'template1') \\gexec");
    expect((await jobRun()).code).toBe(0);
    expect((await psqlTcp(port, 'team_a__orders__bi', 'a-bi-pw', 'team_b__orders', 'SELECT 1')).stderr).toMatch(/permission denied for database "?team_b__orders"?/);
  });
});
