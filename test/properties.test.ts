import fc from 'fast-check';
import { parse } from 'yaml';
import { DEFAULT_PLATFORM, platformSettingsSchema, renderDatabase, type PlatformSettings, type RenderedDatabase } from '@postgres-gitops/renderer';
import { BACKUP_SH, RELOAD_SH, PRIMARY_SH, STANDBY_SH, SYNC_ROLES_SH } from '../renderer/src/plan/statefulset/scripts';
import { DRILL_CHECK_SQL, DRILL_SH } from '../renderer/src/plan/statefulset/drill-scripts';
import { ACCESS_SYNC_SQL, ROLE_SYNC_SH } from '../renderer/src/plan/statefulset/role-sync';
import { ACCESS_GRANTS_SQL } from '../renderer/src/plan/access-sql';

/** Every script and SQL file the statefulset engine ships: constant text. */
const CONSTANT_SCRIPTS = [PRIMARY_SH, SYNC_ROLES_SH, STANDBY_SH, RELOAD_SH, BACKUP_SH, DRILL_SH, DRILL_CHECK_SQL, ROLE_SYNC_SH, ACCESS_SYNC_SQL, ACCESS_GRANTS_SQL];
import { postgresSettings } from '../renderer/src/plan/postgres-settings';
import { CNPG_PLATFORM } from './support/cnpg-requests';
import { kustomizeBuild } from './support/kustomize';
import { podSpecsOf, restrictedViolations } from './support/pod-security';
import { FORBIDDEN } from './support/secret-patterns';
import { validateObject } from './support/validate';
import { applyRefusals, type Obj } from './support/api-server';
import { changeIssues } from '../renderer/src/review/change-rules';
import { withChanges } from '../renderer/src/request/changes';
import { parseYamlInput } from '../renderer/src/request/yaml-input';

/**
 * Properties of the renderer over random valid requests (both server engines, every field, three
 * platforms), with fast-check: every file validates against its schema, the output is
 * deterministic, names fit their limits, pods are "restricted", no credential is in any file,
 * and no string from the request changes a script, a SQL statement, postgresql.conf or an
 * External Secrets template. A failing case is shrunk to the smallest request that breaks it.
 */
const RUNS = Number(process.env.PROPERTY_RUNS ?? 150);
const SEED = Number(process.env.PROPERTY_SEED ?? 20261124);

const label = fc.stringMatching(/^[a-z]([-a-z0-9]{0,14}[a-z0-9])?$/).filter(s => !s.includes('--'));
const identifier = fc.stringMatching(/^[a-z_][a-z0-9_]{0,20}$/).filter(s => !s.startsWith('pg_') && !['public', 'none', 'current_user', 'session_user', 'current_role', 'replicator', 'postgres_exporter', 'template0', 'template1'].includes(s));
const entityName = fc.stringMatching(/^[a-z0-9]([a-z0-9_.-]{0,20}[a-z0-9])?$/);
const cron = fc.tuple(fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 23 }), fc.constantFrom('*', '1', '1-15', '*/2'), fc.constantFrom('*', '1-12/3'), fc.constantFrom('*', '0', '1-5')).map(f => f.join(' '));
const quantity = fc.tuple(fc.integer({ min: 1, max: 500 }), fc.constantFrom('Mi', 'Gi', 'Ti')).filter(([n, u]) => (u === 'Mi' ? n >= 100 : u === 'Ti' ? n <= 64 : true)).map(([n, u]) => `${n}${u}`);

const common = {
  size: fc.constantFrom('small', 'medium', 'large'),
  profile: fc.constantFrom('dev', 'staging', 'prod'),
  database: identifier,
  username: identifier,
  monitoring: fc.boolean(),
  ssl: fc.boolean(),
  storageSize: quantity,
  storageClass: label,
  cluster: label,
  owner: fc.tuple(fc.constantFrom('group:', 'user:', ''), fc.option(label.map(n => `${n}/`), { nil: undefined }), entityName).map(([k, ns, n]) => `${k}${ns ?? ''}${n}`),
  system: entityName.map(n => `system:default/${n}`),
  backupSchedule: cron,
  backupRetention: fc.integer({ min: 1, max: 60 }),
  allowedNamespaces: fc.uniqueArray(label.filter(n => !n.startsWith('kube-')), { maxLength: 4 }),
  passwordRotationDays: fc.integer({ min: 1, max: 365 }),
};

