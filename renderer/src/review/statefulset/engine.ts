import type { StatefulSetPlan } from '../../plan/statefulset/plan';
import { quantityToMi } from '../../request/quantity';
import { backupVolumeSize } from '../../plan/statefulset/backup-volume';
import { changed, find, type ReviewEngine } from '../engine';
import type { FieldIssue } from '../../request/errors';
import type { Manifest } from '../../render/manifest';
import { renderPlan } from '../../render/render';
import { PROTECT_FROM_PRUNING } from '../../plan/labels';

const PRUNE_ANNOTATION = 'kustomize.toolkit.fluxcd.io/prune';

/** Settings a hot standby must hold at no less than the primary's (PostgreSQL xlogrecovery.c CheckRequiredParameterValues). */
const HOT_STANDBY_SENSITIVE = ['max_connections', 'max_wal_senders', 'max_worker_processes', 'max_prepared_transactions', 'max_locks_per_transaction'];

/** The numeric settings of the postgresql.conf among `manifests`. */
function renderedSettings(manifests: Manifest[]): Record<string, number> {
  const conf = manifests.find(m => m.kind === 'ConfigMap' && typeof (m as any).data?.['postgresql.conf'] === 'string') as any;
  const entries = String(conf?.data['postgresql.conf'] ?? '').split('\n').map(line => /^(\w+) = (\d+)$/.exec(line)).filter(match => match !== null);
  return Object.fromEntries(entries.map(match => [match![1], Number(match![2])]));
}

/**
 * The primary and read StatefulSets roll at the same time (one apply). A standby starts with a lowered
 * hot-standby-sensitive setting raised to the primary's previous value, read from its control
 * file (plan/statefulset/scripts.ts STANDBY_SH), and takes the new one at its next restart.
 */
function standbyRestart(name: string, replicas: number, before: Manifest[], after: Manifest[]): string {
  const [old, now] = [renderedSettings(before), renderedSettings(after)];
  const lowered = HOT_STANDBY_SENSITIVE.filter(setting => old[setting] !== undefined && now[setting] !== undefined && now[setting] < old[setting]);
  const line = `${name}: its ${replicas} standby pod(s) restart one at a time (rolling)`;
  if (lowered.length === 0) return line;
  const changes = lowered.map(setting => `${setting} ${old[setting]} -> ${now[setting]}`).join(', ');
  return `${line}; ${changes} is lowered: each standby starts with the primary's previous value (a hot standby refuses to start below it) and takes the new one when it next restarts`;
}

/** What a restore drill does and where its result shows: the choices row, and the PR text when drills are turned on. */
function drillChoice(plan: StatefulSetPlan): string {
  const { spec, names } = plan;
  if (!spec.backup) return 'off (no backups)';
  if (!spec.restoreDrill) return 'off: backups are never restored to prove them';
  return (
    `after each backup, in the same job: the dump is checked against its SHA256SUMS and restored into a throwaway PostgreSQL ${spec.version} (an emptyDir of up to ${spec.storageSize}, no credentials for the live server), ` +
    `every table's rows compared with the counts recorded in the dump's snapshot; verdict in drill-verdicts/ on the backup volume (the backups mounted read-only; the restore runs as a role that is no superuser). ` +
    `Result: the latest Job of CronJob ${names.backup} and the alerts PostgreSQLRestoreDrillFailed and PostgreSQLRestoreDrillStale`
  );
}

