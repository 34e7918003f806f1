import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { renderDatabase } from '@postgres-gitops/renderer';
import { walBudget } from '../../renderer/src/plan/cloudnative-pg/wal-budget';
import { CNPG_PLATFORM, cnpgRequest } from '../support/cnpg-requests';
import { Background, freePort, initdb, makeDir, psqlLocal, removeDir, serverBin, waitReady, writeOwned } from '../support/postgres';

const MAJOR = '17';
const WAL_SETTINGS = ['max_wal_size', 'min_wal_size', 'wal_keep_size', 'max_slot_wal_keep_size'];

function walDirMb(dataDir: string): number {
  const dir = join(dataDir, 'pg_wal');
  const bytes = readdirSync(dir).reduce((sum, f) => {
    try {
      const s = statSync(join(dir, f));
      return s.isFile() ? sum + s.size : sum;
    } catch {
      return sum; // removed or recycled between readdir and stat
    }
  }, 0);
  return bytes / 1024 / 1024;
}

/**
 * A real server with the WAL settings given, a replication slot of a standby that never connects
 * (CloudNativePG's HA slots are physical slots), and a bulk write of about three budgets of WAL:
 * the largest pg_wal seen, sampled every 100 ms.
 */
async function peakWalMb(settings: Record<string, string>, walToWriteMb: number): Promise<number> {
  const dir = makeDir('cnpg-wal-budget');
  const data = join(dir, 'data');
  let server: Background | undefined;
  try {
    await initdb(data, serverBin(MAJOR));
    const conf = { listen_addresses: "'127.0.0.1'", unix_socket_directories: `'${dir}'`, wal_level: 'replica', ...Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, `'${v}'`])) };
    writeOwned(join(dir, 'postgresql.conf'), Object.entries(conf).map(([k, v]) => `${k} = ${v}`).join('\n') + '\n');
    const port = await freePort();
    server = new Background(`${serverBin(MAJOR)}/postgres`, ['-D', data, '-c', `config_file=${join(dir, 'postgresql.conf')}`, '-c', `hba_file=${join(data, 'pg_hba.conf')}`, '-c', `port=${port}`], {});
    await waitReady(port, server);
    await psqlLocal(dir, port, "SELECT pg_create_physical_replication_slot('_cnpg_orders_2', true)");
    await psqlLocal(dir, port, 'CREATE UNLOGGED TABLE src AS SELECT 1; CREATE TABLE t (id bigint, pad text)');
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, walDirMb(data))), 100);
    try {
      // About 290 bytes of WAL per row.
      const rows = Math.ceil((walToWriteMb * 1024 * 1024) / 290 / 8);
      for (let i = 0; i < 8; i++) await psqlLocal(dir, port, `INSERT INTO t SELECT g, repeat('x', 200) FROM generate_series(1, ${rows}) g`);
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, walDirMb(data));
    expect(server.log).not.toMatch(/PANIC/);
    return peak;
  } finally {
    await server?.stop();
    removeDir(dir);
  }
}

/**
 * B2 of the SRE review: pg_wal must stay within the WAL volume (or its share of the data volume)
 * whatever the data volume's size, with a standby's slot holding WAL back. Scaled down: a 256Mi
 * WAL volume beside a 100Gi data volume, which before rendered max_wal_size 4096MB.
 */
describe('cloudnative-pg WAL budget on a real PostgreSQL', () => {
  const db = renderDatabase(cnpgRequest('orders', { size: 'small', profile: 'prod', replicas: 3, storageSize: '100Gi', walStorageSize: '256Mi' }), CNPG_PLATFORM);
  const parameters: Record<string, string> = (db.manifests.find(m => m.kind === 'Cluster') as any).spec.postgresql.parameters;
  const rendered = Object.fromEntries(WAL_SETTINGS.map(k => [k, parameters[k]]));

  it('renders the settings from the WAL volume, not the data volume', () => {
    const b = walBudget(100 * 1024, 256);
    expect(rendered).toEqual({ max_wal_size: `${b.maxWalSizeMb}MB`, min_wal_size: `${b.minWalSizeMb}MB`, wal_keep_size: `${b.walKeepSizeMb}MB`, max_slot_wal_keep_size: `${b.maxSlotWalKeepSizeMb}MB` });
  });

  it('keeps pg_wal within a 256Mi WAL volume through a bulk write with a dead standby slot', async () => {
    const peak = await peakWalMb(rendered, 768);
    expect(peak).toBeLessThanOrEqual(256);
  }, 300_000);

  it('sees the settings rendered before (from the data volume, no slot limit) overflow it', async () => {
    const before = { max_wal_size: '4096MB', min_wal_size: '80MB', wal_keep_size: '512MB' };
    const peak = await peakWalMb(before, 768);
    expect(peak).toBeGreaterThan(256);
  }, 300_000);
});
