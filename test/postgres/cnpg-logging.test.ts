import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderDatabase } from '@postgres-gitops/renderer';
import { CNPG_PLATFORM, cnpgRequest } from '../support/cnpg-requests';
import { CNPG_GLOBAL_DEFAULTS } from '../cnpg/operator-settings';
import { Background, freePort, initdb, makeDir, PG_BIN, psqlLocal, removeDir, waitReady } from '../support/postgres';

/**
 * CloudNativePG writes the CSV log (log_destination csvlog, logging_collector on: its global
 * defaults, pkg/postgres/configuration.go v1.30.0), whose columns are fixed: log_line_prefix does
 * nothing there, so the Cluster does not set it. Shown on a real PostgreSQL 15.
 */
describe('log_line_prefix under CloudNativePG\'s logging, on a real PostgreSQL 15', () => {
  it('never reaches the CSV log, so the rendered Cluster leaves it out', async () => {
    const cluster = renderDatabase(cnpgRequest('orders', { profile: 'prod' }), CNPG_PLATFORM).manifests.find(m => m.kind === 'Cluster') as any;
    expect(cluster.spec.postgresql.parameters).not.toHaveProperty('log_line_prefix');

    const dir = makeDir('cnpg-logging');
    const logs = join(dir, 'log');
    let server: Background | undefined;
    try {
      mkdirSync(logs);
      execFileSync('chown', ['--reference', dir, logs]);
      await initdb(join(dir, 'data'));
      const port = await freePort();
      const { log_destination, logging_collector } = CNPG_GLOBAL_DEFAULTS;
      server = new Background(`${PG_BIN}/postgres`, [
        '-D', join(dir, 'data'), '-c', `port=${port}`, '-c', `unix_socket_directories=${dir}`, '-c', 'listen_addresses=127.0.0.1',
        '-c', `log_destination=${log_destination}`, '-c', `logging_collector=${logging_collector}`, '-c', `log_directory=${logs}`, '-c', 'log_filename=postgres',
        '-c', 'log_line_prefix=PREFIX-MARKER %u@%d ',
      ], {});
      await waitReady(port, server);
      await psqlLocal(dir, port, "DO $$ BEGIN RAISE LOG 'a line to find'; END $$");
      const deadline = Date.now() + 10_000;
      let csv = '';
      while (!csv.includes('a line to find') && Date.now() < deadline) {
        csv = readdirSync(logs).filter(f => f.endsWith('.csv')).map(f => readFileSync(join(logs, f), 'utf8')).join('');
        await new Promise(r => setTimeout(r, 100));
      }
      expect(csv).toContain('a line to find');
      expect(csv).not.toContain('PREFIX-MARKER');
    } finally {
      await server?.stop();
      removeDir(dir);
    }
  });
});