/** The statefulset engine in review: StatefulSets, Deployments and PVCs; manual steps it cannot take itself. */
export const statefulSetReview: ReviewEngine<StatefulSetPlan> = {
  workload(m) {
    const spec = m.spec as any;
    if (m.kind === 'StatefulSet' || m.kind === 'Deployment') {
      // The claims are rendered as PersistentVolumeClaims (counted below); the templates only keep the creation size.
      return { pods: spec.replicas ?? 1, containers: spec.template.spec.containers, volumes: [] };
    }
    if (m.kind === 'PersistentVolumeClaim') return { pods: 0, containers: [], volumes: [spec.resources.requests.storage] };
    return null;
  },

  restarts(before, after) {
    const lines: string[] = [];
    for (const m of after) {
      if (m.kind !== 'StatefulSet' && m.kind !== 'Deployment') continue;
      const old = find(before, m.kind, m.metadata.name);
      const spec = m.spec as any;
      if (!old) {
        if (m.kind === 'StatefulSet') lines.push(`${m.metadata.name}: ${spec.replicas} new pod(s) start`);
      } else if (changed(old.spec.template, spec.template)) {
        if (m.kind === 'Deployment') lines.push(`${m.metadata.name}: its pod restarts (the database is not affected)`);
        else if (m.metadata.name.endsWith('-read')) lines.push(standbyRestart(m.metadata.name, spec.replicas, before, after));
        else lines.push(`${m.metadata.name}: the primary's pod restarts: connections drop and writes stop until it is ready again (no failover on this engine)`);
      }
    }
    return lines;
  },

  retained(plan) {
    const { names, namespace, spec } = plan;
    const claims = [
      ...Array.from({ length: spec.persistence ? 1 : 0 }, (_, i) => `${names.dataVolumeTemplate}-${names.statefulSet}-${i}`),
      ...Array.from({ length: spec.persistence ? plan.standbys : 0 }, (_, i) => `${names.dataVolumeTemplate}-${names.readStatefulSet}-${i}`),
      ...(spec.backup ? [names.backup] : []),
    ];
    // Every other object protected from pruning, read from the rendered objects, with the Secrets the ExternalSecrets made.
    const credentials = renderPlan(plan)
      .filter(m => m.kind !== 'PersistentVolumeClaim' && m.metadata.annotations?.[PRUNE_ANNOTATION] === PROTECT_FROM_PRUNING[PRUNE_ANNOTATION])
      .flatMap(m => [`${m.kind.toLowerCase()}/${m.metadata.name}`, ...(m.kind === 'ExternalSecret' ? [`secret/${(m.spec as any).target?.name ?? m.metadata.name}`] : [])]);
    const stays = [
      ...(claims.length > 0 ? [`PersistentVolumeClaims ${claims.join(', ')} in ${namespace}: the data${spec.backup ? ' and the dumps' : ''} (Retain policy and prune protection)`] : []),
      ...(credentials.length > 0 ? [`the credentials, orphaned and protected from pruning: ${credentials.join(', ')}`] : []),
    ];
    const commands = [
      ...(claims.length > 0 ? [`kubectl -n ${namespace} delete pvc ${claims.join(' ')}`] : []),
      ...(credentials.length > 0 ? [`kubectl -n ${namespace} delete ${credentials.join(' ')} --ignore-not-found`] : []),
    ];
    return { stays, commands };
  },

  choices(plan) {
    const { spec } = plan;
    return [
      ['pods', `${spec.replicas} (${plan.standbys} standby)`],
      ['backup', spec.backup ? `${spec.backupSchedule} UTC, keep ${spec.backupRetention}, rows of every table counted in the dump's own snapshot` : 'off'],
      ['restore drill', drillChoice(plan)],
    ];
  },

  warnings(plan) {
    return plan.standbys > 0
      ? [`${plan.standbys} standby(s) without automatic failover: the statefulset engine streams to read-only standbys, but promoting one is manual. Automatic failover is the CloudNativePG engine's job.`]
      : [];
  },

  /**
   * What the API server would refuse (pkg/apis/apps/validation/validation.go
   * ValidateStatefulSetUpdate: a StatefulSet's volumeClaimTemplates never change;
   * pkg/apis/core/validation/validation.go ValidatePersistentVolumeClaimUpdate: a bound claim's
   * spec is fixed but for a larger storage request), and what the platform's StorageClasses
   * cannot do (the PersistentVolumeClaimResize admission refuses a larger request unless the
   * class allows volume expansion).
   */
  changeIssues(a, b, platform) {
    const issues: FieldIssue[] = [];
    if (a.persistence !== b.persistence) {
      issues.push({ path: 'spec.persistence', message: `stays ${a.persistence}: a StatefulSet's volume claim templates cannot be added or removed in place (the API server refuses the change); create a new database and move the data` });
    } else if (a.persistence && a.storageClass !== b.storageClass) {
      issues.push({ path: 'spec.storageClass', message: `stays ${a.storageClass ?? '(the cluster default)'}: a volume's StorageClass is fixed when it is created (the API server refuses a new one in a claim or a claim template); create a new database and move the data` });
    }
    const grows = (from: string, to: string) => quantityToMi(to) > quantityToMi(from);
    const noExpansion = 'the platform\'s StorageClasses do not allow volume expansion (platform setting volumeExpansion: false), so the API server would refuse the larger claim';
    if (a.persistence && b.persistence && !platform.volumeExpansion && grows(a.storageSize, b.storageSize)) {
      issues.push({ path: 'spec.storageSize', message: `stays ${a.storageSize}: ${noExpansion}` });
    }
    if (a.backup && b.backup) {
      const [before, after] = [backupVolumeSize(a.storageSize, a.backupRetention), backupVolumeSize(b.storageSize, b.backupRetention)];
      if (quantityToMi(after) < quantityToMi(before)) {
        issues.push({ path: 'spec.backupRetention', message: `${a.backupRetention} -> ${b.backupRetention} would shrink the backup volume (${before} -> ${after}), which Kubernetes refuses; keep ${a.backupRetention} or more` });
      } else if (!platform.volumeExpansion && grows(before, after)) {
        issues.push({ path: a.backupRetention !== b.backupRetention ? 'spec.backupRetention' : 'spec.storageSize', message: `the backup volume would grow (${before} -> ${after}), but ${noExpansion}` });
      }
    }
    return issues;
  },

  fieldChange(key, a, b, text, plan) {
    switch (key) {
      case 'restoreDrill':
        return b.restoreDrill
          ? [{ text: `${text}: ${drillChoice(plan)}`, destructive: false, action: `the backup job's pod then asks the node for ${plan.spec.storageSize} of ephemeral storage while it runs` }]
          : [{ text: `${text}: drills stop; verdicts already written stay in drill-verdicts/ on the backup volume`, destructive: false }];
      case 'persistence':
        return [{ text: `${text}: the StatefulSets' claim templates cannot change in place`, destructive: true }];
      case 'storageSize':
        return quantityToMi(b.storageSize) > quantityToMi(a.storageSize)
          ? [{ text: `${text}: the data volumes grow in place (each PersistentVolumeClaim's request; the StatefulSets' claim templates keep the size they were created with; nothing restarts where the storage driver expands online)`, destructive: false }]
          : [{ text: `${text}: volumes cannot shrink`, destructive: true }];
      case 'version':
        return [{ text: `${text}: major upgrade`, destructive: true, action: 'the data directory of one major version does not start on another: dump and restore (or pg_upgrade) is needed' }];
      case 'backupRetention': {
        if (!a.backup || !b.backup) return undefined;
        const [from, to] = [backupVolumeSize(a.storageSize, a.backupRetention), backupVolumeSize(b.storageSize, b.backupRetention)];
        return from === to ? undefined : [{ text: `${text}: backup volume ${from} -> ${to}: it grows in place`, destructive: false }];
      }
      case 'replicas':
        return b.replicas < a.replicas ? [{ text: `${text}: the standbys' volumes are retained (never pruned); delete them by hand when no longer needed`, destructive: false }] : undefined;
      default:
        return undefined;
    }
  },
};
