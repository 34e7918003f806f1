import { PROTECT_FROM_PRUNING } from '../../plan/labels';
import { meta, selectorLabels } from '../../plan/metadata';
import { BARMAN_CLOUD_PLUGIN, CNPG_HIBERNATION_ANNOTATION, type CloudNativePgPlan as Plan } from '../../plan/cloudnative-pg/plan';
import type { Manifest } from '../manifest';
import { podResources } from '../common/pod-security';
import { serviceDnsNames } from '../common/certificates';

const RESTORE_SOURCE = 'origin';

/**
 * How the database comes to be: an empty initdb, or a recovery from another database's backups. An
 * import (importFrom) starts empty too, and its Job copies the data in as the owner
 * (render/cloudnative-pg/import.ts): never `initdb.import`, which makes the owner a superuser while
 * the old owner's code runs (CloudNativePG v1.30.0 pkg/management/postgres/logicalimport/database.go).
 */
function bootstrap(plan: Plan) {
  const owner = { database: plan.spec.database, owner: plan.spec.username, secret: { name: plan.names.secret } };
  if (!plan.restore) return { initdb: owner };
  return {
    recovery: {
      source: RESTORE_SOURCE,
      ...owner,
      ...(plan.restore.targetTime ? { recoveryTarget: { targetTime: plan.restore.targetTime } } : {}),
    },
  };
}

/**
 * With cert-manager, the server certificate (and the CA clients verify it against) only. The client
 * CA stays the operator's own, a self-signed CA per Cluster (`{cluster}-ca`, with `ca.key`), for two
 * reasons read in CloudNativePG v1.30.0:
 * - PostgreSQL trusts for `cert` authentication whatever `ca.crt` of the client CA Secret holds
 *   (`ssl_ca_file`, pkg/postgres/configuration.go; pkg/reconciler/instance/certificate/reconciler.go),
 *   and the operator's fixed pg_hba rules admit `streaming_replica` and `cnpg_pooler_pgbouncer` by
 *   certificate. cert-manager writes the root-most certificate of the issuer's chain into `ca.crt`
 *   (pkg/util/pki/parse_certificate_chain.go, v1.21), so a client CA issued by the platform's issuer
 *   would make PostgreSQL trust every certificate that issuer signs, for any namespace.
 * - The operator signs the pooler's `cnpg_pooler_pgbouncer` certificate with the client CA's key
 *   (internal/controller/cluster_create.go reconcilePoolerSecrets, pkg/certs/certs.go ParseCASecret):
 *   a cert-manager Secret has no `ca.key`, and that error stops every reconcile of the Cluster
 *   (cloudnative-pg/cloudnative-pg#2841).
 * The operator then makes and renews the replication and pooler client certificates itself
 * (docs/src/certificates.md: "The operator still creates and manages the two secrets related to
 * client certificates"). Its webhook refuses serverAltDNSNames beside a serverTLSSecret
 * (internal/webhook/v1/cluster_webhook.go validateCerts): the Certificate carries the names.
 */
function certificates(plan: Plan) {
  const { names, namespace } = plan;
  if (plan.certificates === 'cert-manager') return { serverTLSSecret: names.tlsSecret, serverCASecret: names.tlsSecret };
  // The Service apps use and the pooler's are in the server certificate, so clients can verify the host name.
  const domain = plan.platform.clusterDomain;
  return { serverAltDNSNames: [...serviceDnsNames(names.service, namespace, domain), ...(plan.pooler ? serviceDnsNames(names.pooler, namespace, domain) : [])] };
}

/**
 * The CloudNativePG `Cluster`: instances with automatic failover, the shared tuning, the
 * application's database and owner, `{name}-postgresql` as an operator-managed read-write Service
 * (it follows the primary through failovers), and WAL archiving through the Barman Cloud plugin.
 * The Cluster owns its volumes, so it is never pruned by GitOps.
 */
export function buildCluster(plan: Plan): Manifest[] {
  const { names, spec, platform } = plan;
  return [
    {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      // Retired: the operator deletes every pod and keeps the volumes (docs/src/declarative_hibernation.md).
      metadata: meta(plan, names.cluster, 'database', plan.retired ? { ...PROTECT_FROM_PRUNING, [CNPG_HIBERNATION_ANNOTATION]: 'on' } : PROTECT_FROM_PRUNING),
      spec: {
        description: `PostgreSQL ${spec.version} for ${plan.namespace}/${plan.name} (${spec.size}, ${spec.profile})`,
        instances: plan.instances,
        imageName: plan.images.postgres,
        imagePullPolicy: 'IfNotPresent',
        ...(platform.imagePullSecrets.length > 0 ? { imagePullSecrets: platform.imagePullSecrets.map(name => ({ name })) } : {}),
        inheritedMetadata: { labels: selectorLabels(plan, 'database') },
        // The instances' ServiceAccount, which the plugin's sidecar runs as, bound to the platform's cloud identity.
        ...(Object.keys(plan.serviceAccountAnnotations).length > 0 ? { serviceAccountTemplate: { metadata: { annotations: plan.serviceAccountAnnotations } } } : {}),
        enableSuperuserAccess: false,
        postgresql: {
          parameters: plan.parameters,
          ...(plan.pgHba.length > 0 ? { pg_hba: plan.pgHba } : {}),
        },
        bootstrap: bootstrap(plan),
        storage: { size: spec.storageSize, ...(spec.storageClass ? { storageClass: spec.storageClass } : {}) },
        ...(spec.walStorageSize ? { walStorage: { size: spec.walStorageSize, ...(spec.storageClass ? { storageClass: spec.storageClass } : {}) } } : {}),
        resources: podResources(plan.size),
        affinity: {
          enablePodAntiAffinity: true,
          podAntiAffinityType: plan.profile.requiredAntiAffinity ? 'required' : 'preferred',
          topologyKey: 'kubernetes.io/hostname',
        },
        // A budget for a single instance would block every node drain; with more, the operator keeps a quorum up.
        enablePDB: plan.instances > 1,
        primaryUpdateStrategy: 'unsupervised',
        primaryUpdateMethod: 'switchover',
        certificates: certificates(plan),
        managed: {
          services: {
            additional: [
              {
                selectorType: 'rw',
                serviceTemplate: { metadata: { name: names.service, labels: selectorLabels(plan, 'primary') }, spec: { type: 'ClusterIP' } },
              },
            ],
          },
        },
        ...(plan.backup
          ? { plugins: [{ name: BARMAN_CLOUD_PLUGIN, isWALArchiver: true, parameters: { barmanObjectName: names.objectStore, serverName: plan.backup.serverName } }] }
          : {}),
        ...(plan.restore
          ? {
              externalClusters: [
                { name: RESTORE_SOURCE, plugin: { name: BARMAN_CLOUD_PLUGIN, parameters: { barmanObjectName: names.restoreObjectStore, serverName: plan.restore.serverName } } },
              ],
            }
          : {}),
      },
    },
  ];
}
