import { PROTECT_FROM_PRUNING } from '../../plan/labels';
import type { SharedServerPlan as Plan } from '../../plan/shared-server/plan';
import type { Manifest } from '../manifest';
import { clusterRef, inServerNamespace } from './helpers';

/**
 * The database and its owner role, in the server's namespace. Both are kept in PostgreSQL when
 * their objects go (reclaim policy retain); a retired owner keeps its database but cannot log in.
 */
export function buildDatabaseAndRole(plan: Plan): Manifest[] {
  const { names, spec } = plan;
  const access = plan.retired
    ? { login: false, disablePassword: true }
    : { login: true, connectionLimit: plan.connectionLimit, passwordSecret: { name: names.ownerSecret } };
  return [
    {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'DatabaseRole',
      metadata: inServerNamespace(plan, names.role, 'credentials', PROTECT_FROM_PRUNING),
      spec: {
        cluster: clusterRef(plan),
        name: spec.username,
        comment: `owner of ${spec.database}, for ${plan.namespace}/${plan.name}${plan.retired ? ' (retired)' : ''}`,
        ...access,
        inherit: true,
        createdb: false,
        createrole: false,
        superuser: false,
        replication: false,
        bypassrls: false,
        databaseRoleReclaimPolicy: 'retain',
      },
    },
    {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Database',
      metadata: inServerNamespace(plan, names.database, 'database', PROTECT_FROM_PRUNING),
      spec: {
        cluster: clusterRef(plan),
        name: spec.database,
        owner: spec.username,
        ensure: 'present',
        databaseReclaimPolicy: 'retain',
      },
    },
  ];
}
