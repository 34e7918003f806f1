import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { platformSettingsSchema, PROFILES, renderDatabase, type RenderedDatabase } from '@postgres-gitops/renderer';
import { CNPG_PLATFORM, CNPG_PLATFORM_VARIANT, cnpgCombinations, cnpgRequest, describeCnpg } from './support/cnpg-requests';
import { allCombinations, describeCombination, kratixRequest } from './support/requests';
import { databaseWorld, importWorld, sharedServerWorld, trafficProblems } from './support/traffic';

/**
 * Traffic: for every rendered database of the test corpus, every flow its components need is
 * admitted by the rendered NetworkPolicies, and nothing else gets in from another namespace.
 * The flows and why each is needed: support/traffic.ts; the policy semantics: support/network-policy.ts.
 */
const corpus: [string, RenderedDatabase][] = [];
for (const c of allCombinations()) {
  const { size, version, ...features } = c;
  corpus.push([`statefulset ${describeCombination(c)}`, renderDatabase(kratixRequest('orders', { size, version, ...features }))]);
}
for (const c of cnpgCombinations()) {
  const { size, version, ...features } = c;
  corpus.push([describeCnpg(c), renderDatabase(cnpgRequest('orders', { size, version, ...features }), CNPG_PLATFORM)]);
}
for (const profile of PROFILES) {
  corpus.push([`statefulset ${profile}, 3 replicas, allowed namespaces`, renderDatabase(kratixRequest('orders', { profile, replicas: 3, allowedNamespaces: ['web', 'jobs'], monitoring: true, backup: true }))]);
  corpus.push([`cnpg ${profile}, 3 instances, pooling, allowed namespaces`, renderDatabase(cnpgRequest('orders', { profile, replicas: 3, pooling: true, monitoring: true, allowedNamespaces: ['web'] }), CNPG_PLATFORM)]);
  corpus.push([`cnpg ${profile}, platform variant`, renderDatabase(cnpgRequest('orders', { profile, size: 'large', pooling: true, monitoring: true }), CNPG_PLATFORM_VARIANT)]);
}
corpus.push(['cnpg prod with access roles and a restore drill', renderDatabase(cnpgRequest('orders', { profile: 'prod', replicas: 3, access: [{ role: 'analytics', privileges: 'read' }] }), CNPG_PLATFORM)]);
corpus.push(['cnpg restore to a point in time', renderDatabase(cnpgRequest('orders-copy', { restore: { from: 'orders', targetTime: '2026-11-20T08:00:00Z' }, backup: true }), CNPG_PLATFORM)]);
const examples = join(__dirname, '..', 'renderer', 'examples');
const examplePlatform = platformSettingsSchema.parse(parse(readFileSync(join(examples, 'platform.yaml'), 'utf8')));
for (const example of ['basic', 'production', 'ha-cnpg', 'restore-pitr', 'migrate-to-cnpg']) {
  corpus.push([`example ${example}`, renderDatabase(parse(readFileSync(join(examples, `${example}.yaml`), 'utf8')), example.startsWith('basic') || example === 'production' ? undefined : examplePlatform)]);
}

