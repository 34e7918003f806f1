import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderDatabase, type Manifest } from '@postgres-gitops/renderer';
import { quantityToMi } from '../renderer/src/request/quantity';
import { completes, startupWindowSeconds, type ProbedContainer } from './support/kubelet-probes';

/**
 * Standbys on volumes of every size finish cloning: each read pod's containers are run with the
 * rendered commands and scripts (pg_basebackup and postgres replaced by stubs that record the
 * call) on an empty volume, which finds the container that clones; the kubelet model then says
 * whether a clone of the whole volume completes within what that container's probes allow.
 *
 * The clone's speed: 200 MiB/s, faster than most network-attached volumes give, so every size
 * the model passes is passed with margin (2Ti then takes 2.9 hours).
 */
const CLONE_MIB_PER_SECOND = 200;
const SIZES = ['1Gi', '10Gi', '100Gi', '500Gi', '2Ti', '64Ti'];

type Pod = { initContainers?: (ProbedContainer & { command: string[] })[]; containers: (ProbedContainer & { command: string[] })[] };

function readPod(storageSize: string): Pod {
  const db = renderDatabase({ apiVersion: 'postgres-gitops.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name: 'orders', namespace: 'team-a' }, spec: { engine: 'statefulset', size: 'large', profile: 'prod', replicas: 3, storageSize } });
  const read = db.manifests.find(m => m.kind === 'StatefulSet' && m.metadata.name === 'orders-postgresql-read') as Manifest & { spec: { template: { spec: Pod } } };
  return read.spec.template.spec;
}

/** Runs a container's command against an empty data directory with stub tools; true when it called pg_basebackup. */
function clonesIn(container: { command: string[] }, scripts: Record<string, string>): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'pgg-probe-'));
  try {
    const bin = join(dir, 'bin');
    spawnSync('mkdir', ['-p', bin, join(dir, 'scripts')]);
    for (const [file, content] of Object.entries(scripts)) writeFileSync(join(dir, 'scripts', file), content);
    // The stubs: pg_basebackup leaves a data directory and a marker, postgres exits at once.
    writeFileSync(join(bin, 'pg_basebackup'), `#!/bin/bash\nfor a in "$@"; do case "$prev" in -D) target=$a;; esac; prev=$a; done\nmkdir -p "$target" && echo 15 > "$target/PG_VERSION" && touch "${dir}/cloned"\n`);
    writeFileSync(join(bin, 'postgres'), '#!/bin/bash\nexit 0\n');
    for (const tool of ['pg_basebackup', 'postgres']) chmodSync(join(bin, tool), 0o755);
    const [shell, script, ...args] = container.command;
    spawnSync(shell, [script.replace('/scripts/', `${dir}/scripts/`), ...args], {
      env: { PATH: `${bin}:/usr/bin:/bin`, PGDATA: join(dir, 'data', 'pgdata'), PRIMARY_HOST: 'primary', PRIMARY_PORT: '5432', REPLICATION_PASSWORD: 'x', POD_NAME: 'orders-postgresql-read-0', PGPORT_SERVER: '5432', PGSOCKET: dir },
      timeout: 10_000,
    });
    return existsSync(join(dir, 'cloned'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function scriptsOf(storageSize: string): Record<string, string> {
  const db = renderDatabase({ apiVersion: 'postgres-gitops.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name: 'orders', namespace: 'team-a' }, spec: { engine: 'statefulset', size: 'large', profile: 'prod', replicas: 3, storageSize } });
  return (db.manifests.find(m => m.kind === 'ConfigMap' && m.metadata.name === 'orders-postgresql-scripts') as unknown as { data: Record<string, string> }).data;
}

describe('the kubelet model', () => {
  it('bounds a startup by the startup probe, else by the liveness probe, and never an init container', () => {
    expect(startupWindowSeconds({ name: 'a', startupProbe: { periodSeconds: 10, failureThreshold: 90 } }, false)).toBe(900);
    expect(startupWindowSeconds({ name: 'a', livenessProbe: { initialDelaySeconds: 5 } }, false)).toBe(35);
    expect(startupWindowSeconds({ name: 'a' }, true)).toBe(Infinity);
    expect(() => startupWindowSeconds({ name: 'a', startupProbe: {} }, true)).toThrow('refuses probes on init containers');
    expect(startupWindowSeconds({ name: 'a', restartPolicy: 'Always', startupProbe: { failureThreshold: 1 } }, true)).toBe(10);
  });

  it('fails the clone that runs inside a probed container (the old standby: pg_basebackup under a 15-minute startup probe)', () => {
    const old: ProbedContainer = { name: 'postgresql', startupProbe: { periodSeconds: 10, failureThreshold: 90 } };
    expect(completes(old, false, (quantityToMi('2Ti') / CLONE_MIB_PER_SECOND))).toBe(false);
    expect(completes(old, false, (quantityToMi('10Gi') / CLONE_MIB_PER_SECOND))).toBe(true);
  });
});

describe.each(SIZES)('a standby of a %s database finishes cloning', storageSize => {
  it('the container that runs pg_basebackup lets a clone of the whole volume run to its end', () => {
    const pod = readPod(storageSize);
    const scripts = scriptsOf(storageSize);
    const all = [...(pod.initContainers ?? []).map(c => ({ c, init: true })), ...pod.containers.filter(c => c.name === 'postgresql').map(c => ({ c, init: false }))];
    const cloning = all.filter(({ c }) => clonesIn(c, scripts));
    expect(cloning.map(({ c }) => c.name)).toHaveLength(1);
    const seconds = quantityToMi(storageSize) / CLONE_MIB_PER_SECOND;
    const [{ c, init }] = cloning;
    expect({ container: c.name, seconds: Math.round(seconds), window: startupWindowSeconds(c, init), completes: completes(c, init, seconds) }).toMatchObject({ completes: true });
  });
});