const statefulSetSpec = fc.record(
  { ...common, engine: fc.constant('statefulset'), version: fc.constantFrom('13', '14', '15', '16', '17', '18'), persistence: fc.boolean(), backup: fc.boolean(), replicas: fc.integer({ min: 1, max: 5 }) },
  { requiredKeys: ['engine'] },
).map(spec => ({ ...spec, ...(spec.persistence === false ? { backup: false, replicas: 1 } : {}) }));

const cnpgSpec = fc.record(
  { ...common, engine: fc.constant('cloudnative-pg'), version: fc.constantFrom('14', '15', '16', '17', '18'), backup: fc.boolean(), replicas: fc.integer({ min: 1, max: 5 }), pooling: fc.boolean(), walStorageSize: quantity, tenants: fc.boolean() },
  { requiredKeys: ['engine'] },
);

const platforms: [string, PlatformSettings][] = [
  ['default', DEFAULT_PLATFORM],
  ['object store', platformSettingsSchema.parse(CNPG_PLATFORM)],
  ['mirror, pull secrets, cert-manager, own operator namespace', platformSettingsSchema.parse({
    ...CNPG_PLATFORM,
    imageRegistry: 'registry.example.com/mirror',
    imagePullSecrets: ['registry-creds'],
    createNamespace: true,
    clusterDomain: 'corp.example',
    cloudnativePg: { ...CNPG_PLATFORM.cloudnativePg, operatorNamespace: 'postgres-operator', certificates: 'cert-manager' },
  })],
];

const request = fc.record({
  name: label,
  namespace: label.filter(n => !n.startsWith('kube-')),
  spec: fc.oneof(statefulSetSpec, cnpgSpec),
  platform: fc.constantFrom(...platforms),
});

type Case = { name: string; namespace: string; spec: Record<string, unknown>; platform: [string, PlatformSettings] };

