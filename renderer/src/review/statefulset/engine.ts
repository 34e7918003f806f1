import type { StatefulSetPlan } from '../../plan/statefulset/plan';
import { quantityToMi } from '../../request/quantity';
import { backupVolumeSize } from '../../plan/statefulset/backup-volume';
import { changed, find, perPod, type ReviewEngine } from '../engine';

/** The statefulset engine in review: StatefulSets, Deployments and PVCs; manual steps it cannot take itself. */
export const statefulSetReview: ReviewEngine<StatefulSetPlan> = {
  workload(m) {
    const spec = m.spec as any;
    if (m.kind === 'StatefulSet' || m.kind === 'Deployment') {
      const pods = spec.replicas ?? 1;
      return { pods, containers: spec.template.spec.containers, volumes: perPod(pods, (spec.volumeClaimTemplates ?? []).map((c: any) => c.spec.resources.requests.storage)) };
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
        else if (m.metadata.name.endsWith('-read')) lines.push(`${m.metadata.name}: its ${spec.replicas} standby pod(s) restart one at a time (rolling)`);
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
    const stays = [
      ...(claims.length > 0 ? [`PersistentVolumeClaims ${claims.join(', ')} in ${namespace}: the data${spec.backup ? ' and the dumps' : ''} (Retain policy and prune protection)`] : []),
      `Secrets ${names.secret}${plan.internalSecret ? ` and ${names.internalSecret}` : ''}, with their Password generators and ExternalSecrets (orphaned and protected from pruning)`,
    ];
    const commands = [
      ...(claims.length > 0 ? [`kubectl -n ${namespace} delete pvc ${claims.join(' ')}`] : []),
      `kubectl -n ${namespace} delete externalsecret,password,secret ${[names.secret, ...(plan.internalSecret ? [names.internalSecret] : [])].join(' ')} --ignore-not-found`,
    ];
    return { stays, commands };
  },

  choices(plan) {
    const { spec } = plan;
    return [
      ['pods', `${spec.replicas} (${plan.standbys} standby)`],
      ['backup', spec.backup ? `${spec.backupSchedule} UTC, keep ${spec.backupRetention} (a job with the primary's resources while it runs, not in the totals)` : 'off'],
    ];
  },

  warnings(plan) {
    return plan.standbys > 0
      ? [`${plan.standbys} standby(s) without automatic failover: the statefulset engine streams to read-only standbys, but promoting one is manual. Automatic failover is the CloudNativePG engine's job.`]
      : [];
  },

  changeIssues(a, b) {
    if (!a.backup || !b.backup) return [];
    const [before, after] = [backupVolumeSize(a.storageSize, a.backupRetention), backupVolumeSize(b.storageSize, b.backupRetention)];
    return quantityToMi(after) < quantityToMi(before)
      ? [{ path: 'spec.backupRetention', message: `${a.backupRetention} -> ${b.backupRetention} would shrink the backup volume (${before} -> ${after}), which Kubernetes refuses; keep ${a.backupRetention} or more` }]
      : [];
  },

  fieldChange(key, a, b, text) {
    switch (key) {
      case 'persistence':
        return b.persistence
          ? [{ text, destructive: false, action: 'the StatefulSet must be re-created to gain a volume claim template' }]
          : [{ text: `${text}: the data volume is no longer used and every restart loses the data`, destructive: true }];
      case 'storageSize':
        return quantityToMi(b.storageSize) > quantityToMi(a.storageSize)
          ? [{ text: `${text}: volume expansion needed`, destructive: false, action: `expand each data PVC to ${b.storageSize} (StorageClass with allowVolumeExpansion), then re-create the StatefulSet with --cascade=orphan so its immutable claim template matches` }]
          : [{ text: `${text}: volumes cannot shrink`, destructive: true }];
      case 'version':
        return [{ text: `${text}: major upgrade`, destructive: true, action: 'the data directory of one major version does not start on another: dump and restore (or pg_upgrade) is needed' }];
      case 'backupRetention': {
        if (!a.backup || !b.backup) return undefined;
        const [from, to] = [backupVolumeSize(a.storageSize, a.backupRetention), backupVolumeSize(b.storageSize, b.backupRetention)];
        return from === to ? undefined : [{ text: `${text}: backup volume ${from} -> ${to}: volume expansion needed`, destructive: false, action: `expand the backup PVC to ${to} (StorageClass with allowVolumeExpansion)` }];
      }
      case 'replicas':
        return b.replicas < a.replicas ? [{ text: `${text}: standby volumes are retained; delete them by hand when no longer needed`, destructive: false }] : undefined;
      default:
        return undefined;
    }
  },
};
