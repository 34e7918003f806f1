import { planFor } from '../../__testUtils__/plans';
import { buildDatabaseNetworkPolicy } from './network';

describe('buildDatabaseNetworkPolicy', () => {
  it('admits its own namespace and the allowed ones, on the PostgreSQL port, to the engine\'s database pods', () => {
    const [policy] = buildDatabaseNetworkPolicy(planFor({ allowedNamespaces: ['web', 'jobs'] }));
    const spec = policy.spec as any;
    expect(spec.podSelector).toEqual(planFor({}).databasePods);
    expect(spec.ingress).toEqual([
      {
        from: [{ podSelector: {} }, { namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['jobs', 'web'] } ] } }],
        ports: [{ protocol: 'TCP', port: 5432 }],
      },
    ]);
  });
});
