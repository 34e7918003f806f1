import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, symlinkSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderPlan, type Manifest } from '@postgres-gitops/renderer';
import { statefulSetPlanFor } from '../../renderer/src/__testUtils__/plans';
import type { StatefulSetPlan } from '../../renderer/src/plan/statefulset/plan';
import { RELOAD_INTERVAL_SECONDS } from '../../renderer/src/render/statefulset/statefulset';
import { Background, freePort, initdb, makeCertificate, makeDir, psqlLocal, removeDir, serverBin, waitReady, writeOwned } from '../support/postgres';
import { containerOf, envOf } from '../support/rendered-pods';

/**
 * What the kubelet does to a mounted Secret or ConfigMap when it changes, and what the server
 * makes of it. The kubelet's atomic writer (pkg/volume/util/atomic_writer.go) writes the new
 * files into a fresh timestamped directory, points a `..data_tmp` link at it and renames that
 * over `..data`; the files the pod sees are links through `..data`. PostgreSQL reads
 * ssl_cert_file, ssl_key_file and the configuration files only at start and on reload.
 */
const MAJOR = '15';

class ProjectedVolume {
  private generation = 0;
  constructor(readonly dir: string, private readonly files: string[]) {
    mkdirSync(dir);
    execFileSync('chown', ['--reference', join(dir, '..'), dir]);
  }

  /** Writes a new generation of every file and swaps it in atomically, as the kubelet does. */
  update(contents: Record<string, string>, mode = 0o600): void {
    const generation = join(this.dir, `..gen_${++this.generation}`);
    mkdirSync(generation);
    execFileSync('chown', ['--reference', this.dir, generation]);
    for (const file of this.files) writeOwned(join(generation, file), contents[file], mode);
    symlinkSync(`..gen_${this.generation}`, join(this.dir, '..data_tmp'));
    renameSync(join(this.dir, '..data_tmp'), join(this.dir, '..data'));
    if (this.generation === 1) for (const file of this.files) symlinkSync(join('..data', file), join(this.dir, file));
  }
}

/** The SHA-256 fingerprint of the certificate a server presents after STARTTLS, read by openssl s_client. */
function servedFingerprint(port: number): string {
  const chain = execFileSync('openssl', ['s_client', '-starttls', 'postgres', '-connect', `127.0.0.1:${port}`], { input: '', encoding: 'utf8', stdio: ['pipe', 'pipe', 'ignore'] });
  const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(chain)![0];
  return fingerprint(pem);
}

const fingerprint = (pem: string) => execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256'], { input: pem, encoding: 'utf8' }).trim();