/** Renders a case; undefined when the renderer refuses it (a name too long for the engine, backup without an object store). */
function render(c: Case): RenderedDatabase | undefined {
  const object = { apiVersion: 'postgres-gitops.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name: c.name, namespace: c.namespace }, spec: c.spec };
  try {
    return renderDatabase(object, c.platform[1]);
  } catch (error) {
    if ((error as Error).name === 'RequestValidationError') return undefined;
    throw error;
  }
}

const property = (check: (db: RenderedDatabase, c: Case) => void) =>
  fc.assert(fc.property(request, c => {
    const db = render(c as Case);
    if (db) check(db, c as Case);
  }), { numRuns: RUNS, seed: SEED });

describe('properties of every rendered database (fast-check)', () => {
  it('renders most random requests: the generator is not mostly refused', () => {
    const sample = fc.sample(request, { numRuns: 200, seed: SEED });
    const rendered = sample.filter(c => render(c as Case) !== undefined).length;
    expect(rendered).toBeGreaterThan(100);
  });

  it('every object validates against its schema and CEL rules, and sets its namespace', () => {
    property(db => {
      for (const m of db.manifests) {
        expect({ object: `${m.kind}/${m.metadata.name}`, problems: validateObject(m) }).toEqual({ object: `${m.kind}/${m.metadata.name}`, problems: [] });
        if (m.kind !== 'Namespace') expect(typeof m.metadata.namespace).toBe('string');
      }
    });
  });

  it('is deterministic: the same request renders byte-identical files', () => {
    property((db, c) => {
      expect(render(c)!.files).toEqual(db.files);
    });
  });

  it('names and label values fit their limits', () => {
    property(db => {
      for (const m of db.manifests) {
        expect(m.metadata.name.length).toBeLessThanOrEqual(m.kind === 'Service' || m.kind === 'StatefulSet' ? 63 : 253);
        for (const value of Object.values(m.metadata.labels ?? {})) expect(String(value).length).toBeLessThanOrEqual(63);
      }
    });
  });

  it('every pod meets the restricted Pod Security Standard', () => {
    property(db => {
      for (const m of db.manifests) for (const pod of podSpecsOf(m)) expect(restrictedViolations(pod)).toEqual([]);
    });
  });

  it('no file holds a password or key material', () => {
    property(db => {
      for (const [path, content] of Object.entries(db.files)) {
        for (const [what, pattern] of FORBIDDEN) expect({ path, what, match: pattern.exec(content)?.[0] }).toEqual({ path, what, match: undefined });
      }
    });
  });

  it('no request string changes a script, SQL, postgresql.conf or a Secret template', () => {
    property(db => {
      for (const m of db.manifests) {
        // Scripts and their SQL are constant text; names reach them only as environment values.
        if (m.kind === 'ConfigMap' && m.metadata.name.endsWith('-scripts')) {
          const data = (m as unknown as { data: Record<string, string> }).data;
          for (const script of Object.values(data)) expect(CONSTANT_SCRIPTS).toContain(script);
          expect(Object.values(data)).toContain(SYNC_ROLES_SH);
        }
        // postgresql.conf is exactly the settings, every value a number, a keyword or a quoted string.
        if (m.kind === 'ConfigMap' && m.metadata.name.endsWith('-config') && db.plan.engine === 'statefulset') {
          const conf = (m as unknown as { data: Record<string, string> }).data['postgresql.conf'];
          const lines = conf.split('\n').filter(l => l.trim() && !l.startsWith('#'));
          for (const line of lines) expect(line).toMatch(/^[a-z_]+ = ('(?:[^'\\\n]|'')*'|-?[0-9]+(kB|MB|ms|s)?|on|off|[a-z_]+)$/);
          const plan = db.plan;
          expect(lines.map(l => l.split(' = ')[0]).sort()).toEqual(Object.keys(postgresSettings({ tuning: plan.tuning, port: plan.port, standbys: plan.standbys, ssl: plan.spec.ssl })).sort());
        }
        // External Secrets renders template data as Go templates: only the renderer's own actions may appear.
        if (m.kind === 'ExternalSecret') {
          const template = (m as unknown as { spec: { target: { template?: { data?: Record<string, string> } } } }).spec.target.template?.data ?? {};
          for (const value of Object.values(template)) {
            const actions = value.match(/\{\{.*?\}\}/g) ?? [];
            for (const action of actions) expect(['{{ .password }}', '{{ .password | urlquery }}', '{{ .username }}', '{{ .ca }}']).toContain(action);
            expect(value.replace(/\{\{.*?\}\}/g, '')).not.toMatch(/\{\{|\}\}/);
          }
        }
      }
      // The owner and system reach the catalog entity as values, never as YAML structure.
      const entity = parse(db.files[`${db.directory}/catalog-info.yaml`] ?? 'spec: {}');
      if (entity.spec?.owner) expect(entity.spec.owner).toBe(db.request.spec.owner);
    });
  });

  it('every day-two change the rules let through is one the API server accepts, and no prune takes data', () => {
    const change = fc.record({
      size: fc.constantFrom('small', 'medium', 'large'),
      profile: fc.constantFrom('dev', 'staging', 'prod'),
      replicas: fc.integer({ min: 1, max: 5 }),
      storageSize: quantity,
      backup: fc.boolean(),
      backupRetention: fc.integer({ min: 1, max: 60 }),
      monitoring: fc.boolean(),
      ssl: fc.boolean(),
      pooling: fc.boolean(),
      passwordRotationDays: fc.integer({ min: 1, max: 365 }),
      allowedNamespaces: fc.uniqueArray(label.filter(n => !n.startsWith('kube-')), { maxLength: 2 }),
      minorVersion: fc.constant('latest'),
    }, { requiredKeys: [] });
    fc.assert(fc.property(request, change, (c, sets) => {
      const before = render(c as Case);
      if (!before) return;
      const platform = (c as Case).platform[1];
      const stored = parseYamlInput(before.files[`${before.directory}/request.yaml`], 'request.yaml');
      let after: RenderedDatabase;
      try {
        after = renderDatabase(withChanges(stored, sets), platform);
      } catch (error) {
        if ((error as Error).name === 'RequestValidationError') return;
        throw error;
      }
      if (changeIssues(before.request, after.request, { allowMajorUpgrade: false }, platform).length > 0) return;
      expect(applyRefusals(before.manifests as unknown as Obj[], after.manifests as unknown as Obj[])).toEqual([]);
    }), { numRuns: Math.min(RUNS, 60), seed: SEED });
  });

  it('kubectl kustomize builds every directory into exactly the rendered objects', () => {
    fc.assert(fc.property(request, c => {
      const db = render(c as Case);
      if (!db) return;
      const expected = db.manifests.map(m => `${m.kind}/${m.metadata.name}`).sort();
      expect(kustomizeBuild(db)).toEqual(expected);
    }), { numRuns: Math.min(RUNS, 50), seed: SEED });
  });
});
