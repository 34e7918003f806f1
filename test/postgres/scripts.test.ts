import { readdirSync, mkdirSync, chownSync, statSync, existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { renderPlan, type Manifest } from '@postgres-gitops/renderer';
import { statefulSetPlanFor } from '../../renderer/src/__testUtils__/plans';
import type { StatefulSetPlan } from '../../renderer/src/plan/statefulset/plan';
import { EXPORTER_QUERIES } from '../../renderer/src/render/statefulset/monitoring';
import { ensureClientTools } from '../support/client-tools';
import { Background, freePort, initdb, makeDir, PG_BIN, psqlLocal, psqlTcp, removeDir, run, runOk, serverBin, waitReady, writeOwned } from '../support/postgres';
import { parse } from 'yaml';
import { containerOf, envOf, PASSWORDS, type Container } from '../support/rendered-pods';
import { ServiceRouting, statefulSetPods, type ModelPod } from '../support/service-routing';
import { SOCKET_DIR } from '../../renderer/src/plan/postgres-settings';

/** primary.sh's guard before review 3 B1: one pg_isready at STANDBY_HOST, the -replicas ClusterIP Service. */
const PLANTED_GUARD = `if [ ! -s "$PGDATA/PG_VERSION" ] && [ -n "$STANDBY_HOST" ]; then
  if pg_isready -q -h "$STANDBY_HOST" -p "$STANDBY_PORT" -t 5; then
    echo "primary.sh: refusing to initialise an empty data directory: standby $STANDBY_HOST is up and holds this database's data." >&2
    exit 1
  fi
fi
`;

/**
 * The scripts the manifests carry, run for real on loopback: each process gets the command and
 * environment of its rendered container, with hosts, ports and paths pointed at this machine.
 *
 * Every supported major but 16 and 17. pg_basebackup and pg_dump must be at least the server's
 * major: the image's client tools are PostgreSQL 15's (13 and 14 run with them), and for 18 the
 * tests build its client tools from the source in Debian's archive (support/client-tools.ts),
 * as the image of that major would ship them. The archive as reached from here serves neither
 * 16's nor 17's source (17's binaries need glibc 2.38; bookworm has 2.36), so their scripts run
 * only in the configuration test (role sync and login).
 */
const MAJORS = ['13', '14', '15', '18'];
const IMAGE_CLIENT_MAJOR = 15;

describe.each(MAJORS)('scripts of a large database (primary and standby) on real PostgreSQL %s', major => {
  const bin = serverBin(major);
  /** pg_basebackup, pg_dump, pg_dumpall and pg_restore of this major or newer. */
  let clientBin = PG_BIN;
  let plan: StatefulSetPlan;
  let manifests: Manifest[];
  let root: string;
  let scripts: string;
  let confArgs: string[];
  let primary: Background | undefined;
  let standby: Background | undefined;
  let primaryPort: number;
  let standbyPort: number;

  function serverArgs(container: Container, port: number, socketDir: string): string[] {
    // The rendered command: bash <script> [docker-entrypoint.sh] postgres -c config_file=... -c hba_file=...
    const [, script, ...rest] = container.command;
    const server = rest.filter(a => a !== 'docker-entrypoint.sh').map(a => a.replace('/etc/postgresql/', `${root}/conf/`));
    expect(server[0]).toBe('postgres');
    return [join(scripts, script.replace('/scripts/', '')), `${bin}/postgres`, ...server.slice(1), ...confArgs, '-c', `port=${port}`, '-c', `unix_socket_directories=${socketDir}`];
  }

  /**
   * The client tools the scripts find on PATH: this major's where the image's are older. On 13,
   * pg_basebackup 15 -R writes libpq options into primary_conninfo that the older server's
   * walreceiver does not know (sslsni, from 14); the image of that major ships its own
   * pg_basebackup, and here a wrapper stands in for it by dropping what that libpq lacks.
   */
  function clientTools(): Record<string, string> {
    if (clientBin !== PG_BIN) return { PATH: `${clientBin}:${PG_BIN}:/usr/bin:/bin` };
    if (Number(major) >= 14) return {};
    const dir = join(root, 'shim');
    if (!existsSync(dir)) {
      mkdirSync(dir);
      chownSync(dir, statSync(root).uid, statSync(root).gid);
      writeOwned(join(dir, 'pg_basebackup'), `#!/bin/bash\nset -e\n${PG_BIN}/pg_basebackup "$@"\nfor a in "$@"; do case "$prev" in -D) target=$a;; esac; prev=$a; done\nsed -i 's/ sslsni=1//' "$target/postgresql.auto.conf"\n`, 0o755);
    }
    return { PATH: `${dir}:${PG_BIN}:/usr/bin:/bin` };
  }

  function startPrimary(dataDir: string, port: number, extraEnv: Record<string, string> = {}, passwords = PASSWORDS): Background {
    const container = containerOf(manifests, 'StatefulSet', plan.names.statefulSet);
    const env = envOf(container, { PGDATA: dataDir, PGPORT_SERVER: String(port), PGSOCKET: root, STANDBY_HOSTS: '', ...extraEnv }, passwords);
    return new Background('/bin/bash', serverArgs(container, port, root), env);
  }

  beforeAll(async () => {
    if (Number(major) > IMAGE_CLIENT_MAJOR) clientBin = await ensureClientTools(major);
    plan = statefulSetPlanFor({ size: 'large', profile: 'prod', version: major, ssl: false, username: 'app_user', database: 'orders', passwordRotationDays: 30 });
    manifests = renderPlan(plan);
    root = makeDir('scripts');
    scripts = join(root, 'scripts');
    mkdirSync(join(root, 'conf'));
    mkdirSync(scripts);
    for (const d of [join(root, 'conf'), scripts]) chownSync(d, statSync(root).uid, statSync(root).gid);
    for (const [file, content] of Object.entries(plan.configFiles)) writeOwned(join(root, 'conf', file), content);
    for (const [file, content] of Object.entries(plan.scriptFiles)) writeOwned(join(scripts, file), content, 0o755);
    confArgs = [];

    primaryPort = await freePort();
    await initdb(join(root, 'primary'), bin);
    primary = startPrimary(join(root, 'primary'), primaryPort);
    await waitReady(primaryPort, primary);
    // primary.sh syncs roles right after the server answers; wait for its log line.
    for (let i = 0; i < 100 && !primary.log.includes('roles and database in place'); i++) await new Promise(r => setTimeout(r, 100));
  }, 1_500_000); // the first run builds the newest major's client tools

  afterAll(async () => {
    await standby?.stop();
    await primary?.stop();
    removeDir(root);
  });

  it('primary.sh creates the application role and database and sets every password from the Secret', async () => {
    expect(primary!.log).toContain('sync-roles: roles and database in place');
    const owner = await psqlTcp(primaryPort, plan.spec.username, 'app-pw-one', plan.spec.database,
      "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()");
    expect(owner).toMatchObject({ code: 0, stdout: `${plan.spec.username}\n` });
    expect((await psqlLocal(root, primaryPort, 'SELECT 1'))).toBe('1');
    expect((await psqlTcp(primaryPort, 'postgres_exporter', 'mon-pw', 'postgres', "SELECT pg_has_role('pg_monitor', 'member')")).stdout).toBe('t\n');
    expect(await psqlLocal(root, primaryPort, "SELECT rolreplication FROM pg_roles WHERE rolname = 'replicator'")).toBe('t');
    expect(await psqlLocal(root, primaryPort, "SELECT rolsuper FROM pg_roles WHERE rolname = 'app_user'")).toBe('f');
    expect(await psqlLocal(root, primaryPort, 'SHOW server_version_num')).toMatch(new RegExp(`^${major}0`));
    const created = await psqlTcp(primaryPort, plan.spec.username, 'app-pw-one', plan.spec.database, 'CREATE TABLE orders (id int PRIMARY KEY, item text); INSERT INTO orders VALUES (1, \'first\')');
    expect(created.code).toBe(0);
  });

  it('the clone init container clones the primary, the server container runs the standby, and a row written on the primary is read on the standby', async () => {
    standbyPort = await freePort();
    const clone = containerOf(manifests, 'StatefulSet', plan.names.readStatefulSet, 'clone');
    const [bash, script, ...cloneArgs] = clone.command;
    const cloned = await run(bash, [join(scripts, script.replace('/scripts/', '')), ...cloneArgs], envOf(clone, { PGDATA: join(root, 'standby'), PRIMARY_HOST: '127.0.0.1', PRIMARY_PORT: String(primaryPort), ...clientTools() }));
    expect({ code: cloned.code, stdout: cloned.stdout }).toEqual({ code: 0, stdout: 'standby.sh: cloning 127.0.0.1 into an empty data directory\nstandby.sh: clone complete\n' });
    const container = containerOf(manifests, 'StatefulSet', plan.names.readStatefulSet);
    const env = envOf(container, { PGDATA: join(root, 'standby'), PGPORT_SERVER: String(standbyPort), PGSOCKET: root }, PASSWORDS, `${plan.names.readStatefulSet}-0`);
    standby = new Background('/bin/bash', serverArgs(container, standbyPort, root), env);
    await waitReady(standbyPort, standby);
    // The server container never clones: a second run of the init container finds the data in place.
    const again = await run(bash, [join(scripts, script.replace('/scripts/', '')), ...cloneArgs], envOf(clone, { PGDATA: join(root, 'standby') }));
    expect(again.stdout).toBe('standby.sh: the data directory is in place; nothing to clone\n');

    await psqlTcp(primaryPort, plan.spec.username, 'app-pw-one', plan.spec.database, "INSERT INTO orders VALUES (2, 'after clone')");
    let rows = '';
    for (let i = 0; i < 50 && rows !== '1|first\n2|after clone\n'; i++) {
      rows = (await psqlTcp(standbyPort, plan.spec.username, 'app-pw-one', plan.spec.database, 'SELECT id, item FROM orders ORDER BY id')).stdout;
      await new Promise(r => setTimeout(r, 100));
    }
    expect(rows).toBe('1|first\n2|after clone\n');
    expect((await psqlTcp(standbyPort, plan.spec.username, 'app-pw-one', plan.spec.database, 'SELECT pg_is_in_recovery()')).stdout).toBe('t\n');
    const write = await psqlTcp(standbyPort, plan.spec.username, 'app-pw-one', plan.spec.database, "INSERT INTO orders VALUES (3, 'x')");
    expect(write.stderr).toMatch(/read-only transaction/);
  });

  it('the exporter\'s extra query sees the standby streaming from the primary, under its pod name', async () => {
    const query = parse(EXPORTER_QUERIES).pg_standby.query;
    let result = await psqlTcp(primaryPort, 'postgres_exporter', 'mon-pw', 'postgres', query);
    for (let i = 0; i < 50 && result.stdout.trim() === ''; i++) {
      await new Promise(r => setTimeout(r, 100));
      result = await psqlTcp(primaryPort, 'postgres_exporter', 'mon-pw', 'postgres', query);
    }
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n').map(row => row.split('|')[0])).toEqual([`${plan.names.readStatefulSet}-0`]);
  });

  it('the superuser cannot log in over the network; the backup role reads but cannot write', async () => {
    expect((await psqlTcp(primaryPort, 'postgres', 'super-pw', 'postgres', 'SELECT 1')).stderr).toMatch(/pg_hba.conf rejects connection for host "127.0.0.1", user "postgres"/);
    if (Number(major) < 14) return;
    const read = await psqlTcp(primaryPort, 'postgres_backup', 'backup-pw', plan.spec.database, 'SELECT count(*) FROM orders');
    expect(read).toMatchObject({ code: 0, stdout: '2\n' });
    const write = await psqlTcp(primaryPort, 'postgres_backup', 'backup-pw', plan.spec.database, "INSERT INTO orders VALUES (9, 'no')");
    expect(write.stderr).toMatch(/permission denied for table orders/);
    expect(await psqlLocal(root, primaryPort, "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = 'postgres_backup'")).toBe('f|t');
  });

  /**
   * Review 3 B1. The primary is gone: the standby stops streaming and its rendered readiness probe
   * fails (run for real here), so the model (support/service-routing.ts) takes it out of every
   * Service that does not publish not-ready addresses. Then an empty primary volume starts. Each
   * host the rendered guard asks is routed through the model: a pod that answers stands in as
   * 127.0.0.1 (the real standby), anything else (refused by kube-proxy, NXDOMAIN, a pod whose
   * server is not running) as a socket directory where nothing listens (pg_isready: no response).
   * The image's docker-entrypoint.sh is stood in by initdb-when-empty, as the image does.
   */
  it('primary.sh refuses to initialise an empty data directory while a standby holds the data, streaming or not; the old -replicas Service guard initialises (review 3 B1)', async () => {
    expect(await primary!.stop()).toBe(0);
    try {
      await guardScenarios();
    } finally {
      // The later cases need the primary again, whatever happened here.
      primary = startPrimary(join(root, 'primary'), primaryPort);
      await waitReady(primaryPort, primary);
      for (let i = 0; i < 100 && !primary.log.includes('roles and database in place'); i++) await new Promise(r => setTimeout(r, 100));
    }
  });

  async function guardScenarios(): Promise<void> {
    const probe = (containerOf(manifests, 'StatefulSet', plan.names.readStatefulSet) as any).readinessProbe;
    const probeCommand = probe.exec.command.map((a: string) => a.replace(`-h ${SOCKET_DIR} -p ${plan.port}`, `-h ${root} -p ${standbyPort}`).replace('psql ', `${PG_BIN}/psql `));
    let streaming = true;
    for (let i = 0; i < 100 && streaming; i++) {
      streaming = (await run(probeCommand[0], probeCommand.slice(1), {})).code === 0;
      if (streaming) await new Promise(r => setTimeout(r, 100));
    }
    expect(streaming).toBe(false);

    const nothingListens = join(root, 'nothing-listens');
    mkdirSync(nothingListens);
    const shim = join(root, 'docker-entrypoint.sh');
    writeOwned(shim, `#!/bin/bash\nset -e\nif [ ! -s "$PGDATA/PG_VERSION" ]; then ${bin}/initdb -D "$PGDATA" -U postgres --auth-local=peer --auth-host=scram-sha-256 -E UTF8 --no-sync >/dev/null; fi\nexec "$@"\n`, 0o755);
    const pods = (standbyServer: 'running' | 'in-clone'): ModelPod[] => statefulSetPods(manifests, pod =>
      pod.startsWith(`${plan.names.readStatefulSet}-`)
        ? { ready: false, address: pod === `${plan.names.readStatefulSet}-0` && standbyServer === 'running' ? '127.0.0.1' : nothingListens }
        : { ready: false, address: nothingListens });
    const standIn = (routing: ServiceRouting) => (host: string) => {
      const route = routing.route(host);
      return route.to === 'pod' ? route.pod.address! : nothingListens;
    };
    const container = containerOf(manifests, 'StatefulSet', plan.names.statefulSet);
    const rendered = envOf(container, {});
    const startEmpty = (script: string, dir: string, port: number, env: Record<string, string>) => {
      const args = serverArgs(container, port, root);
      return new Background('/bin/bash', [join(scripts, script), shim, ...args.slice(1)],
        envOf(container, { PGDATA: join(root, dir), PGPORT_SERVER: String(port), PGSOCKET: root, STANDBY_PORT: String(standbyPort), ...env }));
    };

    // The standbys are NotReady: the -replicas Service has no ready endpoint, kube-proxy refuses.
    const lost = new ServiceRouting(manifests, pods('running'));
    expect(lost.route(`${plan.names.replicasService}.${plan.namespace}.svc`)).toEqual({ to: 'refused' });
    const hosts = rendered.STANDBY_HOSTS.split(' ');
    expect(hosts).toEqual([`${plan.names.readHeadless}.${plan.namespace}.svc`]);
    expect(lost.route(hosts[0])).toMatchObject({ to: 'pod', pod: { name: `${plan.names.readStatefulSet}-0`, address: '127.0.0.1' } });

    // The rendered guard asks the headless read Service, whose name answers every standby, ready or not, and refuses.
    const guarded = startEmpty('primary.sh', 'empty-primary', await freePort(), { STANDBY_HOSTS: hosts.map(standIn(lost)).join(' ') });
    expect(await guarded.exited).toBe(1);
    expect(guarded.log).toContain('refusing to initialise an empty data directory');
    expect(existsSync(join(root, 'empty-primary'))).toBe(false);

    // Planted: the guard before the fix, asking STANDBY_HOST = the -replicas Service. It initialises an empty database.
    writeOwned(join(scripts, 'primary-before-b1.sh'), plan.scriptFiles['primary.sh'].replace(/^if \[ ! -s "\$PGDATA\/PG_VERSION" \] && \[ -n "\$STANDBY_HOSTS" \]; then\n[\s\S]*?\nfi\n/m, PLANTED_GUARD), 0o755);
    expect(readFileSync(join(scripts, 'primary-before-b1.sh'), 'utf8')).toContain('$STANDBY_HOST"');
    const plantedPort = await freePort();
    const planted = startEmpty('primary-before-b1.sh', 'planted-primary', plantedPort, { STANDBY_HOST: standIn(lost)(`${plan.names.replicasService}.${plan.namespace}.svc`) });
    await waitReady(plantedPort, planted);
    for (let i = 0; i < 100 && !planted.log.includes('roles and database in place'); i++) await new Promise(r => setTimeout(r, 100));
    expect(planted.log).not.toContain('refusing');
    expect((await psqlTcp(plantedPort, plan.spec.username, 'app-pw-one', plan.spec.database, 'SELECT count(*) FROM orders')).stderr).toMatch(/relation "orders" does not exist/);
    expect(await planted.stop()).toBe(0);

    // First creation: the standbys wait in their clone init container, no server answers; after the wait the primary initialises.
    const creationPort = await freePort();
    const creation = new ServiceRouting(manifests, pods('in-clone'));
    const created = startEmpty('primary.sh', 'new-primary', creationPort, { STANDBY_HOSTS: hosts.map(standIn(creation)).join(' '), STANDBY_WAIT_SECONDS: '2' });
    await waitReady(creationPort, created);
    for (let i = 0; i < 100 && !created.log.includes('roles and database in place'); i++) await new Promise(r => setTimeout(r, 100));
    expect(created.log).toContain('no standby answered in 2 s; initialising an empty data directory');
    expect(await created.stop()).toBe(0);
  }

  it('primary.sh stops with a fast shutdown: a busy client does not hold the stop, and the next start needs no crash recovery', async () => {
    const busy = run(`${PG_BIN}/psql`, ['-X', '-h', '127.0.0.1', '-p', String(primaryPort), '-U', plan.spec.username, '-d', plan.spec.database, '-c', 'SELECT pg_sleep(300)'], { PGPASSWORD: 'app-pw-one' });
    for (let i = 0; i < 50 && (await psqlLocal(root, primaryPort, "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%'")) !== '1'; i++) await new Promise(r => setTimeout(r, 100));
    const started = Date.now();
    expect(await primary!.stop()).toBe(0);
    const stopSeconds = (Date.now() - started) / 1000;
    const grace = (manifests.find(m => m.kind === 'StatefulSet' && m.metadata.name === plan.names.statefulSet) as any).spec.template.spec.terminationGracePeriodSeconds;
    expect(stopSeconds).toBeLessThan(grace / 2);
    expect(primary!.log).toMatch(/received fast shutdown request/);
    expect((await busy).stderr).toMatch(/terminating connection due to administrator command|server closed the connection/);

    primary = startPrimary(join(root, 'primary'), primaryPort);
    await waitReady(primaryPort, primary);
    expect(primary.log).toMatch(/database system was shut down at/);
    expect(primary.log).not.toMatch(/not properly shut down|automatic recovery in progress|was interrupted/);
  });

  it('on restart primary.sh sets the passwords from the Secret again (the Secret is the source of truth)', async () => {
    expect(await primary!.stop()).toBe(0);
    primary = startPrimary(join(root, 'primary'), primaryPort, {}, { ...PASSWORDS, 'postgres-password': 'app-pw-two' });
    await waitReady(primaryPort, primary);
    for (let i = 0; i < 100 && !primary.log.includes('roles and database in place'); i++) await new Promise(r => setTimeout(r, 100));
    expect((await psqlTcp(primaryPort, plan.spec.username, 'app-pw-one', plan.spec.database, 'SELECT 1')).stderr).toMatch(/password authentication failed/);
    expect((await psqlTcp(primaryPort, plan.spec.username, 'app-pw-two', plan.spec.database, 'SELECT item FROM orders WHERE id = 1')).stdout).toBe('first\n');
  });

  it('backup.sh dumps the database (row-level security and large objects too) and globals as the least-privileged role, prunes to the retention count, and the dump restores into a fresh server', async () => {
    const backups = join(root, 'backups');
    mkdirSync(backups);
    chownSync(backups, statSync(root).uid, statSync(root).gid);
    const container = containerOf(manifests, 'CronJob', plan.names.backup, 'backup');
    expect(container.command).toEqual(['/bin/bash', '/scripts/backup.sh']);
    const env = envOf(container, { PGHOST: '127.0.0.1', PGPORT: String(primaryPort), BACKUP_DIR: backups, BACKUP_RETENTION: '2', ...clientTools() }, { ...PASSWORDS, 'postgres-password': 'app-pw-two' });
    expect(env.PGUSER).toBe(Number(major) >= 14 ? 'postgres_backup' : plan.spec.username);
    // What pg_read_all_data alone would not read: a table whose row-level security shows other roles nothing, and a large object.
    const app = (sql: string) => psqlTcp(primaryPort, plan.spec.username, 'app-pw-two', plan.spec.database, sql);
    expect((await app("CREATE TABLE notes (id int, body text); INSERT INTO notes VALUES (1, 'private'); ALTER TABLE notes ENABLE ROW LEVEL SECURITY; CREATE POLICY owner_only ON notes USING (false)")).code).toBe(0);
    const largeObject = (await app("SELECT lo_from_bytea(0, convert_to('large object', 'UTF8'))")).stdout.trim();
    // The primary grants the backup role each large object when it starts (and, from 18, every later one by default).
    expect(await primary!.stop()).toBe(0);
    primary = startPrimary(join(root, 'primary'), primaryPort, {}, { ...PASSWORDS, 'postgres-password': 'app-pw-two' });
    await waitReady(primaryPort, primary);
    for (let i = 0; i < 100 && !primary.log.includes('roles and database in place'); i++) await new Promise(r => setTimeout(r, 100));
    for (let i = 0; i < 3; i++) await runOk('/bin/bash', [join(scripts, 'backup.sh')], env);
    const kept = readdirSync(backups).filter(d => d.endsWith('Z')).sort();
    expect(kept).toHaveLength(2);
    const latest = join(backups, kept[1]);
    // counts.jsonl, backup.json and SHA256SUMS are what a restore drill checks (test/postgres/sts-drill.test.ts).
    expect(readdirSync(latest).sort()).toEqual(['SHA256SUMS', 'backup.json', 'counts.jsonl', 'globals.sql', `${plan.spec.database}.dump`]);

    const restoreDir = makeDir('restore');
    const port = await freePort();
    await initdb(join(restoreDir, 'data'), bin);
    const fresh = new Background(`${bin}/postgres`, ['-D', join(restoreDir, 'data'), '-c', `port=${port}`, '-c', `unix_socket_directories=${restoreDir}`, '-c', 'listen_addresses=127.0.0.1'], {});
    try {
      await waitReady(port, fresh);
      // Globals first (roles with their password hashes); "role postgres already exists" is expected.
      await run(`${PG_BIN}/psql`, ['-X', '-q', '-h', restoreDir, '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-f', join(latest, 'globals.sql')]);
      // CREATE DATABASE by hand: pg_restore --create would speak the client's (15) CREATE DATABASE options.
      await psqlLocal(restoreDir, port, `CREATE DATABASE ${plan.spec.database} OWNER ${plan.spec.username}`);
      await runOk(`${clientBin}/pg_restore`, ['-h', restoreDir, '-p', String(port), '-U', 'postgres', '-d', plan.spec.database, join(latest, `${plan.spec.database}.dump`)]);
      // The globals carry no passwords (the backup role cannot read them): the new server's Secret sets them.
      expect(readFileSync(join(latest, 'globals.sql'), 'utf8')).not.toMatch(/SCRAM-SHA-256|PASSWORD '/);
      await psqlLocal(restoreDir, port, `ALTER ROLE ${plan.spec.username} PASSWORD 'app-pw-two'`);
      const rows = await psqlTcp(port, plan.spec.username, 'app-pw-two', plan.spec.database, 'SELECT id, item FROM orders ORDER BY id');
      expect(rows).toMatchObject({ code: 0, stdout: '1|first\n2|after clone\n' });
      expect((await psqlTcp(port, plan.spec.username, 'app-pw-two', plan.spec.database, 'SELECT body FROM notes')).stdout).toBe('private\n');
      expect((await psqlTcp(port, plan.spec.username, 'app-pw-two', plan.spec.database, `SELECT convert_from(lo_get(${largeObject}), 'UTF8')`)).stdout).toBe('large object\n');
    } finally {
      await fresh.stop();
      removeDir(restoreDir);
    }
  });

  it('pg_dump behind a table lock gives up after the rendered lock timeout instead of waiting for ever', async () => {
    const container = containerOf(manifests, 'CronJob', plan.names.backup, 'backup');
    const backups = makeDir('locked-backups');
    const env = envOf(container, { PGHOST: '127.0.0.1', PGPORT: String(primaryPort), BACKUP_DIR: backups, BACKUP_RETENTION: '2', LOCK_WAIT_TIMEOUT_MS: '2000', ...clientTools() }, { ...PASSWORDS, 'postgres-password': 'app-pw-two' });
    // A migration holding an ACCESS EXCLUSIVE lock for a minute.
    const migration = run(`${PG_BIN}/psql`, ['-X', '-h', root, '-p', String(primaryPort), '-U', 'postgres', '-d', plan.spec.database, '-c', 'BEGIN; LOCK TABLE orders IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(60); COMMIT;']);
    try {
      for (let i = 0; i < 50 && (await psqlLocal(root, primaryPort, "SELECT count(*) FROM pg_locks WHERE mode = 'AccessExclusiveLock' AND relation = 'orders'::regclass", plan.spec.database)) !== '1'; i++) await new Promise(r => setTimeout(r, 100));
      const started = Date.now();
      const dump = await run('/bin/bash', [join(scripts, 'backup.sh')], env);
      const seconds = (Date.now() - started) / 1000;
      expect(dump.code).not.toBe(0);
      expect(dump.stderr).toMatch(/could not obtain lock on relation|canceling statement due to (lock|statement) timeout/);
      expect(seconds).toBeLessThan(20);
      expect(readdirSync(backups).filter(f => f.endsWith('Z'))).toEqual([]);
    } finally {
      await psqlLocal(root, primaryPort, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'BEGIN; LOCK TABLE orders%'");
      await migration;
      removeDir(backups);
    }
  });

  it('reload.sh applies a rotated password live: open sessions stay, the old password stops working', async () => {
    const container = containerOf(manifests, 'StatefulSet', plan.names.statefulSet, 'reload');
    const secretDir = makeDir('app-secret');
    const passwordFile = join(secretDir, 'postgres-password');
    writeOwned(passwordFile, 'app-pw-two', 0o440);
    const env = envOf(container, { APP_PASSWORD_FILE: passwordFile, PGSOCKET: root, PGPORT_SERVER: String(primaryPort), RELOAD_INTERVAL_SECONDS: '1', RELOAD_FILES: `${root}/conf/postgresql.conf ${root}/conf/pg_hba.conf` });
    const sync = new Background('/bin/bash', [join(scripts, 'reload.sh')], env);
    try {
      for (let i = 0; i < 100 && !sync.log.includes('applied'); i++) await new Promise(r => setTimeout(r, 100));
      expect(sync.log).toContain('password-sync: applied the application password from the Secret');
      // A session opened with the old password runs across the rotation.
      const session = run(`${PG_BIN}/psql`, ['-X', '-A', '-t', '-h', '127.0.0.1', '-p', String(primaryPort), '-U', plan.spec.username, '-d', plan.spec.database,
        '-c', 'SELECT pg_sleep(4)', '-c', "SELECT 'still connected'"], { PGPASSWORD: 'app-pw-two' });
      await new Promise(r => setTimeout(r, 500));
      // The kubelet swaps a Secret volume's files atomically: write aside, then rename.
      writeOwned(`${passwordFile}.new`, 'app-pw-three', 0o440);
      renameSync(`${passwordFile}.new`, passwordFile);
      let fresh = await psqlTcp(primaryPort, plan.spec.username, 'app-pw-three', plan.spec.database, 'SELECT 1');
      for (let i = 0; i < 50 && fresh.code !== 0; i++) {
        await new Promise(r => setTimeout(r, 200));
        fresh = await psqlTcp(primaryPort, plan.spec.username, 'app-pw-three', plan.spec.database, 'SELECT 1');
      }
      expect(fresh).toMatchObject({ code: 0, stdout: '1\n' });
      expect((await psqlTcp(primaryPort, plan.spec.username, 'app-pw-two', plan.spec.database, 'SELECT 1')).stderr).toMatch(/password authentication failed/);
      expect(await session).toMatchObject({ code: 0, stdout: expect.stringContaining('still connected') });
      expect(sync.log.match(/password-sync: applied/g)).toHaveLength(2);
      expect(sync.log).not.toMatch(/app-pw/);
    } finally {
      expect(await sync.stop()).toBe(0);
      removeDir(secretDir);
    }
  });
});
