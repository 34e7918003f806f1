import { NAMESPACE_NAME_LABEL, NO_FLUX_SUBSTITUTION } from '../../plan/labels';
import { labels, meta, selectorLabels } from '../../plan/metadata';
import { BARMAN_CLOUD_PLUGIN, CNPG_CLUSTER_LABEL, CNPG_STATUS_PORT, type CloudNativePgPlan as Plan } from '../../plan/cloudnative-pg/plan';
import { DRILL_POLICY } from '../../plan/cloudnative-pg/names';
import { CHECKS_SQL, DRILL_SH } from '../../plan/cloudnative-pg/drill-script';
import type { Manifest } from '../manifest';
import { CNPG_IMAGE_UID } from '../common/access-job';
import { podBase, podResources, restrictedContainerSecurity } from '../common/pod-security';
import { toYaml } from '../common/yaml';

const DRILL_DIR = '/drill';
const TOOLS_DIR = '/tools';
const RESTORE_SOURCE = 'origin';
export const DRILL_RUNNER_RESOURCES = { requests: { cpu: '20m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } };
const KUBECTL_RESOURCES = { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } };

/**
 * The drill Cluster, as the runner creates it: one instance recovered by the operator from this
 * database's archive (docs/src/recovery.md, CloudNativePG v1.30.0), through an ObjectStore of its
 * own that prunes nothing. No `.spec.plugins`: a recovered Cluster archives nothing and takes no
 * backups then (plugin-barman-cloud web/docs/usage.md), and the plugin runs retention and writes
 * status only for the stores in `.spec.plugins` (internal/cnpgi/instance/retention.go). No
 * `secret` for the owner: the operator generates `{name}-drill-app` (api/v1/cluster_funcs.go
 * GetApplicationSecretName), the runner's only Secret. No certificates, superuser, managed roles or
 * projected volumes: it reads no Secret of the live database. Its Services and pod
 * (`{name}-drill-*`) match none of the live database's selectors or alert expressions.
 */
export function drillCluster(plan: Plan): Manifest {
  const { names, spec, platform } = plan;
  return {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Cluster',
    metadata: meta(plan, names.drillCluster, 'drill'),
    spec: {
      description: `Restore drill of ${plan.namespace}/${plan.name}: recovered from its backups, checked and deleted by CronJob ${names.drillCronJob}`,
      instances: 1,
      imageName: plan.images.postgres,
      imagePullPolicy: 'IfNotPresent',
      ...(platform.imagePullSecrets.length > 0 ? { imagePullSecrets: platform.imagePullSecrets.map(name => ({ name })) } : {}),
      inheritedMetadata: { labels: selectorLabels(plan, 'drill') },
      enableSuperuserAccess: false,
      // A throwaway copy: it never holds a node drain or a deletion for long.
      enablePDB: false,
      stopDelay: 60,
      smartShutdownTimeout: 10,
      postgresql: { parameters: plan.parameters },
      bootstrap: { recovery: { source: RESTORE_SOURCE, database: spec.database, owner: spec.username } },
      externalClusters: [
        { name: RESTORE_SOURCE, plugin: { name: BARMAN_CLOUD_PLUGIN, parameters: { barmanObjectName: names.drillObjectStore, serverName: plan.backup!.serverName } } },
      ],
      storage: { size: spec.storageSize, ...(spec.storageClass ? { storageClass: spec.storageClass } : {}) },
      ...(spec.walStorageSize ? { walStorage: { size: spec.walStorageSize, ...(spec.storageClass ? { storageClass: spec.storageClass } : {}) } } : {}),
      resources: podResources(plan.size),
    },
  };
}

/**
 * What the runner must not be allowed to create, tried in a server-side dry run before each drill:
 * the drill Cluster archiving into the live database's store, under its server name. The admission
 * policy refuses it; a cluster that accepts it lacks the policy, and the drill refuses to run.
 */
export function drillProbe(plan: Plan): Manifest {
  const cluster = drillCluster(plan);
  return {
    ...cluster,
    spec: {
      ...(cluster.spec as Record<string, unknown>),
      plugins: [{ name: BARMAN_CLOUD_PLUGIN, isWALArchiver: true, parameters: { barmanObjectName: plan.names.objectStore, serverName: plan.backup!.serverName } }],
    },
  };
}

/**
 * The runner's Role: what drill.sh asks of the API server, and nothing else. `create` cannot be
 * limited to a name (kubernetes/website rbac.md, "Referring to resources"): the admission policy
 * holds what it creates to the drill Cluster. Every other verb names its object; `kubectl wait` and
 * `kubectl delete --wait` list and watch with a metadata.name field selector, which name-limited
 * list and watch rules authorize (kubectl pkg/cmd/wait).
 */
export function drillRules(plan: Plan) {
  const { names } = plan;
  return [
    { apiGroups: ['postgresql.cnpg.io'], resources: ['clusters'], verbs: ['create'] },
    { apiGroups: ['postgresql.cnpg.io'], resources: ['clusters'], resourceNames: [names.drillCluster], verbs: ['get', 'list', 'watch', 'delete'] },
    { apiGroups: ['postgresql.cnpg.io'], resources: ['backups'], verbs: ['list'] },
    { apiGroups: ['barmancloud.cnpg.io'], resources: ['objectstores'], resourceNames: [names.objectStore], verbs: ['get'] },
    { apiGroups: ['batch'], resources: ['jobs'], resourceNames: [names.drillRecoveryJob], verbs: ['get'] },
    { apiGroups: [''], resources: ['secrets'], resourceNames: [names.drillAppSecret], verbs: ['get'] },
  ];
}

/**
 * A restore drill on the backup schedule (spec.restoreDrill): CronJob `{name}-drill` runs
 * drill.sh (plan/cloudnative-pg/drill-script.ts) as ServiceAccount `{name}-postgresql-drill`, with
 * the Role above, a ConfigMap holding the drill Cluster, the probe and the scripts, an ObjectStore
 * the drill recovers from (this database's archive, no retention), and a NetworkPolicy that admits
 * only the runner and the operator to the drill's instance: it holds a full copy of the data.
 */
export function buildDrill(plan: Plan): Manifest[] {
  const { names, drill, backup } = plan;
  if (!drill || !backup) return [];
  const runnerLabels = selectorLabels(plan, 'drill');
  const tcp = (...ports: number[]) => ports.map(port => ({ protocol: 'TCP', port }));
  return [
    {
      apiVersion: 'barmancloud.cnpg.io/v1',
      kind: 'ObjectStore',
      metadata: meta(plan, names.drillObjectStore, 'drill'),
      // The plugin gives the drill Cluster's restore and instance pods this sidecar's resources, as
      // for the database's own ObjectStore (plugin-barman-cloud v0.14.0 internal/cnpgi/operator/lifecycle.go).
      spec: { configuration: { ...backup.store, wal: { compression: 'gzip' }, data: { compression: 'gzip' } }, instanceSidecarConfiguration: { resources: plan.sidecarResources } },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(plan, names.drill, 'drill', NO_FLUX_SUBSTITUTION),
      data: { 'checks.sql': CHECKS_SQL, 'cluster.yaml': toYaml(drillCluster(plan)), 'drill.sh': DRILL_SH, 'probe.yaml': toYaml(drillProbe(plan)) },
    },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(plan, names.drill, 'drill'), automountServiceAccountToken: false },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: meta(plan, names.drill, 'drill'), rules: drillRules(plan) },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta(plan, names.drill, 'drill'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: names.drill },
      subjects: [{ kind: 'ServiceAccount', name: names.drill, namespace: plan.namespace }],
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(plan, names.drill, 'network'),
      spec: {
        podSelector: { matchLabels: { [CNPG_CLUSTER_LABEL]: names.drillCluster } },
        policyTypes: ['Ingress'],
        ingress: [
          { from: [{ podSelector: { matchLabels: runnerLabels } }], ports: tcp(plan.port) },
          { from: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: plan.operatorNamespace } } }], ports: tcp(CNPG_STATUS_PORT, plan.port) },
        ],
      },
    },
    {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: meta(plan, names.drillCronJob, 'drill'),
      spec: {
        schedule: drill.schedule,
        timeZone: 'Etc/UTC',
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 3600,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          metadata: { labels: labels(plan, 'drill') },
          spec: {
            // A drill's failure is its result: never retried.
            backoffLimit: 0,
            activeDeadlineSeconds: drill.timeoutSeconds,
            template: {
              metadata: { labels: labels(plan, 'drill') },
              spec: {
                restartPolicy: 'Never',
                ...podBase(plan.platform.imagePullSecrets, CNPG_IMAGE_UID),
                serviceAccountName: names.drill,
                automountServiceAccountToken: true,
                // Time for the EXIT trap to delete the drill Cluster when the deadline stops the run.
                terminationGracePeriodSeconds: 120,
                initContainers: [
                  {
                    name: 'kubectl',
                    image: drill.kubectlImage,
                    imagePullPolicy: 'IfNotPresent',
                    command: ['cp', '/bin/kubectl', `${TOOLS_DIR}/kubectl`],
                    resources: KUBECTL_RESOURCES,
                    securityContext: restrictedContainerSecurity(CNPG_IMAGE_UID),
                    volumeMounts: [{ name: 'tools', mountPath: TOOLS_DIR }],
                  },
                ],
                containers: [
                  {
                    name: 'drill',
                    image: plan.images.postgres,
                    imagePullPolicy: 'IfNotPresent',
                    command: ['/bin/bash', `${DRILL_DIR}/drill.sh`],
                    env: [
                      { name: 'NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                      { name: 'DRILL_CLUSTER', value: names.drillCluster },
                      { name: 'LIVE_CLUSTER', value: names.cluster },
                      { name: 'BACKUP_STORE', value: names.objectStore },
                      { name: 'SERVER_NAME', value: backup.serverName },
                      { name: 'APP_DATABASE', value: plan.spec.database },
                      { name: 'APP_OWNER', value: plan.spec.username },
                      { name: 'APP_SECRET', value: names.drillAppSecret },
                      { name: 'RECOVERY_JOB', value: names.drillRecoveryJob },
                      { name: 'POLICY', value: DRILL_POLICY },
                      { name: 'TIMEOUT_SECONDS', value: String(drill.timeoutSeconds) },
                      { name: 'BACKUP_PERIOD_SECONDS', value: String(drill.periodSeconds) },
                      { name: 'PATH', value: `${TOOLS_DIR}:/usr/local/bin:/usr/bin:/bin` },
                      { name: 'HOME', value: '/tmp' },
                    ],
                    resources: DRILL_RUNNER_RESOURCES,
                    securityContext: restrictedContainerSecurity(CNPG_IMAGE_UID),
                    volumeMounts: [
                      { name: 'tools', mountPath: TOOLS_DIR, readOnly: true },
                      { name: 'drill', mountPath: DRILL_DIR, readOnly: true },
                      { name: 'tmp', mountPath: '/tmp' },
                    ],
                  },
                ],
                volumes: [
                  { name: 'tools', emptyDir: { sizeLimit: '256Mi' } },
                  { name: 'drill', configMap: { name: names.drill, defaultMode: 0o555 } },
                  { name: 'tmp', emptyDir: {} },
                ],
              },
            },
          },
        },
      },
    },
  ];
}
