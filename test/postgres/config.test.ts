import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { SIZES } from '@postgres-gitops/renderer';
import { postgresSettings, RESTART_SETTINGS } from '../../renderer/src/plan/postgres-settings';
import { statefulSetPlanFor } from '../../renderer/src/__testUtils__/plans';
import { compareSettings, pgSettings } from '../support/pg-settings';
import { Background, run, freePort, initdb, makeCertificate, makeDir, PG_BIN, psqlLocal, psqlTcp, removeDir, SERVER_MAJORS, serverBin, waitReady, writeOwned } from '../support/postgres';

/** Settings the test harness overrides on the command line (paths and ports of this machine). */
const OVERRIDDEN = ['port', 'unix_socket_directories', 'ssl_cert_file', 'ssl_key_file'];

const variants = SIZES.flatMap(size => [
  { label: `${size}, dev`, spec: { size, profile: 'dev' } },
  { label: `${size}, prod with ssl, backup and monitoring`, spec: { size, profile: 'prod' } },
]);

/** What a server logs for a setting it does not know, cannot take, or has retired. */
const SETTING_COMPLAINTS = /unrecognized configuration parameter|invalid value for parameter|is deprecated|obsolete|could not be changed|configuration file .* contains errors/i;

describe.each(SERVER_MAJORS)('rendered postgresql.conf and pg_hba.conf on a real PostgreSQL %s', major => {
  const bin = serverBin(major);
  let template: string;

  beforeAll(async () => {
    template = makeDir(`template-${major}`);
    await initdb(join(template, 'data'), bin);
  });
  afterAll(() => removeDir(template));

  it.each(variants)('$label: the server starts with them and SHOW proves every setting took effect', async ({ spec }) => {
    const plan = statefulSetPlanFor({ ...spec, version: major, database: 'orders', username: 'orders_app' });
    const dir = makeDir('config');
    const server = { stop: async () => 0 } as Pick<Background, 'stop'>;
    try {
      execFileSync('cp', ['-a', join(template, 'data'), join(dir, 'data')]);
      const files = plan.configFiles;
      writeOwned(join(dir, 'postgresql.conf'), files['postgresql.conf']);
      writeOwned(join(dir, 'pg_hba.conf'), files['pg_hba.conf']);
      const port = await freePort();
      const args = ['-D', join(dir, 'data'), '-c', `config_file=${join(dir, 'postgresql.conf')}`, '-c', `hba_file=${join(dir, 'pg_hba.conf')}`, '-c', `port=${port}`, '-c', `unix_socket_directories=${dir}`];
      if (plan.spec.ssl) {
        const tls = makeCertificate(dir);
        args.push('-c', `ssl_cert_file=${tls.cert}`, '-c', `ssl_key_file=${tls.key}`);
      }
      const postgres = new Background(`${bin}/postgres`, args, {});
      Object.assign(server, { stop: () => postgres.stop() });
      await waitReady(port, postgres);

      const expected = postgresSettings({ tuning: plan.tuning, port: plan.port, standbys: plan.standbys, ssl: plan.spec.ssl });
      const names = Object.keys(expected).filter(n => !OVERRIDDEN.includes(n));
      const { actual, wanted, notFromFile } = compareSettings(await pgSettings(dir, port, names), Object.fromEntries(names.map(n => [n, expected[n]])));
      expect(actual).toEqual(wanted);
      expect(notFromFile).toEqual([]);

      // Exactly the settings this major applies only at start need a restart (the pods' checksum); every other one a reload applies.
      const contexts = JSON.parse(await psqlLocal(dir, port, `SELECT json_object_agg(lower(name), context) FROM pg_settings WHERE lower(name) IN (${Object.keys(expected).map(n => `'${n}'`).join(',')})`));
      expect(Object.keys(contexts).sort()).toEqual(Object.keys(expected).sort());
      expect(Object.keys(expected).filter(n => contexts[n] === 'postmaster').sort()).toEqual(Object.keys(expected).filter(n => RESTART_SETTINGS.has(n)).sort());
      expect(Object.values(contexts).filter(c => !['postmaster', 'sighup', 'superuser', 'user', 'backend', 'superuser-backend'].includes(c as string))).toEqual([]);
      expect(await psqlLocal(dir, port, 'SHOW server_version_num')).toMatch(new RegExp(`^${major}0`));
      expect(postgres.log.split('\n').filter(line => SETTING_COMPLAINTS.test(line))).toEqual([]);

      // The role sync, as the primary runs it on start: the application's role and database, then its login.
      writeOwned(join(dir, 'sync-roles.sh'), plan.scriptFiles['sync-roles.sh'], 0o755);
      const synced = await run('/bin/bash', [join(dir, 'sync-roles.sh')], {
        PGSOCKET: dir, PGPORT_SERVER: String(port), APP_USER: plan.spec.username, APP_DATABASE: plan.spec.database,
        APP_PASSWORD: 'app-pw-for-test', POSTGRES_PASSWORD: 'super-pw-for-test', MONITORING_PASSWORD: plan.spec.monitoring ? 'mon-pw-for-test' : '',
      });
      expect({ code: synced.code, stdout: synced.stdout, stderr: synced.stderr }).toEqual({ code: 0, stdout: 'sync-roles: roles and database in place\n', stderr: '' });
      const app = await psqlTcp(port, plan.spec.username, 'app-pw-for-test', plan.spec.database, 'SELECT current_user, current_database()');
      expect({ code: app.code, stdout: app.stdout }).toEqual({ code: 0, stdout: `${plan.spec.username}|${plan.spec.database}\n` });

      expect(await psqlLocal(dir, port, 'SHOW hba_file')).toBe(join(dir, 'pg_hba.conf'));
      expect(await psqlLocal(dir, port, 'SELECT count(*) FROM pg_hba_file_rules WHERE error IS NOT NULL')).toBe('0');

      // The superuser never logs in over the network (its password is right, pg_hba.conf rejects it).
      await psqlLocal(dir, port, "ALTER ROLE postgres PASSWORD 's3cret-for-test'");
      const superuser = await psqlTcp(port, 'postgres', 's3cret-for-test', 'postgres', 'SELECT 1');
      expect(superuser.stderr).toMatch(/pg_hba.conf rejects connection for host "127.0.0.1", user "postgres"/);

      // A password login over TCP works, and with ssl only over TLS.
      const plain = await psqlTcp(port, plan.spec.username, 'app-pw-for-test', plan.spec.database, 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
      if (plan.spec.ssl) {
        // libpq's default sslmode=prefer negotiates TLS; a plaintext connection is refused.
        expect(plain.stdout.trim()).toBe('t');
        const conninfo = await psqlConninfo(port, 'sslmode=disable');
        expect(conninfo.code).not.toBe(0);
        expect(conninfo.stderr).toMatch(/no encryption|pg_hba.conf rejects/);
      } else {
        expect(plain.code).toBe(0);
        expect(plain.stdout.trim()).toBe('f');
      }
    } finally {
      await server.stop();
      removeDir(dir);
    }
  });
});

function psqlConninfo(port: number, extra: string) {
  return run(`${PG_BIN}/psql`, ['-X', '-A', '-t', '-c', 'SELECT 1', `host=127.0.0.1 port=${port} user=orders_app dbname=orders ${extra}`], { PGPASSWORD: 'app-pw-for-test' });
}
