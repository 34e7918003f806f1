import { labels, meta } from '../../plan/metadata';
import type { CloudNativePgPlan as Plan } from '../../plan/cloudnative-pg/plan';
import type { Manifest } from '../manifest';

/** The restricted Pod Security Standard for PgBouncer; the operator picks the image's user. */
const RESTRICTED_CONTAINER = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/**
 * A PgBouncer `Pooler` in transaction mode in front of the primary (`type: rw`). Pool sizes keep
 * every pooler instance's server connections within half of max_connections, so direct
 * connections (migrations, session-level features) still find room.
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
          parameters: { default_pool_size: String(pooler.defaultPoolSize), max_client_conn: String(pooler.maxClientConn) },
        },
        template: {
          metadata: { labels: labels(plan, 'pooler') },
          spec: {
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name: 'pgbouncer',
                resources: { requests: { cpu: '50m', memory: '32Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
                securityContext: RESTRICTED_CONTAINER,
              },
            ],
          },
        },
      },
    },
  ];
}
