import { labels, meta } from '../../plan/metadata';
import type { CloudNativePgPlan as Plan } from '../../plan/cloudnative-pg/plan';
import type { Manifest } from '../manifest';

/**
 * A PgBouncer `Pooler` in transaction mode in front of the primary (`type: rw`). Pool sizes keep
 * every pooler instance's server connections within half of max_connections, so direct
 * connections (migrations, session-level features) still find room.
 *
 * What the template leaves to the operator (CloudNativePG v1.30.0, pkg/specs/pgbouncer/deployments.go):
 * the pod's and the pgbouncer container's securityContext, which the operator overwrites with
 * the restricted ones (non-root uid 998, no privilege escalation, all capabilities dropped, a
 * read-only root, the Cluster's seccomp profile), and the service-account token, which the
 * pgbouncer instance manager needs: it watches its Pooler and reads its Secrets through the API
 * server (internal/pgbouncer/management/controller/manager.go, pkg/management/client.go
 * rest.InClusterConfig), with the Role the operator grants (pkg/specs/pgbouncer/rbac.go).
 */
export function buildPooler(plan: Plan): Manifest[] {
  if (!plan.pooler) return [];
  const { pooler, names } = plan;
  return [
    {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Pooler',
      metadata: meta(plan, names.pooler, 'pooler'),
      spec: {
        cluster: { name: names.cluster },
        instances: pooler.instances,
        type: 'rw',
        pgbouncer: {
          poolMode: 'transaction',
          parameters: {
            default_pool_size: String(pooler.defaultPoolSize),
            max_client_conn: String(pooler.maxClientConn),
            // With ssl the server refuses plaintext (hostnossl ... reject); the pooler in front of it does too.
            // CloudNativePG's default is prefer (pkg/management/pgbouncer/config/config.go); its webhook allows the key.
            ...(plan.spec.ssl ? { client_tls_sslmode: 'require' } : {}),
          },
        },
        template: {
          metadata: { labels: labels(plan, 'pooler') },
          spec: {
            containers: [{ name: 'pgbouncer', resources: { requests: { cpu: '50m', memory: '32Mi' }, limits: { cpu: '500m', memory: '128Mi' } } }],
          },
        },
      },
    },
  ];
}
