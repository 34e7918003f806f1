import { meta, selectorLabels } from '../../plan/metadata';
import type { StatefulSetPlan as Plan } from '../../plan/statefulset/plan';
import type { Manifest } from '../manifest';

/**
 * Standbys drain one at a time. The single primary gets no budget: one that demands it stay
 * up would block every node drain; failover is the CloudNativePG engine's job.
 */
export function buildDisruptionBudgets(plan: Plan): Manifest[] {
  if (plan.standbys === 0) return [];
  return [
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta(plan, plan.names.readDisruptionBudget, 'read'),
      spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(plan, 'read') } },
    },
  ];
}
