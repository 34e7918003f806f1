import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { statefulSetPlanFor } from '../../renderer/src/__testUtils__/plans';
import { Background, PG_BIN, psqlLocal, psqlTcp, run, SERVER_MAJORS, writeOwned, type RunResult } from '../support/postgres';
import { StatefulSetPrimary } from '../support/sts-primary';

/**
 * Access roles on the statefulset engine, on real PostgreSQL 13 to 18: the rendered primary
 * (primary.sh, with its role sync at start), then the primary's reload container's role-sync.sh
 * with its environment, the access list from the rendered ConfigMap and the passwords as the
 * mounted Secret lays them out (a file per role). It runs as the superuser through the local
 * socket, as in the pod.
 */
const ACCESS = [{ role: 'etl', privileges: 'write' }, { role: 'analytics', privileges: 'read' }, { role: 'bi', privileges: 'read' }];
const ROLE_PASSWORDS: Record<string, string> = { analytics: 'AnalyticsPassword0001', etl: 'EtlPassword000000001', bi: 'BiPassword0000000001', legacy: 'LegacyPassword000001', late: 'LatePassword00000001' };

/** Privileges, memberships, attributes and markers; not the temporary schemas a session's temp table leaves behind. */
const CATALOG = `SELECT concat_ws(E'\\n',
  (SELECT string_agg(c.oid::regclass || '=' || coalesce(c.relacl::text, '-'), ' ' ORDER BY c.oid::regclass::text) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'),
  (SELECT string_agg(nspname || '=' || nspowner::regrole || coalesce(nspacl::text, '-'), ' ' ORDER BY nspname) FROM pg_namespace WHERE nspname !~ '^pg_(toast_)?temp_'),
  (SELECT string_agg(datname || '=' || coalesce(datacl::text, '-'), ' ' ORDER BY datname) FROM pg_database),
  (SELECT string_agg(defaclrole::regrole || ':' || defaclobjtype::text || '=' || defaclacl::text, ' ' ORDER BY 1) FROM pg_default_acl),
  (SELECT string_agg(roleid::regrole || '>' || member::regrole, ' ' ORDER BY 1) FROM pg_auth_members),
  (SELECT string_agg(rolname || ':' || rolcanlogin || rolsuper || rolinherit || rolcreaterole || rolcreatedb || rolreplication || rolbypassrls, ' ' ORDER BY rolname) FROM pg_authid),
  (SELECT string_agg(objoid::regrole || '=' || description, ' ' ORDER BY 1) FROM pg_shdescription WHERE classoid = 'pg_authid'::regclass))`;

