import { DRILL_ACCOUNT_SUFFIX, DRILL_POLICY } from '../../plan/cloudnative-pg/names';
import { BARMAN_CLOUD_PLUGIN } from '../../plan/cloudnative-pg/plan';
import { CNPG_IMAGE, imageRef } from '../../plan/images';
import type { PlatformSettings } from '../../request/platform';

/** One validation of the policy: a CEL expression over the admission request, and what a refusal says. */
interface Validation {
  expression: string;
  message?: string;
  messageExpression?: string;
}

/**
 * What a restore drill runner may create. Its Role lets it create Clusters (RBAC cannot limit
 * `create` to a name: kubernetes/website rbac.md, "Referring to resources"), so this platform-wide
 * ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1, GA in Kubernetes 1.30) holds every
 * ServiceAccount named `<database>-postgresql-drill` to the one Cluster its drill needs:
 * `<database>-drill` in its own namespace, one instance recovered by the Barman Cloud plugin from
 * `<database>-postgresql-drill-source` and nothing else, archiving nothing, reading no other
 * Secret, mounting nothing, with the CloudNativePG image. The rules read the object after
 * CloudNativePG's mutating webhook (api/v1/cluster_defaults.go, v1.30.0: it adds bare
 * INCLUDE_PLUGINS entries, monitoring queries, probes; none of them archives or reads a Secret).
 * Kubernetes' CEL has the strings extension (split, substring). A drill checks that the policy is
 * installed before each run (a server-side dry run of a Cluster it must be refused).
 */
