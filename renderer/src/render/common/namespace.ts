import type { PlanBase } from '../../plan/base';
import { PROTECT_FROM_PRUNING } from '../../plan/labels';
import { labels } from '../../plan/metadata';
import type { Manifest } from '../manifest';

/**
 * The Namespace, when the platform asks the renderer to create it. Cluster-scoped, so it is the
 * one object without metadata.namespace; it enforces the restricted Pod Security Standard.
 */
export function buildNamespace(plan: PlanBase): Manifest[] {
  if (!plan.platform.createNamespace) return [];
  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: plan.namespace,
        labels: {
          ...labels(plan, 'network'),
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/warn': 'restricted',
        },
        annotations: PROTECT_FROM_PRUNING,
      },
    },
  ];
}
