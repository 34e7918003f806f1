import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { fluxWiring, renderDatabase, type RenderedDatabase } from '@postgres-gitops/renderer';
import { fluxIndexIgnore } from '../renderer/src/wiring/flux';
import { fluxKustomizationName } from '../renderer/src/layout/flux-kustomization';
import { CNPG_PLATFORM } from './support/cnpg-requests';
import { kustomizeBuild } from './support/kustomize';
import { validateObject } from './support/validate';

/**
 * M7 of the SRE review: Flux applies a Kustomization all or nothing. fluxcd/pkg ssa
 * (manager_apply.go ApplyAll, Jul 2026 snapshot) dry-runs every object and returns on the first
 * error before applying any, so one database the API server or a webhook refuses held back every
 * database of the cluster. Each database now has its own Kustomization, applied by a root over an
 * index source that keeps only those files.
 */
const request = (name: string, spec: Record<string, unknown>, namespace = 'team-a') => ({
  apiVersion: 'postgres-gitops.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name, namespace }, spec: { cluster: 'worker-1', ...spec },
});
const ledger = renderDatabase(request('ledger', { engine: 'statefulset', size: 'large', backup: true, monitoring: true, ssl: true }), CNPG_PLATFORM);
const plain = renderDatabase(request('cache', { engine: 'statefulset', size: 'small', monitoring: false, ssl: false }), CNPG_PLATFORM);
const orders = renderDatabase(request('orders', { engine: 'cloudnative-pg', backup: true, monitoring: true }), CNPG_PLATFORM);
const shared = renderDatabase(request('shared', { engine: 'cloudnative-pg', tenants: true, backup: false }, 'databases'), CNPG_PLATFORM);
const billing = renderDatabase(request('billing', { server: { name: 'shared', namespace: 'databases' } }, 'team-b'), CNPG_PLATFORM);
const databases = [ledger, plain, orders, shared, billing];
const fluxOf = (db: RenderedDatabase) => parse(db.files[`${db.directory}/flux-kustomization.yaml`]);

/**
 * The model of one reconciliation of a Flux Kustomization (fluxcd/pkg ssa ApplyAll): it applies
 * its objects only when every one passes the server-side dry-run, and starts only when every
 * Kustomization it dependsOn is Ready (kustomize-controller checkDependencies).
 */
function reconcile(kustomizations: { name: string; objects: string[]; dependsOn: string[] }[], refused: Set<string>, ready: Set<string>): Set<string> {
  const applied = new Set(ready);
  for (let changed = true; changed;) {
    changed = false;
    for (const k of kustomizations) {
      if (applied.has(k.name) || !k.dependsOn.every(d => applied.has(d))) continue;
      if (k.objects.some(o => refused.has(o))) continue;
      applied.add(k.name);
      changed = true;
    }
  }
  return applied;
}
const objectsOf = (db: RenderedDatabase) => db.manifests.map(m => `${m.kind}/${m.metadata.namespace ?? ''}/${m.metadata.name}`);
const ADD_ONS = new Set(['external-secrets', 'cert-manager', 'kube-prometheus-stack', 'cloudnative-pg', 'plugin-barman-cloud']);

