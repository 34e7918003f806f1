import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { renderDatabase, SIZES } from '@postgres-gitops/renderer';
import { CNPG_GLOBAL_DEFAULTS, cnpgHba, cnpgMandatorySettings } from '../cnpg/operator-settings';
import { CNPG_PLATFORM, CNPG_VERSIONS, cnpgRequest } from '../support/cnpg-requests';
import { compareSettings, pgSettings } from '../support/pg-settings';
import { Background, freePort, initdb, makeCertificate, makeDir, psqlLocal, removeDir, serverBin, waitReady, writeOwned } from '../support/postgres';

const quote = (value: string) => `'${value.replace(/'/g, "''")}'`;

const variants = CNPG_VERSIONS.flatMap(version => [
  ...SIZES.map(size => ({ version, size, profile: 'prod' })),
  { version, size: 'small', profile: 'dev' },
]);

/**
 * The Cluster's postgresql.parameters, on top of the settings CloudNativePG always writes, start a
 * real PostgreSQL of every major the engine runs, and each parameter takes effect.
 */
describe.each(CNPG_VERSIONS)('CloudNativePG parameters on a real PostgreSQL %s', major => {
  let template: string;

  beforeAll(async () => {
    template = makeDir(`cnpg-template-${major}`);
    await initdb(join(template, 'data'), serverBin(major));
  });
  afterAll(() => removeDir(template));

  it.each(variants.filter(v => v.version === major))('$size, $profile', async ({ version, size, profile }) => {
    const db = renderDatabase(cnpgRequest('orders', { version, size, profile, replicas: 3, pooling: profile === 'prod' }), CNPG_PLATFORM);
    const cluster = db.manifests.find(m => m.kind === 'Cluster') as any;
    const parameters: Record<string, string> = cluster.spec.postgresql.parameters;
    const dir = makeDir('cnpg-params');
    let server: Background | undefined;
    try {
      execFileSync('cp', ['-a', join(template, 'data'), join(dir, 'data')]);
      const logDir = join(dir, 'log');
      mkdirSync(logDir);
      execFileSync('chown', ['--reference', dir, logDir]);
      const tls = makeCertificate(dir);
      const settings = { ...CNPG_GLOBAL_DEFAULTS, ...parameters, ...cnpgMandatorySettings({ socketDir: dir, cert: tls.cert, key: tls.key, logDir }) };
      writeOwned(join(dir, 'postgresql.conf'), Object.entries(settings).map(([k, v]) => `${k} = ${quote(v)}`).join('\n') + '\n');
      writeOwned(join(dir, 'pg_hba.conf'), cnpgHba(cluster.spec.postgresql.pg_hba ?? []));
      const port = await freePort();
      server = new Background(`${serverBin(major)}/postgres`, ['-D', join(dir, 'data'), '-c', `config_file=${join(dir, 'postgresql.conf')}`, '-c', `hba_file=${join(dir, 'pg_hba.conf')}`, '-c', `port=${port}`], {});
      await waitReady(port, server);

      expect(await psqlLocal(dir, port, 'SHOW server_version_num')).toMatch(new RegExp(`^${major}`));
      const { actual, wanted, notFromFile } = compareSettings(await pgSettings(dir, port, Object.keys(parameters)), parameters);
      expect(actual).toEqual(wanted);
      expect(notFromFile).toEqual([]);
      expect(await psqlLocal(dir, port, 'SELECT count(*) FROM pg_hba_file_rules WHERE error IS NOT NULL')).toBe('0');

      const log = [server.log, ...readdirSync(logDir).map(f => readFileSync(join(logDir, f), 'utf8'))].join('\n');
      // The readiness probe's own early connection is the one FATAL a healthy start logs.
      expect(log).not.toMatch(/unrecognized configuration parameter|invalid value for parameter|is deprecated|FATAL: {2}(?!the database system is starting up)/);
    } finally {
      await server?.stop();
      removeDir(dir);
    }
  });
});
