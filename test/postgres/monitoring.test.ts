import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { renderPlan, type Manifest } from '@postgres-gitops/renderer';
import { statefulSetPlanFor } from '../../renderer/src/__testUtils__/plans';
import type { StatefulSetPlan } from '../../renderer/src/plan/statefulset/plan';
import { aptInstall } from '../support/apt';
import { Background, freePort, initdb, makeDir, psqlLocal, removeDir, run, serverBin, waitReady, writeOwned } from '../support/postgres';
import { containerOf, envOf, PASSWORDS, type Container } from '../support/rendered-pods';

/**
 * The rendered monitoring against real parts: Debian's postgres_exporter (the same
 * prometheus-community/postgres_exporter as the rendered image; both serve /metrics through
 * client_golang's promhttp.Handler(), which answers HTTP 500 when a scrape gathers one series
 * twice: cmd/postgres_exporter/main.go, v0.11.1 and v0.17.1) scraping a real primary with two
 * real standbys, each made by the rendered scripts, with the rendered queries and environment.
 */
const EXPORTER = '/usr/bin/prometheus-postgres-exporter';
const MAJOR = '15';

/** Metrics the alert rules read that come from elsewhere than the exporter, and from where. */
const FROM_ELSEWHERE: Record<string, string> = {
  up: 'Prometheus, per scrape target',
  kubelet_volume_stats_available_bytes: 'the kubelet',
  kubelet_volume_stats_capacity_bytes: 'the kubelet',
  kube_cronjob_status_last_successful_time: 'kube-state-metrics',
  kube_cronjob_status_last_schedule_time: 'kube-state-metrics',
  kube_cronjob_status_active: 'kube-state-metrics',
  kube_cronjob_created: 'kube-state-metrics',
  kube_job_failed: 'kube-state-metrics',
  kube_job_status_failed: 'kube-state-metrics',
};

interface Scrape {
  status: number;
  body: string;
}

async function scrape(port: number): Promise<Scrape> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  return { status: response.status, body: await response.text() };
}

/** Series of an exposition text: name and labels, one entry per sample line. */
function seriesOf(body: string): string[] {
  return body.split('\n').filter(line => line && !line.startsWith('#')).map(line => line.slice(0, line.lastIndexOf(' ')));
}

/** Metric names a PromQL expression reads (the identifiers before a selector or standing alone, minus functions and keywords). */
function metricsOf(expr: string): string[] {
  // Label lists of vector matching and aggregation (on(...), by(...)) name labels, not metrics.
  const words = expr.replace(/\{[^}]*\}/g, ' ').replace(/\b(on|ignoring|by|without|group_left|group_right)\s*\([^)]*\)/g, ' ').match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? [];
  const notMetrics = new Set(['or', 'and', 'unless', 'by', 'without', 'on', 'ignoring', 'max', 'min', 'sum', 'count', 'avg', 'absent', 'time', 'rate', 'increase']);
  return [...new Set(words.filter(w => !notMetrics.has(w)))];
}

