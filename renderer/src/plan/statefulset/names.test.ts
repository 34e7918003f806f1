import { issuesOf as rejections } from '../../__testUtils__/issues';
import { renderDatabase } from '../../render-database';

const kratix = (spec: Record<string, unknown>, metadata: Record<string, unknown>) => ({
  apiVersion: 'marketplace.kratix.io/v1alpha1',
  kind: 'postgresql',
  metadata,
  spec,
});

const issuesOf = (input: unknown) => rejections(() => renderDatabase(input));

describe('statefulset name limits', () => {
  it('rejects names whose derived objects would be invalid, saying how long a name may be', () => {
    expect(issuesOf(kratix({}, { name: 'a'.repeat(42) }))).toEqual([
      `metadata.name: too long: the StatefulSet "${'a'.repeat(42)}-postgresql" would be 53 characters; StatefulSet names must be at most 52 characters (the controller-revision-hash label adds 11). Use at most 41 characters`,
    ]);
    expect(() => renderDatabase(kratix({}, { name: 'a'.repeat(41) }))).not.toThrow();
    expect(issuesOf(kratix({ backup: true }, { name: 'a'.repeat(36) })).join()).toContain('the CronJob "' + 'a'.repeat(36) + '-postgresql-backup" would be 54 characters');
    expect(issuesOf(kratix({ backup: true }, { name: 'a'.repeat(36) })).join()).toContain('Use at most 34 characters');
    expect(issuesOf(kratix({}, { name: '1orders' }))).toEqual([
      'metadata.name: must start with a letter: the Service "1orders-postgresql" must be a DNS-1035 label',
    ]);
    expect(issuesOf(kratix({}, { name: 'Orders' })).join()).toContain('metadata.name: must be a DNS-1123 label');
  });

});
