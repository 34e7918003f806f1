import { PROTECT_FROM_PRUNING } from '../../plan/labels';
import type { SharedServerPlan as Plan } from '../../plan/shared-server/plan';
import type { Manifest } from '../manifest';
import { clusterRef, inServerNamespace } from './helpers';

/**
 * The database and its owner role, in the server's namespace. Both are kept in PostgreSQL when
 * their objects go (reclaim policy retain); a retired owner keeps its database but cannot log in.
 *
 * Dropped for good (a second retirement, destructive): the Database is `ensure: absent`, so the
 * instance manager drops it while the object stays (internal/management/controller/database_controller.go
 * of CloudNativePG v1.30.0); the DatabaseRole takes `databaseRoleReclaimPolicy: delete`, since a role
 * cannot be ensured absent (the CRD's rule, api/v1/databaserole_types.go), and is dropped when the
 * object goes (databaserole_controller.go handleDeletion). Neither is protected from pruning any
 * more: removing the directory afterwards lets the GitOps tool delete them.
 */
export function buildDatabaseAndRole(plan: Plan): Manifest[] {
  const { names, spec } = plan;
  const access = plan.retired
    ? { login: false, disablePassword: true }
    : { login: true, connectionLimit: plan.connectionLimit, passwordSecret: { name: names.ownerSecret } };
  const protect = plan.dropData ? undefined : PROTECT_FROM_PRUNING;
  const state = plan.dropData ? ' (retired, dropped)' : plan.retired ? ' (retired)' : '';
  return [
    {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'DatabaseRole',
      metadata: inServerNamespace(plan, names.role, 'credentials', protect),
      spec: {
        cluster: clusterRef(plan),
        name: spec.username,
        comment: `owner of ${spec.database}, for ${plan.namespace}/${plan.name}${state}`,
        ...access,
        inherit: true,
        createdb: false,
        createrole: false,
        superuser: false,
        replication: false,
        bypassrls: false,
        databaseRoleReclaimPolicy: plan.dropData ? 'delete' : 'retain',
      },
    },
    {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Database',
      metadata: inServerNamespace(plan, names.database, 'database', protect),
      spec: {
        cluster: clusterRef(plan),
        name: spec.database,
        owner: spec.username,
        ensure: plan.dropData ? 'absent' : 'present',
        databaseReclaimPolicy: 'retain',
        // With access roles: schema public is the owner's, which lets the grants Job revoke CREATE on it
        // from PUBLIC on PostgreSQL 14 (internal/management/controller/database_controller_sql.go updateDatabaseSchema).
        ...(plan.access.roles.length > 0 && !plan.retired ? { schemas: [{ name: 'public', owner: spec.username }] } : {}),
      },
    },
  ];
}