describe.each(SERVER_MAJORS)('statefulset access roles on real PostgreSQL %s (the primary\'s role sync)', major => {
  const plan = statefulSetPlanFor({ version: major, profile: 'prod', ssl: false, username: 'app', database: 'app', access: ACCESS });
  const primary = new StatefulSetPrimary(plan, major);
  let accessDir: string;
  let passwordsDir: string;
  const as = (user: string, password: string, sql: string, database = 'app'): Promise<RunResult> => psqlTcp(primary.port, user, password, database, sql);
  const su = (sql: string, database = 'app') => psqlLocal(primary.root, primary.port, sql, database);

  /** The ConfigMap's list, and the mounted Secret's files (a role without a password has no file yet). */
  function mount(list: { role: string; privileges: string }[], passwords: Record<string, string> = ROLE_PASSWORDS) {
    writeOwned(join(accessDir, 'roles.tsv'), list.map(r => `${r.role}\t${r.privileges}\n`).join(''));
    rmSync(passwordsDir, { recursive: true, force: true });
    mkdirSync(passwordsDir);
    for (const { role } of list) if (passwords[role]) writeOwned(join(passwordsDir, role), passwords[role], 0o440);
  }
  const sync = (script = join(primary.scripts, 'role-sync.sh')) =>
    run('/bin/bash', [script], primary.reloadEnv({ ACCESS_FILE: join(accessDir, 'roles.tsv'), ROLE_PASSWORDS_DIR: passwordsDir }));

  beforeAll(async () => {
    await primary.start();
    accessDir = join(primary.root, 'access');
    passwordsDir = join(primary.root, 'roles');
    await run('/bin/mkdir', ['-p', accessDir, passwordsDir]);
    await su(`SET ROLE app; CREATE TABLE orders (id serial PRIMARY KEY, item text); INSERT INTO orders (item) VALUES ('first'), ('second');
      CREATE SCHEMA sales; CREATE TABLE sales.daily (day int); INSERT INTO sales.daily VALUES (1);`);
    // A table the application does not own: the superuser's sync grants on it too.
    await su('CREATE TABLE audit (at int); INSERT INTO audit VALUES (1)');
  }, 300_000);

  afterAll(() => primary.stop());

  it('the rendered list is the ConfigMap\'s, and the primary\'s reload container carries no password in its environment', () => {
    const configMap = primary.manifests.find(m => m.kind === 'ConfigMap' && m.metadata.name === 'orders-postgresql-access') as any;
    expect(configMap.data['roles.tsv']).toBe('analytics\tread\nbi\tread\netl\twrite\n');
    const reload = (primary.manifests.find(m => m.kind === 'StatefulSet') as any).spec.template.spec.containers.find((c: any) => c.name === 'reload');
    expect(reload.env.filter((e: any) => e.valueFrom)).toEqual([]);
    expect(reload.volumeMounts.map((v: any) => v.mountPath)).toEqual(expect.arrayContaining(['/etc/postgres-gitops/access', '/var/run/secrets/postgres-gitops/roles']));
  });

  it('applies the roles: read SELECTs the owner\'s tables (not another owner\'s: the grants run as the owner), refused writes and DDL; write writes, refused DDL', async () => {
    mount(ACCESS);
    const result = await sync();
    expect({ code: result.code, out: result.stdout }).toEqual({ code: 0, out: 'role-sync: access roles of app applied (3 listed)\n' });
    expect(result.stderr).toMatch(/role-sync: created access role analytics \(read\)/);
    expect((await as('analytics', ROLE_PASSWORDS.analytics, 'SELECT count(*) FROM orders; SELECT count(*) FROM sales.daily')).stdout).toBe('2\n1\n');
    expect((await as('analytics', ROLE_PASSWORDS.analytics, 'SELECT count(*) FROM audit')).stderr).toMatch(/permission denied for table audit/);
    for (const sql of ["INSERT INTO orders (item) VALUES ('x')", 'DELETE FROM orders', 'CREATE TABLE public.mine (id int)', 'DROP TABLE orders', 'TRUNCATE orders']) {
      expect({ sql, code: (await as('analytics', ROLE_PASSWORDS.analytics, sql)).code }).toEqual({ sql, code: 1 });
    }
    expect((await as('etl', ROLE_PASSWORDS.etl, "INSERT INTO orders (item) VALUES ('third'); UPDATE orders SET item = 'THIRD' WHERE item = 'third'; DELETE FROM orders WHERE item = 'THIRD'")).code).toBe(0);
    expect((await as('etl', ROLE_PASSWORDS.etl, 'CREATE TABLE public.mine (id int)')).stderr).toMatch(/permission denied for schema public/);
    expect((await as('etl', ROLE_PASSWORDS.etl, 'ALTER TABLE orders ADD COLUMN x int')).stderr).toMatch(/must be owner of table orders/);
  });

  it('keeps the backup role able to connect once PUBLIC may not (it dumps the database), and the owner', async () => {
    expect((await as('app', 'app-pw', 'SELECT 1')).stdout).toBe('1\n');
    if (plan.backupRole?.ownSecret) expect((await as('postgres_backup', 'backup-pw', 'SELECT count(*) FROM orders')).stdout).toBe('2\n');
    // A role nobody granted CONNECT is refused now.
    await su("CREATE ROLE stranger LOGIN PASSWORD 'StrangerPassword0001'", 'postgres');
    expect((await as('stranger', 'StrangerPassword0001', 'SELECT 1')).stderr).toMatch(/permission denied for database "?app"?/);
  });

  it('covers tables created later, by the owner at once (default privileges) and what a group lacks at the next pass', async () => {
    await su('SET ROLE app; CREATE TABLE later (id int); INSERT INTO later VALUES (1);');
    expect((await as('analytics', ROLE_PASSWORDS.analytics, 'SELECT count(*) FROM later')).stdout).toBe('1\n');
    await su('SET ROLE app; CREATE TABLE revoked (id int); REVOKE ALL ON revoked FROM app__read, app__write;');
    expect((await as('analytics', ROLE_PASSWORDS.analytics, 'SELECT * FROM revoked')).code).toBe(1);
    expect((await sync()).code).toBe(0);
    expect((await as('analytics', ROLE_PASSWORDS.analytics, 'SELECT count(*) FROM revoked')).stdout).toBe('0\n');
  });

  it('applying twice changes nothing, not even a catalog row: no relation is granted again (review 2 m9)', async () => {
    const before = await su(CATALOG);
    const xmins = "SELECT string_agg(c.relname || ':' || c.xmin, ' ' ORDER BY c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ('public', 'sales')";
    const rows = await su(xmins);
    expect((await sync()).code).toBe(0);
    expect(await su(CATALOG)).toBe(before);
    expect(await su(xmins)).toBe(rows);
  });

  it('pg_hba: an access role reaches its database only', async () => {
    for (const database of ['postgres', 'template1']) {
      expect((await as('analytics', ROLE_PASSWORDS.analytics, 'SELECT 1', database)).stderr).toMatch(/pg_hba.conf rejects connection for host "127.0.0.1", user "analytics"/);
    }
  });

  it('switches read and write, rotates a password, and drops a role that left the list; its login is gone', async () => {
    mount([{ role: 'etl', privileges: 'read' }, { role: 'analytics', privileges: 'read' }], { ...ROLE_PASSWORDS, analytics: 'AnalyticsPassword0002' });
    const result = await sync();
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/role-sync: dropped access role bi/);
    expect((await as('etl', ROLE_PASSWORDS.etl, "INSERT INTO orders (item) VALUES ('x')")).stderr).toMatch(/permission denied for table orders/);
    expect((await as('analytics', ROLE_PASSWORDS.analytics, 'SELECT 1')).stderr).toMatch(/password authentication failed/);
    expect((await as('analytics', 'AnalyticsPassword0002', 'SELECT 1')).stdout).toBe('1\n');
    expect(await su("SELECT count(*) FROM pg_roles WHERE rolname = 'bi'", 'postgres')).toBe('0');
    expect((await as('bi', ROLE_PASSWORDS.bi, 'SELECT 1')).code).not.toBe(0);
  });

  it('a role that left the list but owns objects is kept without login or password, its data intact, and the log says why', async () => {
    await su('ALTER TABLE sales.daily OWNER TO etl');
    mount([{ role: 'analytics', privileges: 'read' }], { ...ROLE_PASSWORDS, analytics: 'AnalyticsPassword0002' });
    const result = await sync();
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/role-sync: access role etl left spec.access but owns objects: kept without login and password/);
    expect(await su("SELECT rolcanlogin, rolpassword IS NULL FROM pg_authid WHERE rolname = 'etl'", 'postgres')).toBe('f|t');
    expect(await su('SELECT count(*) FROM sales.daily')).toBe('1');
  });

  it('never adopts a role of that name it did not make, and applies the others', async () => {
    await su("CREATE ROLE legacy LOGIN PASSWORD 'old-legacy-password'", 'postgres');
    mount([{ role: 'analytics', privileges: 'read' }, { role: 'legacy', privileges: 'write' }], { ...ROLE_PASSWORDS, analytics: 'AnalyticsPassword0002' });
    const result = await sync();
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/role-sync: refusing access role legacy: a role of that name exists and is not an access role of database app/);
    expect((await as('legacy', 'old-legacy-password', 'SELECT 1', 'postgres')).stdout).toBe('1\n');
    expect(await su("SELECT count(*) FROM pg_auth_members WHERE member = 'legacy'::regrole", 'postgres')).toBe('0');
  });

  it('planted: without the marker check, the sync takes over a role someone made by hand (its password changes)', async () => {
    const planted = join(primary.scripts, 'planted');
    await run('/bin/mkdir', ['-p', planted]);
    for (const file of ['role-sync.sh', 'access-grants.sql']) writeOwned(join(planted, file), readFileSync(join(primary.scripts, file), 'utf8'), 0o755);
    const sql = readFileSync(join(primary.scripts, 'access-sync.sql'), 'utf8');
    const withoutCheck = sql.replace(/IF EXISTS \(SELECT FROM pg_catalog\.pg_roles WHERE rolname = d\.role AND coalesce[\s\S]*?CONTINUE;\n    END IF;/, '');
    expect(withoutCheck).not.toBe(sql);
    writeOwned(join(planted, 'access-sync.sql'), withoutCheck);
    expect((await sync(join(planted, 'role-sync.sh'))).code).toBe(0);
    // The previous test's checks now fail: the hand-made role lost its password and joined the write group.
    expect((await as('legacy', 'old-legacy-password', 'SELECT 1', 'postgres')).code).not.toBe(0);
    expect(await su("SELECT count(*) FROM pg_auth_members WHERE member = 'legacy'::regrole", 'postgres')).toBe('1');
    expect((await as('legacy', ROLE_PASSWORDS.legacy, 'SELECT 1')).stdout).toBe('1\n');
  });

  it('a listed role whose password has not reached the pod is neither created nor dropped', async () => {
    mount([{ role: 'analytics', privileges: 'read' }, { role: 'late', privileges: 'read' }], { analytics: 'AnalyticsPassword0002' });
    const result = await sync();
    expect(result.stderr).toMatch(/role-sync: access role late: its password has not reached this pod yet/);
    expect(await su("SELECT count(*) FROM pg_roles WHERE rolname = 'late'", 'postgres')).toBe('0');
    // A listed role whose password file is gone for a moment (the Secret being rewritten) is left as it is.
    mount([{ role: 'analytics', privileges: 'read' }, { role: 'late', privileges: 'read' }], {});
    expect((await sync()).code).toBe(0);
    expect((await as('analytics', 'AnalyticsPassword0002', 'SELECT 1')).stdout).toBe('1\n');
  });

  it('the primary\'s reload loop applies a new role within its interval, without restarting the server', async () => {
    const pid = await su('SELECT pg_postmaster_start_time()', 'postgres');
    mount([{ role: 'analytics', privileges: 'read' }], { analytics: 'AnalyticsPassword0002' });
    const loop = new Background('/bin/bash', [join(primary.scripts, 'reload.sh')], primary.reloadEnv({ ACCESS_FILE: join(accessDir, 'roles.tsv'), ROLE_PASSWORDS_DIR: passwordsDir, RELOAD_INTERVAL_SECONDS: '1' }));
    try {
      for (let i = 0; i < 100 && !loop.log.includes('access roles of app applied'); i++) await new Promise(r => setTimeout(r, 100));
      mount([{ role: 'analytics', privileges: 'read' }, { role: 'late', privileges: 'write' }], { analytics: 'AnalyticsPassword0002', late: ROLE_PASSWORDS.late });
      let login = await as('late', ROLE_PASSWORDS.late, 'SELECT 1');
      for (let i = 0; i < 100 && login.code !== 0; i++) {
        await new Promise(r => setTimeout(r, 100));
        login = await as('late', ROLE_PASSWORDS.late, 'SELECT 1');
      }
      expect(login.stdout).toBe('1\n');
    } finally {
      await loop.stop();
    }
    expect(await su('SELECT pg_postmaster_start_time()', 'postgres')).toBe(pid);
    expect(loop.log).toMatch(/created access role late \(write\)/);
  });

  describe('the owner\'s own functions and schemas never run with the superuser\'s rights (review 2 B1)', () => {
    const superuser = () => su("SELECT rolsuper FROM pg_roles WHERE rolname = 'app'", 'postgres');
    beforeAll(async () => {
      // What the application (its owner, no superuser) may do in its own database: a schema named
      // as the superuser ("$user" comes first on its path), a format(text, text) there and in public
      // (a better match than pg_catalog.format(text, VARIADIC "any")), its database's search_path.
      const trojan = (schema: string) => `CREATE FUNCTION ${schema}.format(fmt text, arg text) RETURNS text LANGUAGE plpgsql AS $f$
        BEGIN
          IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN EXECUTE 'ALTER ROLE app SUPERUSER'; END IF;
          RETURN pg_catalog.format(fmt, arg);
        END $f$;`;
      const result = await as('app', 'app-pw', `CREATE SCHEMA postgres; ${trojan('postgres')} ${trojan('public')} ALTER DATABASE app SET search_path = postgres, public;`);
      expect(result.stderr).toBe('');
      mount([{ role: 'analytics', privileges: 'read' }, { role: 'bi', privileges: 'read' }], { ...ROLE_PASSWORDS, analytics: 'AnalyticsPassword0002' });
    });
    afterAll(async () => {
      await su('ALTER ROLE app NOSUPERUSER; ALTER DATABASE app RESET search_path', 'postgres');
      await su('DROP SCHEMA postgres CASCADE; DROP FUNCTION public.format(text, text)');
    });

    it('the rendered role sync creates a role and grants, and the owner stays no superuser', async () => {
      const result = await sync();
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(/created access role bi \(read\)/);
      expect(await superuser()).toBe('f');
      expect((await as('app', 'app-pw', "COPY (SELECT 1) TO PROGRAM 'true'")).stderr).toMatch(/permission denied|must be superuser/);
    });

    it('planted: without the search path and the qualified calls, the owner becomes superuser at the next sync', async () => {
      const planted = join(primary.scripts, 'planted-path');
      await run('/bin/mkdir', ['-p', planted]);
      const unsafe = (text: string) => text.replace(/^export PGOPTIONS=.*$/m, '').replace(/^SET search_path = pg_catalog, pg_temp;$/gm, '').replace(/pg_catalog\.(format|set_config|current_setting)\(/g, '$1(');
      for (const file of ['role-sync.sh', 'access-sync.sql', 'access-grants.sql']) {
        const text = readFileSync(join(primary.scripts, file), 'utf8');
        expect(unsafe(text)).not.toBe(text);
        writeOwned(join(planted, file), unsafe(text), 0o755);
      }
      mount([{ role: 'analytics', privileges: 'read' }, { role: 'late', privileges: 'read' }], { ...ROLE_PASSWORDS, analytics: 'AnalyticsPassword0002' });
      expect((await sync(join(planted, 'role-sync.sh'))).code).toBe(0);
      expect(await superuser()).toBe('t');
    });
  });

  describe('a failing ALTER ROLE never writes the password to a log (review 2 m2)', () => {
    beforeAll(async () => {
      mount([{ role: 'analytics', privileges: 'read' }], { analytics: 'AnalyticsPassword0002' });
      expect((await sync()).code).toBe(0);
    });
    /** Runs the sync while another transaction holds analytics' catalog row, cancels it as it waits, and returns every log line. */
    async function cancelledSync(script: string, password: string): Promise<string> {
      mount([{ role: 'analytics', privileges: 'read' }], { analytics: password });
      const holder = new Background(`${PG_BIN}/psql`, ['-X', '-h', primary.root, '-p', String(primary.port), '-U', 'postgres', '-d', 'postgres', '-c', 'BEGIN', '-c', 'ALTER ROLE analytics CONNECTION LIMIT 3', '-c', 'SELECT pg_sleep(60)'], {});
      try {
        const waiting = "SELECT count(*) FROM pg_locks WHERE locktype = 'transactionid' AND NOT granted";
        for (let i = 0; i < 100 && (await su("SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()", 'postgres')) !== '1'; i++) await new Promise(r => setTimeout(r, 100));
        const before = primary.server!.log.length;
        const syncing = sync(script);
        for (let i = 0; i < 100 && (await su(waiting, 'postgres')) === '0'; i++) await new Promise(r => setTimeout(r, 100));
        expect(await su("SELECT count(*) FROM (SELECT pg_cancel_backend(l.pid) FROM pg_locks l WHERE l.locktype = 'transactionid' AND NOT l.granted) c", 'postgres')).toBe('1');
        const result = await syncing;
        expect(result.code).not.toBe(0);
        return primary.server!.log.slice(before) + result.stdout + result.stderr;
      } finally {
        await su("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()", 'postgres');
        await holder.stop();
      }
    }

    it('cancelled while it waits on the role\'s row lock: the error is logged, the password is not', async () => {
      const log = await cancelledSync(join(primary.scripts, 'role-sync.sh'), 'AnalyticsPassword0004');
      expect(log).toMatch(/canceling statement due to user request/);
      expect(log).not.toContain('AnalyticsPassword0004');
    });

    it('planted: with the default verbosity the error\'s CONTEXT carries the password into the logs', async () => {
      const planted = join(primary.scripts, 'planted-verbosity');
      await run('/bin/mkdir', ['-p', planted]);
      for (const file of ['role-sync.sh', 'access-grants.sql']) writeOwned(join(planted, file), readFileSync(join(primary.scripts, file), 'utf8'), 0o755);
      const sql = readFileSync(join(primary.scripts, 'access-sync.sql'), 'utf8');
      const verbose = sql.replace("SET log_error_verbosity = 'terse';\n", '').replace('\\set VERBOSITY terse\n', '').replace('\\set SHOW_CONTEXT never\n', '');
      expect(verbose).not.toBe(sql);
      writeOwned(join(planted, 'access-sync.sql'), verbose);
      expect(await cancelledSync(join(planted, 'role-sync.sh'), 'AnalyticsPassword0005')).toContain('AnalyticsPassword0005');
    });
  });
});