describe(`monitoring of a primary with two standbys on real PostgreSQL ${MAJOR} and postgres_exporter`, () => {
  const bin = serverBin(MAJOR);
  let plan: StatefulSetPlan;
  let manifests: Manifest[];
  let root: string;
  let scripts: string;
  let primaryPort: number;
  let primary: Background | undefined;
  const standbys: { pod: string; port: number; server?: Background }[] = [];
  let exporter: Background | undefined;
  let exporterPort: number;

  function serverArgs(container: Container, port: number, withScript = true): string[] {
    const [, script, ...rest] = container.command;
    const server = rest.filter(a => a !== 'docker-entrypoint.sh').map(a => a.replace('/etc/postgresql/', `${root}/conf/`));
    const local = ['-c', `port=${port}`, '-c', `unix_socket_directories=${root}`];
    return withScript ? [join(scripts, script.replace('/scripts/', '')), `${bin}/postgres`, ...server.slice(1), ...local] : [...server.slice(1), ...local];
  }

  /** A standby as the rendered pod makes it: the clone init container, then the server container. */
  async function startStandby(index: number, rendered = true): Promise<Background> {
    const standby = standbys[index];
    const dataDir = join(root, standby.pod);
    if (!existsSync(join(dataDir, 'PG_VERSION'))) {
      const clone = containerOf(manifests, 'StatefulSet', plan.names.readStatefulSet, 'clone');
      const cloned = await run('/bin/bash', [join(scripts, 'standby.sh'), 'clone'], envOf(clone, { PGDATA: dataDir, PRIMARY_HOST: '127.0.0.1', PRIMARY_PORT: String(primaryPort) }, PASSWORDS, standby.pod));
      expect(cloned).toMatchObject({ code: 0 });
    }
    const container = containerOf(manifests, 'StatefulSet', plan.names.readStatefulSet);
    const env = envOf(container, { PGDATA: dataDir, PGPORT_SERVER: String(standby.port), PGSOCKET: root }, PASSWORDS, standby.pod);
    // rendered = false starts the server as the old standby.sh did: `exec "$@"`, nothing naming the standby.
    const server = rendered ? new Background('/bin/bash', serverArgs(container, standby.port), env) : new Background(`${bin}/postgres`, ['-D', dataDir, ...serverArgs(container, standby.port, false)], env);
    await waitReady(standby.port, server);
    return server;
  }

  /** The standbys streaming from the primary, by application_name, once they are the expected ones (or after 20 s). */
  async function streaming(expected: string[]): Promise<string[]> {
    let names: string[] = [];
    for (let i = 0; i < 200; i++) {
      names = (await psqlLocal(root, primaryPort, "SELECT application_name FROM pg_stat_replication WHERE state = 'streaming' ORDER BY 1")).split('\n').filter(Boolean);
      if (JSON.stringify(names) === JSON.stringify(expected)) break;
      await new Promise(r => setTimeout(r, 100));
    }
    return names;
  }

  beforeAll(async () => {
    if (!existsSync(EXPORTER)) aptInstall(['prometheus-postgres-exporter']);
    plan = statefulSetPlanFor({ size: 'large', profile: 'prod', replicas: 3, ssl: false, version: MAJOR, username: 'app_user', database: 'orders' });
    manifests = renderPlan(plan);
    root = makeDir('monitoring');
    scripts = join(root, 'scripts');
    mkdirSync(join(root, 'conf'));
    mkdirSync(scripts);
    for (const [file, content] of Object.entries(plan.configFiles)) writeOwned(join(root, 'conf', file), content);
    for (const [file, content] of Object.entries(plan.scriptFiles)) writeOwned(join(scripts, file), content, 0o755);
    const queries = (manifests.find(m => m.kind === 'ConfigMap' && m.metadata.name === plan.names.exporter) as unknown as { data: Record<string, string> }).data;
    for (const [file, content] of Object.entries(queries)) writeOwned(join(root, file), content);

    primaryPort = await freePort();
    await initdb(join(root, 'primary'), bin);
    const container = containerOf(manifests, 'StatefulSet', plan.names.statefulSet);
    primary = new Background('/bin/bash', serverArgs(container, primaryPort), envOf(container, { PGDATA: join(root, 'primary'), PGPORT_SERVER: String(primaryPort), PGSOCKET: root, STANDBY_HOSTS: '' }));
    await waitReady(primaryPort, primary);
    for (let i = 0; i < 100 && !primary.log.includes('roles and database in place'); i++) await new Promise(r => setTimeout(r, 100));
    for (let i = 0; i < plan.standbys; i++) standbys.push({ pod: `${plan.names.readStatefulSet}-${i}`, port: await freePort() });

    // The exporter with the Deployment's arguments and environment, the Service's host pointed at the primary.
    const deployment = containerOf(manifests, 'Deployment', plan.names.exporter);
    exporterPort = await freePort();
    const env = envOf(deployment, {});
    env.DATA_SOURCE_URI = env.DATA_SOURCE_URI.replace(`${plan.connection.host}:${plan.port}`, `127.0.0.1:${primaryPort}`);
    const args = (deployment.args ?? []).map(a => a.replace('/etc/postgres-exporter/', `${root}/`));
    exporter = new Background(EXPORTER, [...args, `--web.listen-address=127.0.0.1:${exporterPort}`], env);
    for (let i = 0; i < 100; i++) {
      if (await fetch(`http://127.0.0.1:${exporterPort}/`).then(() => true, () => false)) break;
      await new Promise(r => setTimeout(r, 100));
    }
  }, 300_000);

  afterAll(async () => {
    await exporter?.stop();
    for (const s of standbys) await s.server?.stop();
    await primary?.stop();
    removeDir(root);
  });

  it('with standbys started as the old standby.sh did, both report "walreceiver" and the exporter fails the whole scrape (HTTP 500)', async () => {
    try {
      for (let i = 0; i < standbys.length; i++) standbys[i].server = await startStandby(i, false);
      expect(await streaming(['walreceiver', 'walreceiver'])).toEqual(['walreceiver', 'walreceiver']);
      const { status, body } = await scrape(exporterPort);
      expect(status).toBe(500);
      expect(body).toMatch(/pg_standby_replay_lag_seconds.*was collected before with the same name and label values/s);
    } finally {
      for (const s of standbys) await s.server?.stop();
    }
  });

  it('with the rendered standbys, each reports its pod name; the scrape answers 200 with no series twice and every metric the alerts read', async () => {
    for (let i = 0; i < standbys.length; i++) standbys[i].server = await startStandby(i);
    expect(await streaming(standbys.map(s => s.pod))).toEqual(standbys.map(s => s.pod));
    const { status, body } = await scrape(exporterPort);
    expect(status).toBe(200);
    const series = seriesOf(body);
    expect(series.filter((s, i) => series.indexOf(s) !== i)).toEqual([]);
    expect(series).toContain('pg_up');
    expect(body).toMatch(/^pg_up 1$/m);
    expect(series.filter(s => s.startsWith('pg_standby_replay_lag_seconds{')).map(s => /application_name="([^"]+)"/.exec(s)?.[1]).sort()).toEqual(standbys.map(s => s.pod));

    const rule = manifests.find(m => m.kind === 'PrometheusRule') as unknown as { spec: { groups: { rules: { alert: string; expr: string }[] }[] } };
    const read = rule.spec.groups.flatMap(g => g.rules).flatMap(r => metricsOf(r.expr).map(metric => ({ alert: r.alert, metric })));
    expect(read.length).toBeGreaterThan(0);
    const names = new Set(series.map(s => s.replace(/\{.*$/, '')));
    expect(read.filter(({ metric }) => !names.has(metric) && !(metric in FROM_ELSEWHERE))).toEqual([]);
    // The standby alerts count one series per standby: as many as the rule expects.
    expect(rule.spec.groups[0].rules.find(r => r.alert === 'PostgreSQLStandbyNotStreaming')!.expr).toContain(`< ${standbys.length}`);
  });
});
