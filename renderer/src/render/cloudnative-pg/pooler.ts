import { labels, meta } from '../../plan/metadata';
import { CNPG_POOLER_LABEL, type CloudNativePgPlan as Plan } from '../../plan/cloudnative-pg/plan';
import type { Manifest } from '../manifest';

/**
 * A PgBouncer `Pooler` in transaction mode in front of the primary (`type: rw`). All pooler
 * instances together keep within half of max_connections, so direct connections (migrations,
 * session-level features) still find room. PgBouncer's `default_pool_size` is per user/database
 * pair (pgbouncer(5)), and CloudNativePG v1.30.0 writes one `* = host=<cluster>-rw` entry with
 * auth_query users (pkg/management/pgbouncer/config/config.go), so the owner and each access role
 * get a pool of their own: `max_db_connections` (allowed by internal/webhook/v1/pooler_webhook.go
 * AllowedPgbouncerGenericConfigurationParameters) caps them together at the instance's budget.
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
  const selector = { [CNPG_POOLER_LABEL]: names.pooler };
  const spread = { labelSelector: { matchLabels: selector }, topologyKey: 'kubernetes.io/hostname' };
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
          poolMode: pooler.mode,
          parameters: {
            default_pool_size: String(pooler.serverConnections),
            max_db_connections: String(pooler.serverConnections),
            max_client_conn: String(pooler.maxClientConn),
            // With ssl the server refuses plaintext (hostnossl ... reject); the pooler in front of it does too.
            // CloudNativePG's default is prefer (pkg/management/pgbouncer/config/config.go); its webhook allows the key.
            ...(plan.spec.ssl ? { client_tls_sslmode: 'require' } : {}),
          },
        },
        template: {
          metadata: { labels: labels(plan, 'pooler') },
          spec: {
            // With pooling the pooler is the applications' only host: its pods never share a node
            // (docs/src/connection_pooling.md "High availability with pod anti-affinity"; the operator sets none).
            affinity: {
              podAntiAffinity: plan.profile.requiredAntiAffinity
                ? { requiredDuringSchedulingIgnoredDuringExecution: [spread] }
                : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: spread }] },
            },
            // The operator gives its bootstrap-controller init container the template's pod-level resources
            // unless the template names it with its own (pkg/specs/pgbouncer/deployments.go, pkg/podspec/builder.go
            // WithInitContainerResources): named here, so a prod pod is Guaranteed in every container.
            initContainers: [{ name: 'bootstrap-controller', resources: pooler.resources }],
            containers: [{ name: 'pgbouncer', resources: pooler.resources }],
          },
        },
      },
    },
    // The operator makes no budget for a Pooler: without one a drain may evict every pooler pod at once.
    ...(pooler.instances > 1
      ? [
          {
            apiVersion: 'policy/v1',
            kind: 'PodDisruptionBudget',
            metadata: meta(plan, names.pooler, 'pooler'),
            spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
          },
        ]
      : []),
  ];
}