export function drillPolicyValidations(platform: PlatformSettings): Validation[] {
  const image = imageRef(CNPG_IMAGE.registry, CNPG_IMAGE.repository, '', platform.imageRegistry);
  return [
    {
      expression: "request.userInfo.username.split(':')[2] == request.namespace",
      message: 'a restore drill runner creates Clusters in its own namespace only',
    },
    {
      expression: "object.metadata.name == variables.database + '-drill'",
      messageExpression: "'a restore drill runner may create only the Cluster ' + variables.database + '-drill'",
    },
    { expression: 'object.spec.instances == 1', message: 'a restore drill Cluster has one instance' },
    {
      expression:
        'has(object.spec.bootstrap) && has(object.spec.bootstrap.recovery) && !has(object.spec.bootstrap.initdb) && !has(object.spec.bootstrap.pg_basebackup)' +
        ' && !has(object.spec.bootstrap.recovery.secret) && !has(object.spec.bootstrap.recovery.backup) && !has(object.spec.bootstrap.recovery.volumeSnapshots)',
      message: 'a restore drill Cluster is bootstrapped by recovery from its source, with the Secret the operator generates',
    },
    {
      expression: '!has(object.spec.plugins) || object.spec.plugins.all(p, !has(p.parameters) && !(has(p.isWALArchiver) && p.isWALArchiver))',
      message: 'a restore drill archives nothing: no spec.plugins entry with parameters or isWALArchiver',
    },
    { expression: '!has(object.spec.backup) && !has(object.spec.replica)', message: 'a restore drill takes no backups and follows no primary' },
    {
      expression:
        'has(object.spec.externalClusters) && size(object.spec.externalClusters) == 1 && object.spec.externalClusters.all(e,' +
        ` has(object.spec.bootstrap) && has(object.spec.bootstrap.recovery) && e.name == object.spec.bootstrap.recovery.source && has(e.plugin) && e.plugin.name == '${BARMAN_CLOUD_PLUGIN}'` +
        " && has(e.plugin.parameters) && 'barmanObjectName' in e.plugin.parameters && e.plugin.parameters['barmanObjectName'] == variables.database + '-postgresql-drill-source'" +
        // The archive of this database only: databases of a namespace may share a bucket, and the
        // plugin's serverName picks the archive in it. Its names: plan/cloudnative-pg/plan.ts
        // (the Cluster's name, a creation or restore token, a major after pg_upgrade).
        " && 'serverName' in e.plugin.parameters && e.plugin.parameters['serverName'].matches('^' + variables.database + '-postgresql(-[0-9]{14}|-[0-9a-f]{8})?(-pg[0-9]+)?$')" +
        ' && !has(e.connectionParameters) && !has(e.password) && !has(e.sslKey) && !has(e.sslCert) && !has(e.sslRootCert) && !has(e.barmanObjectStore))',
      messageExpression: "'a restore drill recovers from ObjectStore ' + variables.database + '-postgresql-drill-source through the Barman Cloud plugin, the archive of ' + variables.database + '-postgresql, and from nothing else'",
    },
    {
      expression: '!has(object.spec.certificates) && !has(object.spec.superuserSecret) && (!has(object.spec.enableSuperuserAccess) || !object.spec.enableSuperuserAccess)',
      message: 'a restore drill Cluster names no certificate or superuser Secret and has no superuser access',
    },
    {
      expression:
        '!has(object.spec.projectedVolumeTemplate) && !has(object.spec.env) && !has(object.spec.envFrom) && !has(object.spec.managed)' +
        ' && !has(object.spec.serviceAccountTemplate) && !has(object.spec.imageCatalogRef) && !has(object.spec.tablespaces)',
      message: 'a restore drill Cluster mounts, reads and manages nothing beyond its own data',
    },
    {
      expression: "!has(object.metadata.annotations) || object.metadata.annotations.all(k, !k.startsWith('cnpg.io/'))",
      message: 'a restore drill Cluster carries no cnpg.io annotation (pod patches, skipping the empty-archive check)',
    },
    { expression: `has(object.spec.imageName) && object.spec.imageName.startsWith('${image}')`, message: `a restore drill Cluster runs the CloudNativePG image ${image}<tag>` },
    // CloudNativePG v1.30.0 copies inheritedMetadata onto the instance pods and Services: other labels
    // could join a Service of the namespace (a statefulset database's selects name/instance/component).
    {
      expression:
        "has(object.spec.inheritedMetadata) && !has(object.spec.inheritedMetadata.annotations) && has(object.spec.inheritedMetadata.labels)" +
        " && object.spec.inheritedMetadata.labels == {'app.kubernetes.io/name': 'postgresql', 'app.kubernetes.io/instance': variables.database, 'app.kubernetes.io/component': 'drill'}",
      messageExpression: "'a restore drill Cluster\\'s pods carry exactly the labels app.kubernetes.io/name=postgresql, app.kubernetes.io/instance=' + variables.database + ', app.kubernetes.io/component=drill, and no annotation'",
    },
    {
      expression:
        '!has(object.spec.topologySpreadConstraints) && (!has(object.spec.affinity) || (!has(object.spec.affinity.nodeSelector) && !has(object.spec.affinity.tolerations)' +
        ' && !has(object.spec.affinity.nodeAffinity) && !has(object.spec.affinity.additionalPodAffinity) && !has(object.spec.affinity.additionalPodAntiAffinity)))',
      message: 'a restore drill Cluster is placed by the scheduler alone: no nodeSelector, tolerations, node or pod affinity, topology spread',
    },
    {
      expression: '!has(object.spec.postgresql) || (!has(object.spec.postgresql.pg_hba) && !has(object.spec.postgresql.pg_ident))',
      message: 'a restore drill Cluster keeps the operator\'s pg_hba and pg_ident',
    },
  ];
}

/** The policy and its binding, cluster-scoped platform objects: `postgres-gitops wiring --drill-policy`. */
export function drillPolicy(platform: PlatformSettings) {
  return [
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: DRILL_POLICY },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          resourceRules: [{ apiGroups: ['postgresql.cnpg.io'], apiVersions: ['*'], operations: ['CREATE', 'UPDATE'], resources: ['clusters'] }],
        },
        matchConditions: [
          {
            name: 'restore-drill-runner',
            expression: `request.userInfo.username.startsWith('system:serviceaccount:') && request.userInfo.username.endsWith('${DRILL_ACCOUNT_SUFFIX}')`,
          },
        ],
        variables: [
          { name: 'account', expression: "request.userInfo.username.split(':')[3]" },
          { name: 'database', expression: `variables.account.substring(0, size(variables.account) - ${DRILL_ACCOUNT_SUFFIX.length})` },
        ],
        validations: drillPolicyValidations(platform),
      },
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: DRILL_POLICY },
      spec: { policyName: DRILL_POLICY, validationActions: ['Deny'] },
    },
  ];
}
