import { validateObject } from './validate';
import { restrictedViolations } from './pod-security';

// The checks the manifest tests rely on must be able to fail.
describe('validateObject', () => {
  it('rejects a core object with a wrong type', () => {
    const problems = validateObject({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'x' }, spec: { replicas: 'two', selector: {}, template: {} } } as never);
    expect(problems.join()).toMatch(/replicas/);
  });

  it('rejects a CRD object with an unknown field, as a typo', () => {
    const problems = validateObject({
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'x' },
      spec: { refreshPolicy: 'CreatedOnce', target: { name: 'x', creationPolicy: 'Sometimes' }, dataFromm: [] },
    } as never);
    expect(problems.join()).toMatch(/creationPolicy|dataFromm/);
  });

  it('rejects an add-on object that breaks its model', () => {
    const problems = validateObject({ apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'x' }, spec: { dnsNames: 'not-a-list' } } as never);
    expect(problems.length).toBeGreaterThan(0);
  });

  it('refuses kinds it has no schema for', () => {
    expect(validateObject({ apiVersion: 'example.com/v1', kind: 'Widget' })).toEqual(['no schema known for example.com/v1 Widget']);
  });
});

describe('restrictedViolations', () => {
  it('flags a pod that runs as root with privilege escalation', () => {
    const problems = restrictedViolations({ containers: [{ name: 'c', securityContext: { runAsUser: 0 } }], volumes: [{ name: 'h', hostPath: { path: '/' } }] });
    expect(problems).toEqual(expect.arrayContaining([
      'volume h has type hostPath',
      'container c must set allowPrivilegeEscalation: false',
      'container c must run as non-root',
      'container c runs as uid 0',
      'container c must drop ALL capabilities',
    ]));
  });
});
