import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RenderedDatabase } from '@postgres-gitops/renderer';
import type { ApiRequest } from './rbac';
import { Background, makeDir, PG_BIN, run, writeOwned, type RunResult } from './postgres';
import { until } from './readiness';

/**
 * The restore drill's runner (CronJob `{name}-drill`), run for real on this machine: drill.sh from
 * its ConfigMap with its container's environment, kubectl replaced by support/fake-kubectl, psql
 * either a stub answering the scenario's check or the real psql pointed at a server on loopback.
 */
export interface DrillScenario {
  /** The admission policy is installed: the probe is refused. */
  policy: boolean;
  /** What `kubectl get backups -o jsonpath=...` prints. */
  backups: string;
  window?: string;
  ready: boolean;
  recoveryFailed?: boolean;
  clusterStatus?: string;
  password: string;
  deleteFails?: boolean;
}

export interface DrillRun extends RunResult {
  /** kubectl's argv, one per call, in order. */
  calls: string[][];
  /** The API requests those calls make (kubectlRequests). */
  requests: ApiRequest[];
}

type Obj = Record<string, any>;

const FAKE_KUBECTL = join(__dirname, 'fake-kubectl', 'kubectl.js');

export function drillRunnerOf(db: RenderedDatabase): { cronJob: Obj; container: Obj; files: Record<string, string> } {
  const cronJob = db.manifests.find(m => m.kind === 'CronJob' && (m.metadata.labels ?? {})['app.kubernetes.io/component'] === 'drill') as Obj;
  const pod = cronJob.spec.jobTemplate.spec.template.spec;
  const container = pod.containers.find((c: Obj) => c.name === 'drill');
  const volume = pod.volumes.find((v: Obj) => v.name === 'drill');
  const configMap = db.manifests.find(m => m.kind === 'ConfigMap' && m.metadata.name === volume.configMap.name) as Obj;
  return { cronJob, container, files: configMap.data };
}

/**
 * What kubectl asks of the API server for each call drill.sh makes (kubectl v1.34: a `get` or `delete`
 * of a named object is a GET or DELETE of it; `kubectl wait` and `delete --wait` first GET the
 * object through the resource builder, then list and watch it with a metadata.name field selector,
 * pkg/cmd/wait/condition.go and delete.go; `get` of a kind lists it; `create -f` POSTs).
 */
export function kubectlRequests(calls: string[][], drillCluster: string): ApiRequest[] {
  const groups: Record<string, [string, string]> = {
    cluster: ['postgresql.cnpg.io', 'clusters'],
    backups: ['postgresql.cnpg.io', 'backups'],
    objectstore: ['barmancloud.cnpg.io', 'objectstores'],
    job: ['batch', 'jobs'],
    secret: ['', 'secrets'],
  };
  return calls.flatMap((argv): ApiRequest[] => {
    const [, , verb, ...rest] = argv;
    const why = `kubectl ${argv.slice(2).join(' ')}`;
    const positional = rest.filter(a => !a.startsWith('-') && !/^(name|jsonpath=|go-template=)/.test(a) && !a.startsWith('{'));
    if (verb === 'create') return [{ verb: 'create', apiGroup: 'postgresql.cnpg.io', resource: 'clusters', name: drillCluster, why }];
    const [kind, name] = positional;
    const known = groups[kind];
    if (!known) throw new Error(`no API mapping for ${why}`);
    const [apiGroup, resource] = known;
    const named = (v: ApiRequest['verb']): ApiRequest => ({ verb: v, apiGroup, resource, name, why });
    if (verb === 'get') return [name ? named('get') : { verb: 'list', apiGroup, resource, why }];
    if (verb === 'wait') return [named('get'), named('list'), named('watch')];
    if (verb === 'delete') return [named('delete'), ...(rest.includes('--wait=true') ? [named('get'), named('list'), named('watch')] : [])];
    throw new Error(`no API mapping for ${why}`);
  });
}

export interface PsqlTarget {
  /** A server on loopback the drill checks, instead of the drill Cluster's Service. */
  port: number;
}

/**
 * Runs drill.sh as its container would, with `env` overriding the container's environment. With
 * `psql`, the real psql checks that server (the conninfo's host and the ConfigMap's mount path
 * rewritten); otherwise a stub prints `check` (or fails with `checkError`).
 */
