import type { SIZES } from '../request/schema';

export type Size = (typeof SIZES)[number];

export interface SizeSpec {
  cpuRequest: string;
  cpuLimit: string;
  memoryRequest: string;
  memoryLimit: string;
  /** Memory limit in MiB, for tuning. */
  memoryLimitMi: number;
  storage: string;
  /** PostgreSQL pods: one primary plus standbys. */
  replicas: number;
}

/** Exactly the seed promise's size table. */
export const SIZE_TABLE: Record<Size, SizeSpec> = {
  small: { cpuRequest: '100m', cpuLimit: '500m', memoryRequest: '256Mi', memoryLimit: '512Mi', memoryLimitMi: 512, storage: '1Gi', replicas: 1 },
  medium: { cpuRequest: '250m', cpuLimit: '1000m', memoryRequest: '512Mi', memoryLimit: '1Gi', memoryLimitMi: 1024, storage: '5Gi', replicas: 1 },
  large: { cpuRequest: '500m', cpuLimit: '2000m', memoryRequest: '1Gi', memoryLimit: '2Gi', memoryLimitMi: 2048, storage: '10Gi', replicas: 2 },
};
