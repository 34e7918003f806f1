import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { renderDatabase, type RenderedDatabase } from '@postgres-gitops/renderer';
import { readDatabase } from '../cli/src/fleet/scan';
import { verifyStateStore } from '../cli/src/verify';
import { fluxKustomizationName } from '../renderer/src/layout/flux-kustomization';
import { fluxIndexIgnore } from '../renderer/src/wiring/flux';
import { CNPG_PLATFORM } from './support/cnpg-requests';
import { argoTimeline, type Applied, type BuiltObject, fluxTimeline, type FluxKustomizationModel, type JobPhase, waveOf } from './support/gitops-order';
import { buildDirectory, withStore } from './support/kustomize';
import { validateObject } from './support/validate';

/**
 * Review 2 M2: a shared-server tenant's login access roles exist only once its grants Job has
 * succeeded, so a Job that fails its check (another tenant's database still open to PUBLIC) leaves
 * no role that could log in there. The order is the GitOps tools' own (layout/access-gate.ts):
 * checked on real `kubectl kustomize` builds of the rendered files, fed to models of Flux and Argo
 * CD that cite their source (test/support/gitops-order.ts).
 */
const request = (name: string, spec: Record<string, unknown>, namespace = 'team-b') => ({
  apiVersion: 'postgres-gitops.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name, namespace }, spec: { cluster: 'worker-1', ...spec },
});
const SERVER = { server: { name: 'shared', namespace: 'databases' } };
const BI = { role: 'bi', privileges: 'read' };
const ETL = { role: 'etl', privileges: 'write' };
const tenant = (access: unknown[], extra: Record<string, unknown> = {}, name = 'billing') => renderDatabase(request(name, { ...SERVER, access, ...extra }), CNPG_PLATFORM);
const billing = tenant([BI, ETL]);

type Doc = { apiVersion: string; kind: string; [field: string]: any };
const fluxDocs = (db: RenderedDatabase): Doc[] => parseAllDocuments(db.files[`${db.directory}/flux-kustomization.yaml`]).map(d => d.toJS());
const idOf = (o: { kind: string; metadata: { name: string; namespace?: string } }) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const built = (objects: ReturnType<typeof buildDirectory>): BuiltObject[] => objects.map(o => ({ id: idOf(o), kind: o.kind, annotations: o.metadata.annotations ?? {} }));
/** The login access roles, found without the layout: DatabaseRoles of the tenant's access roles. */
const loginRoles = (db: RenderedDatabase) => {
  const names = new Set(db.plan.access.roles.map(r => r.dbRole));
  return db.manifests.filter(m => m.kind === 'DatabaseRole' && names.has((m.spec as { name: string }).name)).map(idOf).sort();
};