describe(`renewed certificates and reloaded settings reach a running server (real PostgreSQL ${MAJOR})`, () => {
  const bin = serverBin(MAJOR);
  let plan: StatefulSetPlan;
  let manifests: Manifest[];
  let root: string;
  let port: number;
  let primary: Background | undefined;
  let reload: Background | undefined;
  let tls: ProjectedVolume;
  let config: ProjectedVolume;
  const certificates: { 'tls.crt': string; 'tls.key': string }[] = [];

  beforeAll(async () => {
    plan = statefulSetPlanFor({ size: 'small', profile: 'prod', version: MAJOR, username: 'app_user', database: 'orders', backup: false, monitoring: false });
    manifests = renderPlan(plan);
    root = makeDir('tls-reload');
    for (let i = 0; i < 3; i++) {
      const dir = join(root, `issued-${i}`);
      mkdirSync(dir);
      const { cert, key } = makeCertificate(dir);
      certificates.push({ 'tls.crt': readFileSync(cert, 'utf8'), 'tls.key': readFileSync(key, 'utf8') });
    }
    tls = new ProjectedVolume(join(root, 'tls'), ['tls.crt', 'tls.key']);
    tls.update(certificates[0]);
    config = new ProjectedVolume(join(root, 'conf'), ['postgresql.conf', 'pg_hba.conf']);
    config.update(plan.configFiles, 0o644);
    const scripts = join(root, 'scripts');
    mkdirSync(scripts);
    execFileSync('chown', ['--reference', root, scripts]);
    for (const [file, content] of Object.entries(plan.scriptFiles)) writeOwned(join(scripts, file), content, 0o755);

    port = await freePort();
    await initdb(join(root, 'data'), bin);
    const container = containerOf(manifests, 'StatefulSet', plan.names.statefulSet);
    const [, script, ...rest] = container.command;
    const server = rest.filter(a => a !== 'docker-entrypoint.sh').map(a => a.replace('/etc/postgresql/', `${root}/conf/`));
    primary = new Background('/bin/bash', [join(scripts, script.replace('/scripts/', '')), `${bin}/postgres`, ...server.slice(1), '-c', `port=${port}`, '-c', `unix_socket_directories=${root}`,
      '-c', `ssl_cert_file=${root}/tls/tls.crt`, '-c', `ssl_key_file=${root}/tls/tls.key`],
    envOf(container, { PGDATA: join(root, 'data'), PGPORT_SERVER: String(port), PGSOCKET: root, STANDBY_HOSTS: '' }));
    await waitReady(port, primary);
  }, 120_000);

  afterAll(async () => {
    await reload?.stop();
    await primary?.stop();
    removeDir(root);
  });

  it('without the reload loop (the old pods) the server keeps serving the replaced certificate', async () => {
    expect(servedFingerprint(port)).toBe(fingerprint(certificates[0]['tls.crt']));
    tls.update(certificates[1]);
    await new Promise(r => setTimeout(r, (RELOAD_INTERVAL_SECONDS + 2) * 1000));
    expect(servedFingerprint(port)).toBe(fingerprint(certificates[0]['tls.crt']));
  }, 60_000);

  it(`with the rendered reload container, a renewed certificate is served within the rendered interval (${RELOAD_INTERVAL_SECONDS} s)`, async () => {
    const container = containerOf(manifests, 'StatefulSet', plan.names.statefulSet, 'reload');
    expect(container.env).toContainEqual({ name: 'RELOAD_INTERVAL_SECONDS', value: String(RELOAD_INTERVAL_SECONDS) });
    const env = envOf(container, { PGSOCKET: root, PGPORT_SERVER: String(port) });
    env.RELOAD_FILES = env.RELOAD_FILES.replace(/\/etc\/postgresql\//g, `${root}/conf/`).replace(/\/tls\//g, `${root}/tls/`);
    reload = new Background('/bin/bash', [join(root, 'scripts', 'reload.sh')], env);
    // At start it reloads once, which takes what changed before it ran.
    for (let i = 0; i < 100 && servedFingerprint(port) !== fingerprint(certificates[1]['tls.crt']); i++) await new Promise(r => setTimeout(r, 100));
    expect(servedFingerprint(port)).toBe(fingerprint(certificates[1]['tls.crt']));

    const renewed = Date.now();
    tls.update(certificates[2]);
    while (servedFingerprint(port) !== fingerprint(certificates[2]['tls.crt']) && Date.now() - renewed < (RELOAD_INTERVAL_SECONDS + 10) * 1000) await new Promise(r => setTimeout(r, 200));
    const seconds = (Date.now() - renewed) / 1000;
    expect(servedFingerprint(port)).toBe(fingerprint(certificates[2]['tls.crt']));
    expect(seconds).toBeLessThanOrEqual(RELOAD_INTERVAL_SECONDS + 2);
    // The loop reports the reload once psql returns; the server may serve the new certificate first.
    for (let i = 0; i < 50 && !reload.log.includes('the server reloaded it'); i++) await new Promise(r => setTimeout(r, 100));
    expect(reload.log).toContain('reload: configuration or certificate changed; the server reloaded it');
  }, 60_000);

  it('a setting a reload applies (max_wal_size, from a larger volume) takes effect without restarting the server', async () => {
    const started = await psqlLocal(root, port, 'SELECT pg_postmaster_start_time()');
    const grown = statefulSetPlanFor({ size: 'small', profile: 'prod', version: MAJOR, username: 'app_user', database: 'orders', backup: false, monitoring: false, storageSize: '40Gi' });
    expect(grown.configChecksum).toBe(plan.configChecksum);
    const wanted = /max_wal_size = '(\d+MB)'/.exec(grown.configFiles['postgresql.conf'])![1];
    const maxWalSize = () => psqlLocal(root, port, "SELECT setting || unit FROM pg_settings WHERE name = 'max_wal_size'");
    expect(await maxWalSize()).toBe(/max_wal_size = '(\d+MB)'/.exec(plan.configFiles['postgresql.conf'])![1]);
    expect(wanted).not.toBe(await maxWalSize());
    config.update(grown.configFiles, 0o644);
    let shown = '';
    for (let i = 0; i < (RELOAD_INTERVAL_SECONDS + 5) * 5; i++) {
      shown = await maxWalSize();
      if (shown === wanted) break;
      await new Promise(r => setTimeout(r, 200));
    }
    expect(shown).toBe(wanted);
    expect(await psqlLocal(root, port, 'SELECT pg_postmaster_start_time()')).toBe(started);
  }, 60_000);
});