describe('Flux wiring: one Kustomization per database', () => {
  it('each database directory carries a Flux Kustomization that validates, applies its own directory and is not applied by it', () => {
    for (const db of databases) {
      const k = fluxOf(db);
      expect(validateObject(k)).toEqual([]);
      expect(k.metadata).toEqual({ name: fluxKustomizationName('worker-1', db.plan.namespace, db.plan.name), namespace: 'flux-system' });
      expect(k.spec).toMatchObject({ path: `./${db.directory}`, prune: true, sourceRef: { kind: 'GitRepository', name: 'state-store' } });
      // A statefulset database with backups lists its health checks instead of waiting for all (test/flux-health.test.ts, review 3 m1).
      expect(db === ledger ? k.spec.healthChecks.length : k.spec.wait).toEqual(db === ledger ? db.manifests.length - 1 : true);
      expect(kustomizeBuild(db)).not.toContainEqual(expect.stringMatching(/^Kustomization\//));
    }
  });

  it('waits only for the add-ons its objects need, and a tenant for its server', () => {
    const dependsOn = (db: RenderedDatabase) => (fluxOf(db).spec.dependsOn ?? []).map((d: { name: string }) => d.name);
    expect(dependsOn(ledger)).toEqual(['cert-manager', 'external-secrets', 'kube-prometheus-stack']);
    expect(dependsOn(plain)).toEqual(['external-secrets']);
    expect(dependsOn(orders)).toEqual(['cloudnative-pg', 'external-secrets', 'kube-prometheus-stack', 'plugin-barman-cloud']);
    expect(dependsOn(billing)).toEqual(expect.arrayContaining(['cloudnative-pg', fluxKustomizationName('worker-1', 'databases', 'shared')]));
    expect(fluxKustomizationName('worker-1', 'n'.repeat(63), 'd'.repeat(40))).toHaveLength(63);
  });

  it('the wiring prints an index GitRepository and a root Kustomization that validate', () => {
    const [source, root] = fluxWiring({ cluster: 'worker-1', repoUrl: 'https://git.example.com/state.git', secretName: 'state-store-auth' });
    expect(validateObject(source)).toEqual([]);
    expect(validateObject(root)).toEqual([]);
    expect(root.spec).toMatchObject({ path: './clusters/worker-1/postgres', prune: true, sourceRef: { kind: 'GitRepository', name: source.metadata.name } });
  });

  it('the index source keeps only the databases\' Flux Kustomizations of its cluster (real git, .gitignore rules)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgg-flux-index-'));
    try {
      const other = renderDatabase(request('elsewhere', { engine: 'statefulset', cluster: 'worker-2' }), CNPG_PLATFORM);
      const files = { 'platform.yaml': 'x: 1\n', 'README.md': '#\n', ...Object.assign({}, ...[...databases, other].map(db => db.files)) };
      for (const [path, content] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), content as string);
      }
      writeFileSync(join(dir, '.gitignore'), fluxIndexIgnore('worker-1'));
      execFileSync('git', ['init', '-q'], { cwd: dir });
      execFileSync('git', ['add', '-A'], { cwd: dir });
      const kept = execFileSync('git', ['ls-files', '--cached'], { cwd: dir, encoding: 'utf8' }).trim().split('\n').filter(f => f !== '.gitignore').sort();
      expect(kept).toEqual(databases.map(db => `${db.directory}/flux-kustomization.yaml`).sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('one database the API server refuses holds back only itself; with one Kustomization for the cluster (the planted violation) it held back all', () => {
    // The CloudNativePG webhook refuses orders' Cluster (or its CRDs are missing).
    const refused = new Set([objectsOf(orders).find(o => o.startsWith('Cluster/'))!]);
    const perDatabase = databases.map(db => ({ name: fluxOf(db).metadata.name, objects: objectsOf(db), dependsOn: (fluxOf(db).spec.dependsOn ?? []).map((d: { name: string }) => d.name) }));
    const applied = reconcile(perDatabase, refused, ADD_ONS);
    expect(databases.filter(db => applied.has(fluxOf(db).metadata.name)).map(db => db.plan.name)).toEqual(['ledger', 'cache', 'shared', 'billing']);

    const single = [{ name: 'postgres-worker-1', objects: databases.flatMap(objectsOf), dependsOn: ['external-secrets', 'cert-manager', 'kube-prometheus-stack'] }];
    expect(reconcile(single, refused, ADD_ONS).has('postgres-worker-1')).toBe(false);
  });

  it('a statefulset database does not wait for CloudNativePG, which a new worker may not have yet', () => {
    const perDatabase = databases.map(db => ({ name: fluxOf(db).metadata.name, objects: objectsOf(db), dependsOn: (fluxOf(db).spec.dependsOn ?? []).map((d: { name: string }) => d.name) }));
    const withoutCnpg = new Set([...ADD_ONS].filter(a => a !== 'cloudnative-pg' && a !== 'plugin-barman-cloud'));
    const applied = reconcile(perDatabase, new Set(), withoutCnpg);
    expect(databases.filter(db => applied.has(fluxOf(db).metadata.name)).map(db => db.plan.name)).toEqual(['ledger', 'cache']);
  });
});