/** Flux as wired: each Kustomization of flux-kustomization.yaml over the real build of its path with its patches; the add-ons and the server taken as Ready. */
function fluxModel(files: Record<string, string>, db: RenderedDatabase): FluxKustomizationModel[] {
  const docs = parseAllDocuments(files[`${db.directory}/flux-kustomization.yaml`]).map(d => d.toJS() as Doc);
  const own = new Set(docs.map(k => k.metadata.name));
  return withStore(files, root =>
    docs.map(k => ({
      name: k.metadata.name,
      dependsOn: (k.spec.dependsOn ?? []).map((d: { name: string }) => d.name).filter((n: string) => own.has(n)),
      objects: built(buildDirectory(root, k.spec.path.replace(/^\.\//, ''), k.spec.patches ?? [])),
    })),
  );
}
/** Argo CD as wired: the ApplicationSet's Application over the database directory (wiring/argo.ts), built by kustomize. */
const argoObjects = (files: Record<string, string>, db: RenderedDatabase) => withStore(files, root => built(buildDirectory(root, db.directory)));

const FAILS: JobPhase[] = ['pending', 'running', 'running', 'failed', 'failed', 'failed'];
const RUNS: JobPhase[] = ['pending', 'running', 'running', 'running'];
const SUCCEEDS: JobPhase[] = ['pending', 'running', 'running', 'complete', 'complete'];

/** The login roles applied while the grants Job had not completed: what must never happen. */
const appliedEarly = (applied: Applied, roles: string[], job: JobPhase[]) => roles.filter(id => applied.has(id) && job[applied.get(id)!] !== 'complete');

/** The files with one edit (a planted violation). */
const edit = (files: Record<string, string>, path: string, change: (docs: Doc[]) => Doc | Doc[]) => ({
  ...files,
  [path]: [change(parseAllDocuments(files[path]).map(d => d.toJS()))].flat().map(d => stringify(d)).join('---\n'),
});

describe('a shared-server tenant\'s login access roles wait for its grants Job (review 2 M2)', () => {
  const roles = loginRoles(billing);

  it('Flux: never applied while the Job runs or after it failed; applied once it completed', () => {
    expect(roles).toHaveLength(2);
    const model = fluxModel(billing.files, billing);
    for (const job of [FAILS, RUNS]) {
      const applied = fluxTimeline(model, job);
      expect(roles.filter(id => applied.has(id))).toEqual([]);
      // Everything else is applied at once: the Job, the groups, the Secrets.
      expect(billing.manifests.map(idOf).filter(id => !roles.includes(id) && applied.get(id) !== 0)).toEqual([]);
    }
    const applied = fluxTimeline(model, SUCCEEDS);
    expect(roles.map(id => applied.get(id))).toEqual([3, 3]);
  });

  it('Argo CD: never applied while the Job runs or after it failed (the sync fails); applied once it completed', () => {
    const objects = argoObjects(billing.files, billing);
    const failing = argoTimeline(objects, FAILS);
    expect(failing.failed).toBe(true);
    expect(roles.filter(id => failing.applied.has(id))).toEqual([]);
    expect(roles.filter(id => argoTimeline(objects, RUNS).applied.has(id))).toEqual([]);
    const succeeding = argoTimeline(objects, SUCCEEDS);
    expect(succeeding.failed).toBe(false);
    expect(roles.map(id => succeeding.applied.get(id))).toEqual([3, 3]);
  });

  it('planted violations are caught: the second Kustomization without dependsOn, the first without its patch, access/ without its wave', () => {
    const flux = `${billing.directory}/flux-kustomization.yaml`;
    const noDependsOn = edit(billing.files, flux, ([main, access]) => [main, { ...access, spec: { ...access.spec, dependsOn: undefined } }]);
    expect(appliedEarly(fluxTimeline(fluxModel(noDependsOn, billing), FAILS), roles, FAILS)).toEqual(roles);
    const noPatch = edit(billing.files, flux, ([main, access]) => [{ ...main, spec: { ...main.spec, patches: undefined } }, access]);
    expect(appliedEarly(fluxTimeline(fluxModel(noPatch, billing), FAILS), roles, FAILS)).toEqual(roles);
    const noWave = edit(billing.files, `${billing.directory}/access/kustomization.yaml`, ([k]) => ({ ...k, commonAnnotations: undefined }));
    expect(appliedEarly(argoTimeline(argoObjects(noWave, billing), FAILS).applied, roles, FAILS)).toEqual(roles);
    // And the layout before this change (the roles beside everything else) by both tools.
    const flat = renderDatabase(request('billing', { ...SERVER, access: [BI, ETL] }), CNPG_PLATFORM);
    const before = Object.fromEntries(Object.entries(flat.files).filter(([path]) => !path.includes('/access/')));
    const kustomization = `${flat.directory}/kustomization.yaml`;
    const roleFiles = Object.keys(flat.files).filter(p => p.includes('/access/databaserole-')).map(p => p.split('/').pop()!);
    before[kustomization] = stringify({ ...parse(before[kustomization]), resources: [...parse(before[kustomization]).resources.filter((r: string) => r !== 'access'), ...roleFiles] });
    for (const path of Object.keys(flat.files).filter(p => p.includes('/access/databaserole-'))) before[path.replace('/access/', '/')] = flat.files[path];
    before[flux] = stringify(fluxDocs(flat).map(k => ({ ...k, spec: { ...k.spec, patches: undefined } }))[0]);
    expect(appliedEarly(fluxTimeline(fluxModel(before, flat), FAILS), roles, FAILS)).toEqual(roles);
    expect(appliedEarly(argoTimeline(argoObjects(before, flat), FAILS).applied, roles, FAILS)).toEqual(roles);
  });

  it('kustomize builds (real): Argo CD\'s Application applies everything, Flux\'s first Kustomization all but the login roles, its second exactly those, in the later wave', () => {
    const [main, access] = fluxDocs(billing);
    withStore(billing.files, root => {
      const argo = built(buildDirectory(root, billing.directory));
      expect(argo.map(o => o.id).sort()).toEqual(billing.manifests.map(idOf).sort());
      expect(argo.filter(o => waveOf(o) !== 0).map(o => o.id).sort()).toEqual(roles);
      expect(built(buildDirectory(root, access.spec.path.slice(2))).map(o => o.id).sort()).toEqual(roles);
      expect(built(buildDirectory(root, main.spec.path.slice(2), main.spec.patches)).map(o => o.id).sort()).toEqual(billing.manifests.map(idOf).filter(id => !roles.includes(id)).sort());
    });
  });
});

describe('the layout of a tenant with access roles', () => {
  const dir = billing.directory;

  it('access/ holds the login roles and its kustomization; the groups, Secrets and Job stay in the directory', () => {
    const files = Object.keys(billing.files).filter(p => p.startsWith(`${dir}/access/`)).map(p => p.slice(dir.length + 1));
    expect(files).toEqual(['access/databaserole-team-b-billing-postgresql-role-bi.yaml', 'access/databaserole-team-b-billing-postgresql-role-etl.yaml', 'access/kustomization.yaml']);
    const main = parse(billing.files[`${dir}/kustomization.yaml`]);
    expect(main.resources).toContain('access');
    expect(main.resources.filter((r: string) => r.startsWith('databaserole-'))).toEqual([
      'databaserole-team-b-billing-postgresql-access-read.yaml', 'databaserole-team-b-billing-postgresql-access-write.yaml', 'databaserole-team-b-billing-postgresql.yaml',
    ]);
    expect(main.resources).toEqual(expect.arrayContaining([expect.stringMatching(/^job-team-b-billing-postgresql-access-[0-9a-f]{8}\.yaml$/), expect.stringMatching(/^externalsecret-billing-postgresql-role-bi\.yaml$/)]));
  });

  it('two Flux Kustomizations that validate, named within 63 characters apart from every database\'s, the second after the first', () => {
    const [main, access, ...rest] = fluxDocs(billing);
    expect(rest).toEqual([]);
    expect(validateObject(main)).toEqual([]);
    expect(validateObject(access)).toEqual([]);
    expect(access.metadata).toEqual({ name: 'pg-worker-1-team-b-billing.access', namespace: 'flux-system' });
    expect(access.spec).toMatchObject({ path: `./${dir}/access`, prune: true, wait: true, dependsOn: [{ name: main.metadata.name }], sourceRef: main.spec.sourceRef });
    // A database named billing-access beside it keeps its own name.
    expect(fluxKustomizationName('worker-1', 'team-b', 'billing-access')).not.toBe(access.metadata.name);
    const long = fluxKustomizationName('worker-1', 'n'.repeat(63), 'd'.repeat(40), 'access');
    expect(long).toHaveLength(63);
    expect(long).toMatch(/\.access$/);
    expect(long.replace(/\.access$/, '')).not.toBe(fluxKustomizationName('worker-1', 'n'.repeat(63), 'd'.repeat(40)));
  });

  it('the Flux index keeps only flux-kustomization.yaml, not access/ (real git, .gitignore rules)', () => {
    const root = mkdtempSync(join(tmpdir(), 'pgg-flux-index-'));
    try {
      for (const [path, content] of Object.entries(billing.files)) {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), content);
      }
      writeFileSync(join(root, '.gitignore'), fluxIndexIgnore('worker-1'));
      execFileSync('git', ['init', '-q'], { cwd: root });
      execFileSync('git', ['add', '-A'], { cwd: root });
      expect(execFileSync('git', ['ls-files', '--cached'], { cwd: root, encoding: 'utf8' }).trim().split('\n').filter(f => f !== '.gitignore')).toEqual([`${dir}/flux-kustomization.yaml`]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('nothing changes for a tenant without access roles, a cloudnative-pg or a statefulset database', () => {
    const others = [
      tenant([]),
      renderDatabase(request('orders', { engine: 'cloudnative-pg', backup: false, access: [BI] }), CNPG_PLATFORM),
      renderDatabase(request('cache', { engine: 'statefulset', size: 'small', access: [BI] }), CNPG_PLATFORM),
    ];
    for (const db of others) {
      expect(Object.keys(db.files).filter(p => p.includes('/access/'))).toEqual([]);
      expect(parse(db.files[`${db.directory}/kustomization.yaml`]).resources).toEqual(db.manifests.map(m => `${m.kind.toLowerCase()}-${m.metadata.name}.yaml`).sort());
      const docs = fluxDocs(db);
      expect(docs).toHaveLength(1);
      expect(docs[0].spec.patches).toBeUndefined();
    }
  });

  it('day two: a role added goes to access/, the last one removed takes access/ and the second Kustomization away, and so does retiring', () => {
    const one = tenant([BI]);
    const accessFiles = (db: RenderedDatabase) => Object.keys(db.files).filter(p => p.includes('/access/databaserole-')).map(p => p.split('/').pop());
    expect(accessFiles(one)).toEqual(['databaserole-team-b-billing-postgresql-role-bi.yaml']);
    expect(accessFiles(billing)).toEqual(['databaserole-team-b-billing-postgresql-role-bi.yaml', 'databaserole-team-b-billing-postgresql-role-etl.yaml']);
    // The grants Job is the same with one role or two: a role added is applied once the (completed) Job is Current again.
    const jobOf = (db: RenderedDatabase) => db.manifests.find(m => m.kind === 'Job')!.metadata.name;
    expect(jobOf(one)).toBe(jobOf(billing));
    const none = tenant([]);
    expect(fluxDocs(none)).toHaveLength(1);
    expect(Object.keys(none.files).some(p => p.includes('/access/'))).toBe(false);
    const retired = renderDatabase({ ...request('billing', { ...SERVER, access: [BI] }), metadata: { name: 'billing', namespace: 'team-b', annotations: { 'postgres-gitops.dev/retired': 'true' } } }, CNPG_PLATFORM);
    expect(retired.plan.retired).toBe(true);
    expect(Object.keys(retired.files).some(p => p.includes('/access/'))).toBe(false);
    expect(fluxDocs(retired)).toHaveLength(1);
  });

  it('verify and the fleet read access/ as part of the directory', async () => {
    const server = renderDatabase(request('shared', { engine: 'cloudnative-pg', tenants: true, backup: false }, 'databases'), CNPG_PLATFORM);
    const root = mkdtempSync(join(tmpdir(), 'pgg-verify-'));
    try {
      for (const [path, content] of Object.entries({ ...server.files, ...billing.files })) {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), content);
      }
      expect(readDatabase(root, dir)).toEqual(billing.files);
      expect((await verifyStateStore(root, CNPG_PLATFORM)).problems).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('renders byte-identical twice', () => {
    expect(tenant([BI, ETL]).files).toEqual(billing.files);
  });
});
