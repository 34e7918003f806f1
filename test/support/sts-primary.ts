import { chownSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { renderPlan, type Manifest } from '@postgres-gitops/renderer';
import type { StatefulSetPlan } from '../../renderer/src/plan/statefulset/plan';
import { Background, freePort, initdb, makeDir, removeDir, serverBin, waitReady, writeOwned } from './postgres';

/**
 * A statefulset engine's primary run for real on loopback: the rendered primary container's
 * command (primary.sh, which starts the server and syncs the roles) and environment, with its
 * Secrets' values from `passwords`, its paths and port pointed at a temporary directory. Its
 * scripts and configuration files are the rendered ConfigMaps' data.
 */
export type Container = { name: string; command: string[]; env: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: unknown } }[] };

export const PRIMARY_PASSWORDS: Record<string, string> = {
  'postgres-password': 'app-pw',
  'superuser-password': 'super-pw',
  'replication-password': 'repl-pw',
  'monitoring-password': 'mon-pw',
  'backup-password': 'backup-pw',
};

export function podOf(manifests: Manifest[], kind: string, name: string): any {
  const m = manifests.find(o => o.kind === kind && o.metadata.name === name) as any;
  return kind === 'CronJob' ? m.spec.jobTemplate.spec.template.spec : m.spec.template.spec;
}

/** A container's environment, Secrets filled from `passwords` by key, then `overrides`. */
export function envOf(container: Container, overrides: Record<string, string> = {}, passwords = PRIMARY_PASSWORDS): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of container.env) env[e.name] = e.valueFrom?.secretKeyRef ? passwords[e.valueFrom.secretKeyRef.key] : (e.value ?? '');
  return { ...env, ...overrides };
}

export class StatefulSetPrimary {
  readonly manifests: Manifest[];
  root = '';
  scripts = '';
  conf = '';
  port = 0;
  server?: Background;

  constructor(readonly plan: StatefulSetPlan, readonly major: string) {
    this.manifests = renderPlan(plan);
  }

  /** Writes the ConfigMaps' files, initialises a data directory and starts primary.sh; waits for its role sync. */
  async start(extraConf: string[] = []): Promise<void> {
    this.root = makeDir(`sts-${this.major}`);
    this.scripts = join(this.root, 'scripts');
    this.conf = join(this.root, 'conf');
    for (const dir of [this.scripts, this.conf]) {
      mkdirSync(dir);
      chownSync(dir, statSync(this.root).uid, statSync(this.root).gid);
    }
    for (const [file, content] of Object.entries(this.plan.configFiles)) writeOwned(join(this.conf, file), content);
    for (const [file, content] of Object.entries(this.plan.scriptFiles)) writeOwned(join(this.scripts, file), content, 0o755);
    this.port = await freePort();
    await initdb(join(this.root, 'data'), serverBin(this.major));
    const container = podOf(this.manifests, 'StatefulSet', this.plan.names.statefulSet).containers[0] as Container;
    const [, , ...rest] = container.command;
    const server = rest.filter(a => a !== 'docker-entrypoint.sh').map(a => a.replace('/etc/postgresql/', `${this.conf}/`));
    const args = [join(this.scripts, 'primary.sh'), `${serverBin(this.major)}/postgres`, ...server.slice(1), ...extraConf, '-c', `port=${this.port}`, '-c', `unix_socket_directories=${this.root}`];
    const env = envOf(container, { PGDATA: join(this.root, 'data'), PGPORT_SERVER: String(this.port), PGSOCKET: this.root, STANDBY_HOSTS: '' });
    this.server = new Background('/bin/bash', args, env);
    await waitReady(this.port, this.server);
    for (let i = 0; i < 100 && !this.server.log.includes('roles and database in place'); i++) await new Promise(r => setTimeout(r, 100));
    if (!this.server.log.includes('roles and database in place')) throw new Error(`primary.sh did not sync roles:\n${this.server.log}`);
  }

  /** The reload container of the primary, its environment pointed at this machine. */
  reloadEnv(overrides: Record<string, string> = {}): Record<string, string> {
    const container = (podOf(this.manifests, 'StatefulSet', this.plan.names.statefulSet).containers as Container[]).find(c => c.name === 'reload')!;
    return envOf(container, { PGSOCKET: this.root, PGPORT_SERVER: String(this.port), ...overrides });
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    removeDir(this.root);
  }
}
