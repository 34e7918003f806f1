import type { PlanBase } from '../plan/base';

/** A Kubernetes object as the builders produce it: plain data, serialized later. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

/** A pure builder: reads only the plan, returns zero or more objects. */
export type Builder<P extends PlanBase> = (plan: P) => Manifest[];
