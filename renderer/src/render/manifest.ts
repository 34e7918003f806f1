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

export type Builder = (plan: import('../plan/plan').Plan) => Manifest[];
