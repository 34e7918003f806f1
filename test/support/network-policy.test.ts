import { admitted, namespaceNamed, selects, type Pod } from './network-policy';

const policy = (namespace: string, spec: Record<string, unknown>) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace }, spec });
const namespaces = [namespaceNamed('db'), namespaceNamed('web', { team: 'web' }), namespaceNamed('other')];
const database: Pod = { namespace: 'db', labels: { app: 'pg', role: 'primary' }, ports: [{ name: 'postgresql', containerPort: 5432 }, { name: 'metrics', containerPort: 9187 }] };
const webApp: Pod = { namespace: 'web', labels: { app: 'web' } };
const dbApp: Pod = { namespace: 'db', labels: { app: 'job' } };
const stranger: Pod = { namespace: 'other', labels: { app: 'web' } };

describe('the NetworkPolicy evaluator', () => {
  it('leaves a pod that no policy selects open, and closes it once one does (default deny)', () => {
    expect(admitted([], namespaces, stranger, database, 5432)).toBe(true);
    expect(admitted([policy('db', { podSelector: { matchLabels: { app: 'pg' } }, policyTypes: ['Ingress'] })], namespaces, stranger, database, 5432)).toBe(false);
    // A policy of another namespace, or one whose selector misses the pod, changes nothing.
    expect(admitted([policy('web', { podSelector: {}, policyTypes: ['Ingress'] })], namespaces, stranger, database, 5432)).toBe(true);
    expect(admitted([policy('db', { podSelector: { matchLabels: { app: 'other' } }, policyTypes: ['Ingress'] })], namespaces, stranger, database, 5432)).toBe(true);
  });

  it('reads a podSelector peer as pods of the policy\'s namespace, namespaceSelector as whole namespaces, both together as their intersection', () => {
    const only = (peer: object) => [policy('db', { podSelector: {}, ingress: [{ from: [peer] }] })];
    expect(admitted(only({ podSelector: {} }), namespaces, dbApp, database, 5432)).toBe(true);
    expect(admitted(only({ podSelector: {} }), namespaces, webApp, database, 5432)).toBe(false);
    expect(admitted(only({ namespaceSelector: { matchLabels: { team: 'web' } } }), namespaces, webApp, database, 5432)).toBe(true);
    expect(admitted(only({ namespaceSelector: { matchLabels: { team: 'web' } } }), namespaces, stranger, database, 5432)).toBe(false);
    expect(admitted(only({ namespaceSelector: {}, podSelector: { matchLabels: { app: 'job' } } }), namespaces, webApp, database, 5432)).toBe(false);
    expect(admitted(only({ namespaceSelector: {}, podSelector: { matchLabels: { app: 'job' } } }), namespaces, dbApp, database, 5432)).toBe(true);
    expect(admitted(only({ ipBlock: { cidr: '0.0.0.0/0' } }), namespaces, webApp, database, 5432)).toBe(false);
  });

  it('applies matchExpressions with every operator, ANDed with matchLabels', () => {
    expect(selects({ matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['web', 'jobs'] }] }, namespaces[1].labels)).toBe(true);
    expect(selects({ matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['jobs'] }] }, namespaces[1].labels)).toBe(false);
    expect(selects({ matchExpressions: [{ key: 'role', operator: 'NotIn', values: ['replica'] }] }, database.labels)).toBe(true);
    expect(selects({ matchExpressions: [{ key: 'role', operator: 'NotIn', values: ['primary'] }] }, database.labels)).toBe(false);
    expect(selects({ matchExpressions: [{ key: 'role', operator: 'Exists' }] }, database.labels)).toBe(true);
    expect(selects({ matchExpressions: [{ key: 'role', operator: 'DoesNotExist' }] }, database.labels)).toBe(false);
    expect(selects({ matchLabels: { app: 'pg' }, matchExpressions: [{ key: 'role', operator: 'In', values: ['replica'] }] }, database.labels)).toBe(false);
    expect(selects({}, {})).toBe(true);
  });

  it('matches ports by number, by the target\'s container port name, by range and by protocol; no ports means all', () => {
    const onPorts = (ports?: object[]) => [policy('db', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }], ...(ports ? { ports } : {}) }] })];
    expect(admitted(onPorts([{ port: 5432 }]), namespaces, webApp, database, 5432)).toBe(true);
    expect(admitted(onPorts([{ port: 5432 }]), namespaces, webApp, database, 9187)).toBe(false);
    expect(admitted(onPorts([{ port: 'metrics' }]), namespaces, webApp, database, 9187)).toBe(true);
    expect(admitted(onPorts([{ port: 'metrics' }]), namespaces, webApp, database, 5432)).toBe(false);
    expect(admitted(onPorts([{ port: 9000, endPort: 9200 }]), namespaces, webApp, database, 9187)).toBe(true);
    expect(admitted(onPorts([{ protocol: 'UDP', port: 5432 }]), namespaces, webApp, database, 5432)).toBe(false);
    expect(admitted(onPorts(), namespaces, webApp, database, 9187)).toBe(true);
  });

  it('adds up the rules of every policy that selects the pod; an Egress-only policy leaves ingress open', () => {
    const policies = [
      policy('db', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }], ports: [{ port: 5432 }] }] }),
      policy('db', { podSelector: { matchLabels: { app: 'pg' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'web' } } }], ports: [{ port: 5432 }] }] }),
    ];
    expect(admitted(policies, namespaces, webApp, database, 5432)).toBe(true);
    expect(admitted(policies, namespaces, dbApp, database, 5432)).toBe(true);
    expect(admitted(policies, namespaces, stranger, database, 5432)).toBe(false);
    expect(admitted([policy('db', { podSelector: {}, policyTypes: ['Egress'] })], namespaces, stranger, database, 5432)).toBe(true);
  });

  it('needs the source\'s egress too: a default-deny egress policy on the source refuses, an egress rule to the target admits', () => {
    expect(admitted([policy('web', { podSelector: {}, policyTypes: ['Egress'] })], namespaces, webApp, database, 5432)).toBe(false);
    const egress = policy('web', { podSelector: {}, egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'db' } } }], ports: [{ port: 5432 }] }] });
    // policyTypes defaults to Ingress plus Egress when there are egress rules.
    expect(admitted([egress], namespaces, webApp, database, 5432)).toBe(true);
    expect(admitted([egress], namespaces, webApp, database, 9187)).toBe(false);
  });
});