export async function runDrill(
  db: RenderedDatabase,
  scenario: DrillScenario,
  options: { psql?: PsqlTarget; check?: string; checkError?: string; env?: Record<string, string>; signalOnceCreated?: boolean } = {},
): Promise<DrillRun> {
  const { container, files } = drillRunnerOf(db);
  const dir = makeDir('drill-runner');
  const tools = join(dir, 'tools');
  const drill = join(dir, 'drill');
  await run('/bin/mkdir', ['-p', tools, drill]);
  for (const [file, text] of Object.entries(files)) writeOwned(join(drill, file), text, 0o755);
  const scenarioFile = join(dir, 'scenario.json');
  const log = join(dir, 'kubectl.log');
  writeOwned(scenarioFile, JSON.stringify({ ...scenario, drillCluster: db.plan.engine === 'cloudnative-pg' ? db.plan.names.drillCluster : '' }));
  writeOwned(log, '');
  writeOwned(join(tools, 'kubectl'), `#!/bin/bash\nexec ${process.execPath} ${FAKE_KUBECTL} "$@"\n`, 0o755);
  const psql = options.psql
    ? `#!/bin/bash\n# The conninfo names the drill Cluster's Service (and TLS, which the operator always serves): point it at the server on loopback.\nargs=()\nfor a in "$@"; do a=\${a//host=*.svc /host=127.0.0.1 }; a=\${a//port=5432/port=${options.psql.port}}; a=\${a//sslmode=require/sslmode=disable}; args+=("$a"); done\nexec ${PG_BIN}/psql "\${args[@]}"\n`
    : options.checkError
      ? `#!/bin/bash\necho ${JSON.stringify(options.checkError)} >&2\nexit 3\n`
      : `#!/bin/bash\necho ${JSON.stringify(options.check ?? '{}')}\n`;
  writeOwned(join(tools, 'psql'), psql, 0o755);
  const env: Record<string, string> = {};
  for (const e of container.env) env[e.name] = e.valueFrom?.fieldRef ? db.plan.namespace : e.value;
  // The script's absolute paths: /drill is where the ConfigMap is mounted.
  const script = readFileSync(join(drill, 'drill.sh'), 'utf8').replace(/\/drill\//g, `${drill}/`);
  writeOwned(join(drill, 'drill.sh'), script, 0o755);
  const runEnv = { ...env, PATH: `${tools}:${PG_BIN}:/usr/bin:/bin`, HOME: dir, FAKE_KUBECTL_SCENARIO: scenarioFile, FAKE_KUBECTL_LOG: log, ...(options.env ?? {}) };
  let result: RunResult;
  if (options.signalOnceCreated) {
    // SIGTERM as the Job's deadline sends it, once the drill Cluster is being created (its EXIT trap is set by then).
    const process = new Background('/bin/bash', [join(drill, 'drill.sh')], runEnv);
    let exited = false;
    void process.exited.then(() => (exited = true));
    const created = () => readFileSync(log, 'utf8').split('\n').some(line => line.includes('"create"') && !line.includes('--dry-run=server'));
    await until('the runner to create the drill Cluster', async () => {
      if (exited) throw new Error(`drill.sh ended before it created the drill Cluster:\n${process.log}`);
      return created() ? true : undefined;
    }, 120_000);
    const code = await process.stop();
    result = { code, stdout: process.log, stderr: process.log };
  } else {
    result = await run('/bin/bash', [join(drill, 'drill.sh')], runEnv);
  }
  const calls = readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map(line => JSON.parse(line) as string[]);
  await run('/bin/rm', ['-rf', dir]);
  const drillCluster = db.plan.engine === 'cloudnative-pg' ? db.plan.names.drillCluster : '';
  return { ...result, calls, requests: kubectlRequests(calls, drillCluster) };
}

/** A `kubectl get backups` line of the live Cluster's newest completed base backup, stopped `hoursAgo` hours ago. */
export function backupLine(cluster: string, hoursAgo: number, endLsn: string, name = `${cluster}-daily-1`): string {
  const stopped = new Date(Date.now() - hoursAgo * 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
  return `${cluster} completed ${stopped} ${endLsn} ${name}\n`;
}
