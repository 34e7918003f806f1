#!/usr/bin/env node
// Writes the hostile request corpus into test/hostile/cases/: one file per case, its first line
// naming the field the refusal must name. Run it after changing the families below, and commit
// the files: the corpus is data, read by test/hostile.test.ts through the CLI, Kratix and the action.
const { mkdirSync, rmSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { stringify } = require('yaml');

const OUT = join(__dirname, 'cases');

const base = () => ({
  apiVersion: 'postgres-gitops.dev/v1alpha1',
  kind: 'PostgreSQL',
  metadata: { name: 'orders', namespace: 'team-a' },
  spec: { size: 'small' },
});

/** Strings that try to change the meaning of YAML, SQL, a shell, cron or postgresql.conf, or to look like something else. */
const PAYLOADS = {
  'yaml-document': 'x\n---\napiVersion: v1\nkind: Secret',
  'yaml-flow': '{a: b}',
  'sql-literal': "x'; DROP TABLE users; --",
  'sql-identifier': 'x"; DROP ROLE postgres; --',
  'shell-substitution': '$(touch /tmp/pwned)',
  'shell-backtick': '`id`',
  'cron-command': '0 2 * * * /bin/sh -c id',
  'conf-line': "x'\nshared_preload_libraries = 'evil",
  newline: 'orders\nfoo',
  nul: 'orders\u0000',
  homoglyph: '\u043erders',
  'zero-width': 'ord\u200bers',
  'right-to-left': '\u202eorders',
  fullwidth: '\uff4f\uff52\uff44\uff45\uff52\uff53',
  traversal: '../../etc/passwd',
  huge: 'a'.repeat(10_000),
};

/** Where each string field lives, and what else the request needs so that the field is read at all. */
const STRING_FIELDS = {
  'metadata.name': r => r,
  'metadata.namespace': r => r,
  'spec.database': r => r,
  'spec.username': r => r,
  'spec.owner': r => r,
  'spec.system': r => r,
  'spec.cluster': r => r,
  'spec.storageClass': r => r,
  'spec.backupSchedule': r => r,
  'spec.storageSize': r => r,
  'spec.version': r => r,
  'spec.allowedNamespaces.0': r => r,
  'spec.restore.from': r => ((r.spec.engine = 'cloudnative-pg'), r),
  'spec.restore.targetTime': r => ((r.spec.engine = 'cloudnative-pg'), (r.spec.restore = { from: 'old-orders' }), r),
  'spec.importFrom.from': r => ((r.spec.engine = 'cloudnative-pg'), r),
  'spec.server.name': r => ((r.spec = {}), r),
  'spec.server.userSuffix': r => ((r.spec = { server: { name: 'shared' } }), r),
};

function set(object, path, value) {
  const keys = path.split('.');
  let node = object;
  for (const [i, key] of keys.slice(0, -1).entries()) {
    const nextIsIndex = /^\d+$/.test(keys[i + 1]);
    node[key] ??= nextIsIndex ? [] : {};
    node = node[key];
  }
  node[keys.at(-1)] = value;
  return object;
}

const cases = [];
const add = (slug, field, why, text) => cases.push({ slug, field, why, text });
const yamlOf = object => stringify(object, { lineWidth: 0 });

for (const [field, prepare] of Object.entries(STRING_FIELDS)) {
  for (const [payload, value] of Object.entries(PAYLOADS)) {
    add(`${field}--${payload}`, field, `${payload} in ${field}`, yamlOf(set(prepare(base()), field, value)));
  }
}

/** Wrong types: each field gets what it is not. */
const WRONG_TYPES = [
  ['metadata.name', 42], ['metadata.namespace', ['team-a']], ['spec.size', 3], ['spec.version', 15.5], ['spec.version', true],
  ['spec.replicas', '2'], ['spec.replicas', 2.5], ['spec.replicas', 0], ['spec.replicas', 1e9], ['spec.persistence', 'yes'],
  ['spec.backup', 1], ['spec.monitoring', 'on'], ['spec.ssl', null], ['spec.allowedNamespaces', 'team-b'],
  ['spec.allowedNamespaces', Array.from({ length: 51 }, (_, i) => `ns-${i}`)], ['spec.backupRetention', -1], ['spec.backupRetention', 1e6],
  ['spec.passwordRotationDays', 0], ['spec.passwordRotationDays', 366], ['spec.owner', { kind: 'Group' }], ['spec.storageSize', 10],
  ['spec.storageSize', '65Ti'], ['spec.storageSize', '0Gi'], ['spec.storageSize', '-5Gi'], ['spec.storageSize', '1.5Gi'], ['spec.storageSize', '10GB'],
  ['spec.connectionLimit', 5000], ['spec.profile', 'production'], ['spec.engine', 'mysql'], ['spec.size', '__proto__'],
];
for (const [field, value] of WRONG_TYPES) {
  const r = base();
  if (field === 'spec.connectionLimit') r.spec = { server: { name: 'shared' } };
  add(`type--${field}--${JSON.stringify(value).slice(0, 24).replace(/[^a-z0-9-]+/gi, '_')}`, field, `${JSON.stringify(value).slice(0, 40)} as ${field}`, yamlOf(set(r, field, value)));
}

/** Cron values out of range (shape alone passed them before). */
for (const schedule of ['99 99 99 99 99', '60 2 * * *', '0 2 1 0 *', '0 2 * * 9', '*/0 * * * *', '0 5-2 * * *', '0 24 * * *', '0 2 32 * *', '0 2 * 13 *', '@daily', '0 2 * * * *', '0 2 * * MON']) {
  add(`cron--${schedule.replace(/[^a-z0-9]+/gi, '_')}`, 'spec.backupSchedule', `cron ${schedule}`, yamlOf(set(base(), 'spec.backupSchedule', schedule)));
}

/** Names and namespaces the platform keeps, and names PostgreSQL keeps. */
const RESERVED = [
  ['metadata.namespace', 'kube-system'], ['metadata.namespace', 'kube-public'], ['metadata.namespace', 'kube-node-lease'],
  ['spec.allowedNamespaces.0', 'kube-system'], ['spec.database', 'template0'], ['spec.database', 'template1'], ['spec.database', 'pg_catalog'],
  ['spec.username', 'public'], ['spec.username', 'replicator'], ['spec.username', 'postgres_exporter'], ['spec.username', 'current_user'],
  ['spec.username', 'pg_monitor'], ['metadata.name', 'a'.repeat(50)], ['metadata.name', '1orders'],
  ['spec.owner', 'component:default/web'], ['spec.system', 'group:default/team-a'], ['spec.owner', 'not an entity ref'], ['spec.system', '??'],
];
for (const [field, value] of RESERVED) add(`reserved--${field}--${value.slice(0, 20)}`, field, `${value.slice(0, 40)} as ${field}`, yamlOf(set(base(), field, value)));

/** Options that cannot go together. */
const CONFLICTS = [
  ['spec.backup', { backup: true, persistence: false }],
  ['spec.replicas', { replicas: 2, persistence: false }],
  ['spec.pooling', { pooling: true }],
  ['spec.walStorageSize', { walStorageSize: '5Gi' }],
  ['spec.restore', { restore: { from: 'old' } }],
  ['spec.tenants', { tenants: true }],
  ['spec.importFrom', { engine: 'cloudnative-pg', restore: { from: 'a' }, importFrom: { from: 'b' } }],
  ['spec.importFrom.from', { engine: 'cloudnative-pg', importFrom: { from: 'orders' } }],
  ['spec.size', { server: { name: 'shared' }, size: 'large' }],
  ['spec.database', { server: { name: 'shared' }, database: 'other' }],
  ['spec.server', { engine: 'shared-server' }],
  ['spec.connectionLimit', { connectionLimit: 5 }],
  ['spec.version', { engine: 'cloudnative-pg', version: '13' }],
];
for (const [field, spec] of CONFLICTS) add(`conflict--${field}--${Object.keys(spec).join('-')}`, field, `conflicting ${Object.keys(spec).join(', ')}`, yamlOf({ ...base(), spec }));

/** Unknown fields: misspellings and smuggled values. */
const UNKNOWN = [
  ['(request)', r => ((r.sepc = r.spec), delete r.spec, r)],
  ['(request)', r => ((r.password = 'hunter2'), r)],
  ['(request)', r => ((r.__proto__x = 1), r)],
  ['metadata', r => ((r.metadata.namespce = 'team-b'), r)],
  ['metadata', r => ((r.metadata.password = 'x'), r)],
  ['spec', r => ((r.spec.password = 'hunter2'), r)],
  ['spec', r => ((r.spec.sise = 'large'), r)],
  ['spec', r => ((r.spec.constructor = { prototype: { polluted: true } }), r)],
  ['spec.restore', r => ((r.spec.engine = 'cloudnative-pg'), (r.spec.restore = { from: 'old', at: 'now' }), r)],
  ['spec.server', r => ((r.spec = { server: { name: 'shared', host: 'evil.example.com' } }), r)],
  ['apiVersion', r => ((r.apiVersion = 'v1'), r)],
  ['kind', r => ((r.kind = 'Secret'), r)],
  ['metadata.name', r => (delete r.metadata.name, r)],
];
UNKNOWN.forEach(([field, mutate], i) => add(`unknown--${i}`, field, `unknown or missing field at ${field}`, yamlOf(mutate(base()))));

/** YAML itself as the attack: raw text, not through a serializer. */
const RAW = `apiVersion: postgres-gitops.dev/v1alpha1\nkind: PostgreSQL\nmetadata:\n  name: orders\n  namespace: team-a\n`;
const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...'bcdefghi'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`)].join('\n');
const YAML_CASES = [
  ['spec.owner', 'custom tag', `${RAW}spec:\n  owner: !Secret group:default/team-a\n`],
  ['spec.owner', 'language tag', `${RAW}spec:\n  owner: !!js/function "function () { return 1 }"\n`],
  ['spec.size', 'python tag', `${RAW}spec:\n  size: !!python/object/apply:os.system ["id"]\n`],
  ['spec.database', 'binary tag', `${RAW}spec:\n  database: !!binary b3JkZXJz\n`],
  ['spec.owner', 'alias', `${RAW}x: &x group:default/team-a\nspec:\n  owner: *x\n`],
  ['b.0', 'anchor bomb', `${RAW}spec:\n  size: small\n${bomb}\n`],
  ['(request)', 'duplicate key', `${RAW}spec:\n  size: small\n  size: large\n`],
  ['(request)', 'duplicate top-level key', `${RAW}spec: {size: small}\nspec: {size: large}\n`],
  ['(request)', 'two documents', `${RAW}spec: {size: small}\n---\n${RAW}spec: {size: large}\n`],
  ['(request)', 'broken flow', `${RAW}spec: {size: small\n`],
  ['(request)', 'tab indentation', `${RAW}spec:\n\tsize: small\n`],
  ['(request)', 'not a mapping', '- a\n- b\n'],
  ['(request)', 'a scalar', 'just text\n'],
  ['(request)', 'empty document', ''],
  ['(request)', 'huge file', `${RAW}spec:\n  size: small\n# ${'x'.repeat(300_000)}\n`],
  ['(request)', '__proto__ key', `${RAW}__proto__: {polluted: true}\nspec: {size: small}\n`],
  ['spec', 'constructor key in spec', `${RAW}spec:\n  constructor: {prototype: {polluted: true}}\n`],
  ['spec.replicas', 'yaml 1.1 octal', `${RAW}spec:\n  replicas: 0o7\n`],
  ['spec.backup', 'yaml 1.1 boolean', `${RAW}spec:\n  backup: yes\n`],
  ['spec', 'merge key smuggling', `${RAW}spec:\n  <<: {storageSize: 100Ti}\n`],
];
YAML_CASES.forEach(([field, why, text], i) => add(`yaml--${i}-${why.replace(/[^a-z0-9]+/gi, '-')}`, field, why, text));

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
cases.forEach((c, i) => {
  const name = `${String(i + 1).padStart(3, '0')}-${c.slug.replace(/[^a-z0-9.-]+/gi, '-').slice(0, 60)}.yaml`;
  writeFileSync(join(OUT, name), `# field: ${c.field}\n# why: ${c.why.replace(/[\n\r\u0000-\u001f\u2028\u2029]/g, ' ')}\n${c.text}`);
});
console.log(`wrote ${cases.length} cases to ${OUT}`);
