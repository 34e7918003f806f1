import { barmanSidecarResources, type CloudNativePgPlan } from '../../plan/cloudnative-pg/plan';
import type { Requests } from '../../request/presets';
import { databaseDirectory } from '../../layout/paths';
import { quantityToMi } from '../../request/quantity';
import { changed, find, perPod, type ReviewEngine } from '../engine';
import { DRILL_POLICY } from '../../plan/cloudnative-pg/names';

/** What a restore drill does and where its result shows: the choices row, and the PR text when drills are turned on. */
function drillChoice(plan: CloudNativePgPlan): string {
  const { names, drill } = plan;
  if (!drill) return plan.backup ? 'off: backups are never restored to prove them' : 'off (no backups)';
  return (
    `${drill.schedule} UTC: Cluster ${names.drillCluster} is recovered by the operator from this database's object store (read through its own ObjectStore ${names.drillObjectStore}, archiving nothing), ` +
    `checked (it accepts connections, database ${plan.spec.database} is owned by ${plan.spec.username}, recovery reached past the end of the newest base backup, every table reads end to end${plan.spec.tenants ? `, in database ${plan.spec.database} only: the recovery is physical and holds every tenant's database, but no tenant's table is read` : ''}) and deleted, within ${drill.timeoutSeconds / 60} minutes; ` +
    `it runs as ServiceAccount ${names.drill}, which may create only that Cluster (admission policy ${DRILL_POLICY}). ` +
    `Result: the latest Job of CronJob ${names.drillCronJob} (its verdict in the pod's termination message) and the alerts PostgreSQLRestoreDrillFailed and PostgreSQLRestoreDrillStale`
  );
}

/** Parameters PostgreSQL applies only on a restart (context postmaster) among those the tuning sets. */
const RESTART_PARAMETERS = ['max_connections', 'shared_buffers', 'max_wal_senders', 'wal_level', 'dynamic_shared_memory_type'];

/** How a Cluster's requests follow its limits, read back from its resources (request/presets.ts Requests). */
function requestsOf(r: { requests: Record<string, string>; limits: Record<string, string> }): Requests {
  if (r.requests.memory !== r.limits.memory) return 'size';
  return r.requests.cpu === r.limits.cpu ? 'at-limit' : 'memory-at-limit';
}

/**
 * Settings a standby needs at least as high as its primary's (PostgreSQL docs, "Hot Standby",
 * administrator's overview). When one goes down, CloudNativePG v1.30.0 restarts the primary in
 * place instead of switching over (pkg/management/postgres/probes.go GetDecreasedSensibleSettings
 * sets PendingRestartForDecrease; internal/management/controller/instance_controller.go
 * triggerRestartForDecrease -> RequestAndWaitRestartSmartFast: smart shutdown for
 * smartShutdownTimeout, then fast).
 */
const HOT_STANDBY_SENSITIVE = ['max_connections', 'max_prepared_transactions', 'max_wal_senders', 'max_worker_processes', 'max_locks_per_transaction'];
/** api/v1/cluster_funcs.go GetSmartShutdownTimeout, v1.30.0. */
const DEFAULT_SMART_SHUTDOWN_SECONDS = 180;

/** What an instance count means for availability: said in the PR so reviewers choose knowingly. */
export function failoverWording(instances: number): string {
  if (instances === 1) return '1 instance: no failover (a lost node stops the database until its pod is rescheduled)';
  if (instances === 2) return '2 instances: automatic failover, without a quorum (a network partition can make the operator wait)';
  return `${instances} instances: automatic failover with a quorum (recommended)`;
}