describe('Traffic: each needed flow is admitted, nothing else from other namespaces', () => {
  it.each(corpus)('%s', (_label, db) => {
    const world = databaseWorld(db);
    expect(world.needed.length).toBeGreaterThan(0);
    expect(trafficProblems(world)).toEqual([]);
  });

  const server = renderDatabase({ apiVersion: 'postgres-gitops.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name: 'shared', namespace: 'databases' }, spec: { engine: 'cloudnative-pg', tenants: true, replicas: 2, pooling: true, monitoring: true, backup: false } });
  const tenant = (namespace: string) =>
    renderDatabase({ apiVersion: 'postgres-gitops.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name: 'orders', namespace }, spec: { server: { name: 'shared', namespace: 'databases' } } });

  it('the engine migration: the import Job reaches the new primary and the old one, each on 5432', () => {
    const source = renderDatabase(kratixRequest('ledger', { profile: 'prod', ssl: true, backup: true, monitoring: true }));
    const target = renderDatabase(parse(readFileSync(join(examples, 'migrate-to-cnpg.yaml'), 'utf8')), examplePlatform);
    const world = importWorld(source, target);
    expect(world.needed.filter(f => f.why.startsWith('import Job')).map(f => `${f.from.what} -> ${f.to.what}`)).toEqual([
      expect.stringMatching(/^Job ledger2-import-[0-9a-f]{8} pod 0 -> Cluster ledger2-postgresql instance 1$/),
      expect.stringMatching(/^Job ledger2-import-[0-9a-f]{8} pod 0 -> .*ledger-postgresql/),
    ]);
    expect(trafficProblems(world)).toEqual([]);
    // Planted: the old database admits only pods labelled as its apps; the import Job is refused.
    const planted = structuredClone(world);
    const oldPolicy = planted.policies.find(p => p.metadata.name === 'ledger-postgresql')!;
    oldPolicy.spec.ingress[0].from = [{ podSelector: { matchLabels: { 'app.kubernetes.io/component': 'app-only' } } }];
    expect(trafficProblems(planted)).toContainEqual(expect.stringMatching(/^refused: Job ledger2-import-[0-9a-f]{8} pod 0 -> .*ledger-postgresql.*:5432 \(import Job -> old primary/));
  });

  it('a shared server with two tenants: each tenant\'s namespace reaches the instances on 5432, and nothing more', () => {
    const world = sharedServerWorld(server, [tenant('team-a'), tenant('team-b')]);
    expect(world.needed.filter(f => f.from.what.startsWith('tenant app'))).toHaveLength(4);
    // The server's grants Job and each tenant's reach the primary, each as its database's owner;
    // a tenant's runs in the server's namespace (render/shared-server/access.ts).
    const grants = world.needed.filter(f => f.why.startsWith('access grants Job'));
    expect(grants.map(f => f.from.what)).toEqual([
      ...[1, 2].map(() => expect.stringMatching(/^Job shared-access-[0-9a-f]{8} pod 0$/)),
      ...[1, 2].map(() => expect.stringMatching(/^Job team-a-orders-postgresql-access-[0-9a-f]{8} pod 0 \(tenant team-a\)$/)),
      ...[1, 2].map(() => expect.stringMatching(/^Job team-b-orders-postgresql-access-[0-9a-f]{8} pod 0 \(tenant team-b\)$/)),
    ]);
    expect(new Set(grants.map(f => f.from.namespace))).toEqual(new Set(['databases']));
    expect(trafficProblems(world)).toEqual([]);
    // Planted: the server's policy without its own namespace's pods; the tenants' Jobs are refused with the server's.
    const planted = structuredClone(world);
    const own = planted.policies.find(p => p.metadata.name === 'shared-postgresql')!;
    own.spec.ingress[0].from = [{ podSelector: { matchLabels: { 'app.kubernetes.io/component': 'app-only' } } }];
    expect(trafficProblems(planted)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^refused: Job team-a-orders-postgresql-access-[0-9a-f]{8} pod 0 \(tenant team-a\) -> .*:5432 \(access grants Job/),
      expect.stringMatching(/^refused: Job team-b-orders-postgresql-access-[0-9a-f]{8} pod 0 \(tenant team-b\) -> .*:5432 \(access grants Job/),
    ]));
  });

  it('a prod cloudnative-pg database: the drill runner reaches the drill Cluster it creates, the operator reaches it too, the grants Job the primary; nothing from elsewhere reaches the drill', () => {
    const db = corpus.find(([label]) => label === 'cnpg prod with access roles and a restore drill')![1];
    const world = databaseWorld(db);
    expect(world.needed.filter(f => /drill|grants/.test(f.why)).map(f => `${f.from.what} -> ${f.to.what}:${f.port}`)).toEqual([
      expect.stringMatching(/^CronJob orders-drill pod 0 -> drill Cluster orders-drill instance 1:5432$/),
      'CloudNativePG operator in cnpg-system -> drill Cluster orders-drill instance 1:8000',
      'CloudNativePG operator in cnpg-system -> drill Cluster orders-drill instance 1:5432',
      ...[1, 2, 3].map(i => expect.stringMatching(new RegExp(`^Job orders-access-[0-9a-f]{8} pod 0 -> Cluster orders-postgresql instance ${i}:5432$`))),
    ]);
  });
});

describe('Traffic check on planted violations (the failures it must catch)', () => {
  const db = renderDatabase(cnpgRequest('orders', { profile: 'prod', replicas: 3, pooling: true, monitoring: true, allowedNamespaces: ['web'] }), CNPG_PLATFORM);
  const withPolicies = (edit: (policies: any[]) => any[]) => ({ ...db, manifests: [...db.manifests.filter(m => m.kind !== 'NetworkPolicy'), ...edit(structuredClone(db.manifests.filter(m => m.kind === 'NetworkPolicy')))] });

  it('the policies before this check (no rule for the instances\' own status port): the isolation check between instances is refused', () => {
    const old = withPolicies(policies => policies.map(p => ({ ...p, spec: { ...p.spec, ingress: p.spec.ingress.filter((r: any) => !(r.from.length === 1 && r.from[0].podSelector?.matchLabels?.['cnpg.io/podRole'] === 'instance')) } })));
    const problems = trafficProblems(databaseWorld(old));
    expect(problems).toContain('refused: Cluster orders-postgresql instance 2 -> Cluster orders-postgresql instance 1:8000 (instance -> instance: status port, the primary isolation check of the liveness probe (docs/src/instance_manager.md "Primary Isolation", pkg/management/postgres/webserver/probes/pinger.go))');
    expect(problems).toHaveLength(6);
  });

  it('a rule open to every namespace is admitted-but-not-needed traffic', () => {
    const open = withPolicies(policies => [...policies, { ...policies[0], metadata: { ...policies[0].metadata, name: 'too-open' }, spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: {} }] }] } }]);
    const problems = trafficProblems(databaseWorld(open));
    expect(problems).toContain('admitted, not needed: a pod in namespace elsewhere -> Cluster orders-postgresql instance 1:5432');
    expect(problems).toContain('admitted, not needed: Prometheus in monitoring -> Pooler orders-postgresql-pooler pod 1:5432');
  });

  it('without the drill\'s NetworkPolicy, the copy of the data is open to every namespace', () => {
    const withDrill = renderDatabase(cnpgRequest('orders', { profile: 'prod' }), CNPG_PLATFORM);
    const open = { ...withDrill, manifests: withDrill.manifests.filter(m => !(m.kind === 'NetworkPolicy' && m.metadata.name.endsWith('-drill'))) };
    expect(trafficProblems(databaseWorld(open))).toContain('admitted, not needed: a pod in namespace elsewhere -> drill Cluster orders-drill instance 1:5432');
    const noRunner = { ...withDrill, manifests: withDrill.manifests.map(m => (m.kind === 'NetworkPolicy' && m.metadata.name.endsWith('-drill') ? { ...m, spec: { ...(m as any).spec, ingress: (m as any).spec.ingress.slice(1) } } : m)) };
    expect(trafficProblems(databaseWorld(noRunner))).toEqual([expect.stringMatching(/^refused: CronJob orders-drill pod 0 -> drill Cluster orders-drill instance 1:5432/)]);
  });

  it('no policy at all: everything is open, which the check reports', () => {
    expect(trafficProblems(databaseWorld(withPolicies(() => []))).length).toBeGreaterThan(20);
  });

  it('a pooler without its metrics rule: Prometheus cannot scrape it', () => {
    const noMetrics = withPolicies(policies => policies.map(p => (p.metadata.name.endsWith('-pooler') ? { ...p, spec: { ...p.spec, ingress: p.spec.ingress.slice(0, 1) } } : p)));
    expect(trafficProblems(databaseWorld(noMetrics))).toEqual([
      expect.stringMatching(/^refused: Prometheus in monitoring -> Pooler orders-postgresql-pooler pod 1:9127/),
      expect.stringMatching(/^refused: Prometheus in monitoring -> Pooler orders-postgresql-pooler pod 2:9127/),
    ]);
  });
});
