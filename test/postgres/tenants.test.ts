import { join } from 'node:path';
import { parse } from 'yaml';
import { renderDatabase, retirement, type Manifest } from '@postgres-gitops/renderer';
import { Background, freePort, initdb, makeDir, PG_BIN, psqlLocal, psqlTcp, removeDir, runOk, waitReady, writeOwned } from '../support/postgres';

/**
 * What the operator does with a tenant's Database and DatabaseRole, run for real: the SQL they
 * mean (CloudNativePG's instance manager issues the same statements), twice, on PostgreSQL 15
 * whose pg_hba.conf is CloudNativePG's layout (fixed local rule, the rendered user rules of a
 * server with tenants: true, its default rule). The fixed hostssl certificate rules concern
 * streaming_replica and the pooler only and need TLS, so they are left out here.
 */
const server = renderDatabase({ apiVersion: 'postgres-gitops.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name: 'shared', namespace: 'databases' }, spec: { engine: 'cloudnative-pg', tenants: true, backup: false } });
const tenant = (namespace: string) => renderDatabase({ apiVersion: 'postgres-gitops.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name: 'orders', namespace }, spec: { server: { name: 'shared', namespace: 'databases' }, connectionLimit: 3 } });
const objectOf = (manifests: Manifest[], kind: string) => manifests.find(m => m.kind === kind) as any;

function hbaFile(): string {
  const cluster = objectOf(server.manifests, 'Cluster');
  return ['local all all peer', ...cluster.spec.postgresql.pg_hba, 'host all all all scram-sha-256', ''].join('\n');
}

/**
 * What the instance manager does with a Database of ensure: absent (DROP DATABASE IF EXISTS,
 * internal/management/controller/database_controller_sql.go dropDatabase) and with a deleted
 * DatabaseRole of reclaim policy delete (DROP ROLE IF EXISTS, roles/postgres.go; handleDeletion in
 * databaserole_controller.go), CloudNativePG v1.30.0.
 */
function dropSql(role: any, database: any, roleDeleted: boolean): string {
  return [
    `\\set role '${role.spec.name}'`,
    `\\set database '${database.spec.name}'`,
    ...(database.spec.ensure === 'absent' ? ['DROP DATABASE IF EXISTS :"database";'] : []),
    ...(roleDeleted && role.spec.databaseRoleReclaimPolicy === 'delete' ? ['DROP ROLE IF EXISTS :"role";'] : []),
    '',
  ].join('\n');
}

/** CREATE or ALTER, as the instance manager reconciles a DatabaseRole and then a Database; psql variables keep values out of the text. */
function reconcileSql(role: any, database: any): string {
  const r = role.spec;
  const d = database.spec;
  const attributes = `${r.login ? 'LOGIN' : 'NOLOGIN'} ${r.superuser ? 'SUPERUSER' : 'NOSUPERUSER'} ${r.createdb ? 'CREATEDB' : 'NOCREATEDB'} ${r.createrole ? 'CREATEROLE' : 'NOCREATEROLE'} ${r.inherit ? 'INHERIT' : 'NOINHERIT'} ${r.replication ? 'REPLICATION' : 'NOREPLICATION'} ${r.bypassrls ? 'BYPASSRLS' : 'NOBYPASSRLS'} CONNECTION LIMIT ${r.connectionLimit ?? -1}`;
  return [
    `\\set role '${r.name}'`,
    `\\set database '${d.name}'`,
    `\\set owner '${d.owner}'`,
    `\\set password \`printenv ROLE_PASSWORD\``,
    `SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') AS create_role \\gset`,
    `\\if :create_role`,
    `  CREATE ROLE :"role";`,
    `\\endif`,
    `ALTER ROLE :"role" WITH ${attributes};`,
    ...(r.passwordSecret ? [`ALTER ROLE :"role" PASSWORD :'password';`] : r.disablePassword ? [`ALTER ROLE :"role" PASSWORD NULL;`] : []),
    // A Database of ensure: absent is dropped (dropSql), never created.
    ...(d.ensure === 'absent'
      ? []
      : [
          `SELECT NOT EXISTS (SELECT FROM pg_database WHERE datname = :'database') AS create_database \\gset`,
          `\\if :create_database`,
          `  CREATE DATABASE :"database" OWNER :"owner";`,
          `\\endif`,
          `ALTER DATABASE :"database" OWNER TO :"owner";`,
        ]),
    '',
  ].join('\n');
}

describe('tenants on a real PostgreSQL 15 server with the rendered pg_hba rules', () => {
  let root: string;
  let port: number;
  let postgres: Background | undefined;
  const a = tenant('team-a');
  const b = tenant('team-b');

  async function reconcile(db: typeof a, password: string) {
    const sql = reconcileSql(objectOf(db.manifests, 'DatabaseRole'), objectOf(db.manifests, 'Database'));
    await runOk(`${PG_BIN}/psql`, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', root, '-p', String(port), '-U', 'postgres', '-d', 'postgres'], { ROLE_PASSWORD: password }, sql);
  }

  beforeAll(async () => {
    root = makeDir('tenants');
    port = await freePort();
    await initdb(join(root, 'data'));
    writeOwned(join(root, 'pg_hba.conf'), hbaFile());
    postgres = new Background(`${PG_BIN}/postgres`, ['-D', join(root, 'data'), '-c', `port=${port}`, '-c', `unix_socket_directories=${root}`, '-c', 'listen_addresses=127.0.0.1', '-c', `hba_file=${join(root, 'pg_hba.conf')}`], {});
    await waitReady(port, postgres);
    // The server's own application, as the Cluster's bootstrap makes it.
    await psqlLocal(root, port, "CREATE ROLE app LOGIN PASSWORD 'app-pw'");
    await psqlLocal(root, port, 'CREATE DATABASE app OWNER app');
  });

  afterAll(async () => {
    await postgres?.stop();
    removeDir(root);
  });

  const superuser = (sql: string) => runOk(`${PG_BIN}/psql`, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', root, '-p', String(port), '-U', 'postgres', '-d', 'postgres'], {}, sql);
  const exists = async (db: string) =>
    psqlLocal(root, port, `SELECT (SELECT count(*) FROM pg_database WHERE datname = '${db}') || '/' || (SELECT count(*) FROM pg_roles WHERE rolname = '${db}')`);

  it('creates each database with its owner role, login, password and connection limit; running it again changes nothing', async () => {
    for (let i = 0; i < 2; i++) {
      await reconcile(a, 'pw-a');
      await reconcile(b, 'pw-b');
    }
    expect(await psqlLocal(root, port, "SELECT rolname, rolcanlogin, rolconnlimit FROM pg_roles WHERE rolname LIKE 'team_%' ORDER BY 1")).toBe('team_a__orders|t|3\nteam_b__orders|t|3');
    expect(await psqlLocal(root, port, "SELECT datname, pg_get_userbyid(datdba) FROM pg_database WHERE datname LIKE 'team_%' ORDER BY 1")).toBe('team_a__orders|team_a__orders\nteam_b__orders|team_b__orders');
    expect((await psqlTcp(port, 'team_a__orders', 'pw-a', 'team_a__orders', 'CREATE TABLE orders (id int)')).code).toBe(0);
    expect((await psqlTcp(port, 'team_a__orders', 'pw-a', 'team_a__orders', 'SELECT current_user')).stdout).toBe('team_a__orders\n');
  });

  it('keeps tenants apart: A cannot connect to B\'s database nor to the server\'s own, even with the right password', async () => {
    const intoB = await psqlTcp(port, 'team_a__orders', 'pw-a', 'team_b__orders', 'SELECT 1');
    expect(intoB.code).not.toBe(0);
    expect(intoB.stderr).toMatch(/pg_hba.conf rejects connection for host "127.0.0.1", user "team_a__orders", database "team_b__orders"/);
    expect((await psqlTcp(port, 'team_a__orders', 'pw-a', 'app', 'SELECT 1')).stderr).toMatch(/pg_hba.conf rejects connection/);
    expect((await psqlTcp(port, 'team_b__orders', 'pw-b', 'team_b__orders', 'SELECT 1')).stdout).toBe('1\n');
    expect((await psqlTcp(port, 'app', 'app-pw', 'app', 'SELECT 1')).stdout).toBe('1\n');
    expect((await psqlTcp(port, 'app', 'app-pw', 'team_a__orders', 'SELECT 1')).stderr).toMatch(/pg_hba.conf rejects connection/);
  });

  it('a retired tenant keeps its database and data, and its role can no longer log in', async () => {
    const stored = parse(a.files[`${a.directory}/request.yaml`]);
    const retired = { ...a, manifests: Object.values(retirement(stored, a.plan.platform).files).filter(text => /^kind: (DatabaseRole|Database)$/m.test(text)).map(text => parse(text)) };
    await reconcile(retired, '');
    const login = await psqlTcp(port, 'team_a__orders', 'pw-a', 'team_a__orders', 'SELECT 1');
    expect(login.stderr).toMatch(/password authentication failed|is not permitted to log in/);
    expect(await psqlLocal(root, port, 'SELECT count(*) FROM orders', 'team_a__orders')).toBe('0');
    expect(await psqlLocal(root, port, "SELECT rolcanlogin, rolpassword IS NULL FROM pg_authid WHERE rolname = 'team_a__orders'")).toBe('f|t');
  });

  it('deleted for good through git: the second retirement drops the database, removing the record drops the role', async () => {
    await reconcile(b, 'pw-b');
    const stored = parse(b.files[`${b.directory}/request.yaml`]);
    const retiredFiles = retirement(stored, b.plan.platform).files;
    const objects = (files: Record<string, string>) => Object.values(files).filter(text => /^kind: (DatabaseRole|Database)$/m.test(text)).map(text => parse(text));
    const [retiredRole, retiredDb] = ['DatabaseRole', 'Database'].map(kind => objects(retiredFiles).find(o => o.kind === kind));
    await reconcile({ ...b, manifests: [retiredRole, retiredDb] }, '');
    expect(() => retirement(parse(retiredFiles[`${b.directory}/request.yaml`]), b.plan.platform)).toThrow(/already retired.*--allow-destructive/);

    const drop = retirement(parse(retiredFiles[`${b.directory}/request.yaml`]), b.plan.platform, undefined, { dropData: true });
    const [role, database] = ['DatabaseRole', 'Database'].map(kind => objects(drop.files).find(o => o.kind === kind));
    expect(database.spec.ensure).toBe('absent');
    expect(role.spec.databaseRoleReclaimPolicy).toBe('delete');
    for (const o of [role, database]) expect(o.metadata.annotations ?? {}).not.toHaveProperty('kustomize.toolkit.fluxcd.io/prune');
    // Applied (twice, as reconciles repeat): the database is gone, the role stays while its object does.
    for (let i = 0; i < 2; i++) {
      await reconcile({ ...b, manifests: [role, database] }, '');
      await superuser(dropSql(role, database, false));
    }
    expect(await exists('team_b__orders')).toBe('0/1');
    // The last step removes the directory: the GitOps tool deletes the objects, the role's deletion drops it.
    const last = retirement(parse(drop.files[`${b.directory}/request.yaml`]), b.plan.platform);
    expect(last.files).toEqual({});
    await superuser(dropSql(role, database, true));
    expect(await exists('team_b__orders')).toBe('0/0');
  });

  it('the steps the retirement used to give did not delete: objects still applied re-create what psql dropped', async () => {
    await reconcile(a, 'pw-a');
    const stored = parse(a.files[`${a.directory}/request.yaml`]);
    const retired = Object.values(retirement(stored, a.plan.platform).files).filter(text => /^kind: (DatabaseRole|Database)$/m.test(text)).map(text => parse(text));
    await superuser('DROP DATABASE "team_a__orders"; DROP ROLE "team_a__orders";');
    expect(await exists('team_a__orders')).toBe('0/0');
    // The next reconcile of the Database and DatabaseRole, still applied (ensure: present), brings both back, empty.
    await reconcile({ ...a, manifests: retired }, '');
    expect(await exists('team_a__orders')).toBe('1/1');
  });
});