/** The cloudnative-pg engine in review: Cluster instances and volumes, Pooler pods; what the operator does for a change. */
export const cloudNativePgReview: ReviewEngine<CloudNativePgPlan> = {
  workload(m) {
    const spec = m.spec as any;
    if (m.kind === 'Cluster') {
      const sizes = [spec.storage.size, ...(spec.walStorage ? [spec.walStorage.size] : [])];
      // The Barman Cloud sidecar runs beside postgres in every instance that archives (plan.ts barmanSidecarResources).
      const sidecar = spec.plugins?.length ? [{ resources: barmanSidecarResources(requestsOf(spec.resources)) }] : [];
      return { pods: spec.instances, containers: [{ resources: spec.resources }, ...sidecar], volumes: perPod(spec.instances, sizes) };
    }
    if (m.kind === 'Pooler') return { pods: spec.instances, containers: spec.template?.spec?.containers ?? [], volumes: [] };
    return null;
  },

  restarts(before, after) {
    const lines: string[] = [];
    for (const m of after) {
      const old = find(before, m.kind, m.metadata.name);
      if (!old) continue;
      const [a, b] = [old.spec, m.spec as any];
      if (m.kind === 'Cluster') {
        const major = (image: string) => /:(\d+)/.exec(image)?.[1];
        if (major(a.imageName) !== major(b.imageName)) {
          lines.push(`${m.metadata.name}: all ${b.instances} instance(s) stop for an offline major upgrade (pg_upgrade in a job); the database is unavailable until it finishes`);
          continue;
        }
        const restartParameters = RESTART_PARAMETERS.filter(p => a.postgresql.parameters[p] !== b.postgresql.parameters[p]);
        const why = [
          ...(a.imageName !== b.imageName ? ['a new image'] : []),
          ...(changed(a.resources, b.resources) ? ['new resources'] : []),
          ...(restartParameters.length > 0 ? [`${restartParameters.join(', ')} (applied on restart only)`] : []),
        ];
        // Renderers before the client CA became the operator's own: the cert-manager replication Secret
        // outlives its Certificate and, not expiring, keeps a certificate the new client CA did not sign
        // (internal/controller/cluster_pki.go ensureLeafCertificate renews only what expires).
        const oldClientCa = a.certificates?.clientCASecret;
        if (oldClientCa && !b.certificates?.clientCASecret) {
          const secrets = [...new Set([a.certificates.replicationTLSSecret ?? `${m.metadata.name}-replication`, oldClientCa, `${m.metadata.name}-client-ca`])];
          lines.push(
            `${m.metadata.name}: client certificates move to the operator's own client CA ${m.metadata.name}-ca (instances reload): after the merge run kubectl -n ${m.metadata.namespace} delete secret ${secrets.join(' ')} --ignore-not-found, so the operator issues streaming_replica's certificate from its CA and no key signed by the platform's issuer is left; until then a standby that reconnects is refused`,
          );
        }
        const decreased = HOT_STANDBY_SENSITIVE.filter(p => Number(b.postgresql.parameters[p] ?? NaN) < Number(a.postgresql.parameters[p] ?? NaN));
        if (decreased.length > 0) {
          const smart = b.smartShutdownTimeout ?? DEFAULT_SMART_SHUTDOWN_SECONDS;
          lines.push(
            `${m.metadata.name}: ${decreased.map(p => `${p} ${a.postgresql.parameters[p]} -> ${b.postgresql.parameters[p]}`).join(', ')} goes down, which standbys accept only after the primary runs with it: ` +
              `the primary restarts in place, no switchover (CloudNativePG's instance manager does this for any lower hot-standby-sensitive setting): it refuses new connections for up to ${smart} s while sessions finish (smartShutdownTimeout), then drops every connection; writes stop until it is back, then the standbys restart one at a time`,
          );
        } else if (why.length > 0) {
          lines.push(`${m.metadata.name}: rolling update for ${why.join(', ')}: standbys restart one at a time, then a switchover to an updated standby (writes pause for seconds)${b.instances === 1 ? '; with one instance the primary restarts in place and writes stop until it is back' : ''}`);
        }
      }
      if (m.kind === 'Pooler' && changed(a, b)) lines.push(`${m.metadata.name}: its ${b.instances} pod(s) restart one at a time`);
    }
    return lines;
  },

  retained(plan) {
    const { names, namespace } = plan;
    const directory = databaseDirectory(plan.spec.cluster, namespace, plan.name);
    // A hibernated Cluster has no pod to back up from: the last backup comes first.
    const before = plan.backup
      ? [
          `kubectl cnpg backup -n ${namespace} ${names.cluster} --method=plugin --plugin-name=barman-cloud.cloudnative-pg.io   # a last base backup while the instances run`,
          `kubectl -n ${namespace} get backup -l cnpg.io/cluster=${names.cluster} --sort-by=.metadata.creationTimestamp   # merge once the newest one is completed`,
        ]
      : [];
    const stays = [
      `the Cluster ${names.cluster}, hibernated (cnpg.io/hibernation: on): no instance runs; it is protected from pruning because it owns its volumes (PVCs ${names.cluster}-<n>${plan.spec.walStorageSize ? ` and ${names.cluster}-<n>-wal` : ''}); deleting it deletes them. To bring it back, publish its request again without the retired annotation`,
      `its NetworkPolicies, so nothing reaches it while it stops`,
      `Secret ${names.secret} with its Password generator and ExternalSecret (orphaned and protected from pruning)`,
      ...(plan.drill ? [`if a restore drill was running, its Cluster ${names.drillCluster} (a copy of the data): kubectl -n ${namespace} delete cluster ${names.drillCluster} --ignore-not-found`] : []),
      ...(plan.access.roles.length > 0 ? [`the access groups ${plan.access.groups.read} and ${plan.access.groups.write} (DatabaseRoles, reclaim policy retain); the access roles' DatabaseRoles are deleted but stay Terminating, and the roles keep their login in the hibernated catalog, until the Cluster is deleted or woken (the instance manager of a running primary drops a role and releases its finalizer)`] : []),
      ...(plan.backup ? [`the base backups and WAL archive in ${plan.backup.store.destinationPath} (server ${plan.backup.serverName}), and ObjectStore ${names.objectStore}`] : []),
      `this directory, holding the retired record (request.yaml, the hibernated Cluster${plan.backup ? ', the ObjectStore' : ''}${plan.certificates === 'cert-manager' ? ', the server Certificate' : ''} and the NetworkPolicies), so the retirement is on record and nothing can claim the name`,
    ];
    const commands = [
      `kubectl -n ${namespace} delete cluster ${names.cluster}   # deletes its volumes: the data is gone for good`,
      `kubectl -n ${namespace} delete externalsecret,password,secret ${names.secret} --ignore-not-found`,
      ...(plan.backup ? [`kubectl -n ${namespace} delete objectstore ${names.objectStore}; then remove ${plan.backup.store.destinationPath} from the bucket when the backups are no longer needed`] : []),
      `git rm -r ${directory}   # in the state store, through a pull request: the NetworkPolicies go with it`,
    ];
    return { before, stays, commands };
  },

  choices(plan) {
    const rows: [string, string][] = [['instances', failoverWording(plan.instances)]];
    if (plan.backup) {
      rows.push(['backup', `WAL archived continuously and base backups ${plan.spec.backupSchedule} UTC to ${plan.backup.store.destinationPath} (server ${plan.backup.serverName}), kept ${plan.backup.retentionPolicy}`]);
      rows.push(['recovery point', `any moment of the last ${plan.backup.retentionPolicy} (point-in-time recovery); a quiet database loses at most 5 minutes of writes (archive_timeout)`]);
    }
    rows.push(['restore drill', drillChoice(plan)]);
    if (plan.restore) rows.push(['restored from', `${plan.spec.restore!.namespace}/${plan.spec.restore!.from} on ${plan.spec.restore!.cluster}, to ${plan.restore.targetTime ?? 'the latest point'}`]);
    rows.push(['data safety', 'the Cluster owns its volumes, so deleting it deletes the data: it is protected from Flux and Argo CD pruning; removing its files from the state store leaves it running']);
    const pooling = !plan.pooler
      ? 'off'
      : plan.pooler.mode === 'transaction'
        ? `PgBouncer, transaction mode, ${plan.pooler.instances} instance(s), ${plan.pooler.serverConnections} server connections each for all roles together; apps connect to ${plan.connection.host}`
        : `off: PgBouncer stays at ${plan.connection.host} as a pass-through (session mode, ${plan.pooler.instances} instance(s), up to ${plan.pooler.serverConnections} server connections each), because the applications' Secret was given that host; session state works as on a direct connection`;
    rows.push(['pooling', pooling]);
    return rows;
  },

  warnings(plan) {
    const warnings: string[] = [];
    if (plan.drill) {
      warnings.push(
        `Restore drills need the admission policy ${DRILL_POLICY} on ${plan.spec.cluster} (postgres-gitops wiring --drill-policy): without it each drill refuses to run and fails, so that its ServiceAccount never creates anything but its own drill Cluster.`,
      );
    }
    if (plan.instances < 3 && plan.spec.profile === 'prod') warnings.push(`${failoverWording(plan.instances)}. For prod, 3 instances are recommended.`);
    if (plan.pooler?.mode === 'transaction') warnings.push('Transaction pooling: session state (SET, advisory locks, LISTEN/NOTIFY, temporary tables) does not survive between transactions; use the direct host in the connection ConfigMap for migrations and such features.');
    return warnings;
  },

  changeIssues(a, b) {
    // The renderer sees one database at a time: whether tenants live on this server only the whole
    // store tells (verify, review/tenant-connections.ts). Turned off under them, their pg_hba
    // isolation and the CA copy they verify the server with go (SRE review 3 M3).
    if (a.tenants && !b.tenants) {
      return [
        {
          path: 'spec.tenants',
          message:
            'stays true: tenants may live on this server, and turning it off removes their pg_hba isolation and the CA their connections verify. ' +
            'Retire or move every tenant first (postgres-gitops verify on the state store names the ones that remain); the platform team then decides and edits the stored request',
        },
      ];
    }
    return [];
  },

  fieldChange(key, a, b, text, plan) {
    switch (key) {
      case 'storageSize':
      case 'walStorageSize': {
        const from = a[key];
        const to = b[key];
        if (!from || !to) return [{ text: `${text}: a WAL volume cannot be added to or removed from existing instances in place`, destructive: true }];
        return quantityToMi(to) > quantityToMi(from)
          ? [{ text: `${text}: the operator expands every instance's volume`, destructive: false, action: 'the StorageClass must allow volume expansion (allowVolumeExpansion: true)' }]
          : [{ text: `${text}: volumes cannot shrink`, destructive: true }];
      }
      case 'version':
        // Only reached with allowMajorUpgrade (the change rules refuse it otherwise): that flag is the consent.
        return [
          {
            text: `${text}: offline in-place major upgrade: every instance stops while pg_upgrade runs in a job, and the database is unavailable until it finishes. Backups taken before cannot be used for point-in-time recovery after the upgrade; the archive continues under a new server name`,
            destructive: false,
            action:
              'before merging, take a fresh backup (kubectl cnpg backup <cluster> --method=plugin --plugin-name=barman-cloud.cloudnative-pg.io); ' +
              'after it, take a new base backup at once. If the upgrade job fails, revert spec.version in a new pull request: the operator deletes the failed job and restarts the cluster on the old major',
          },
        ];
      case 'replicas':
        return b.replicas < a.replicas
          ? [{ text: `${text}: the operator removes instances (standbys first) and their volumes`, destructive: false }]
          : [{ text: `${text}: the operator clones new standbys from the primary`, destructive: false }];
      case 'restoreDrill':
        return b.restoreDrill
          ? [{ text: `${text}: ${drillChoice(plan)}`, destructive: false, action: `the drill Cluster (${plan.spec.storageSize} volume${plan.spec.walStorageSize ? ` + ${plan.spec.walStorageSize} WAL` : ''}, the instance's resources) must fit the namespace's ResourceQuota while it runs` }]
          : [{
              text: `${text}: drills stop; the runner, its Role, its NetworkPolicy and its ObjectStore go (the backups are untouched)`,
              destructive: false,
              // The runner's Role goes in the same apply: a drill running then cannot delete its Cluster (review 2 m4).
              action: `if a restore drill was running when this merged, its Cluster ${plan.names.drillCluster} (a full copy of the data, no longer fenced by a NetworkPolicy nor alerted on) stays: kubectl -n ${plan.namespace} delete cluster ${plan.names.drillCluster} --ignore-not-found`,
            }];
      case 'tenants':
        // Only false -> true reaches here (the change rules refuse the way back). The server's pg_hba
        // then ends with `host all all all reject` (plan/cloudnative-pg/plan.ts hbaRules), which
        // CloudNativePG applies by reload, before its own default rule (SRE review 3 m2).
        return b.tenants
          ? [
              {
                text:
                  `${text}: the server accepts tenants; its pg_hba then admits the owner (${b.username}), the access roles and the tenants' roles only, and ends with host all all all reject: ` +
                  'roles other than the owner, the access roles and tenants are refused from then on (at the reload after the merge), such as reporting, CDC or migration users made by hand',
                destructive: false,
                action: `before merging, list the login roles (SELECT rolname FROM pg_roles WHERE rolcanlogin AND rolname !~ '^(pg_|cnpg_|streaming_replica|postgres$)'); make each one the applications still need an access role (spec.access) or keep this server without tenants`,
              },
            ]
          : undefined;
      case 'pooling':
        // Turning it off keeps the pooler's Service: applications' Secrets name it (plan.ts, pooler mode session).
        return b.pooling
          ? [
              {
                text: `${text}: PgBouncer pools in transaction mode; the connection ConfigMap names the pooler's host, and an application Secret created with the direct host keeps it (External Secrets created it once)`,
                destructive: false,
                action: 'to pool, point applications at PGHOST from the connection ConfigMap',
              },
            ]
          : [{ text: `${text}: transaction pooling stops, the pooler stays at the same host as a pass-through in session mode (the applications' Secret names it), so no application loses its host; session state (SET, advisory locks, LISTEN/NOTIFY, temporary tables) works again`, destructive: false }];
      default:
        return undefined;
    }
  },
};
