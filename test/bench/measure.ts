/** Small timing helpers: medians of many runs, in milliseconds. */
export function now(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function timeEach(iterations: number, fn: () => void): number[] {
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = now();
    fn();
    samples.push(now() - start);
  }
  return samples;
}

export interface Measurement {
  benchmark: string;
  case: string;
  /** Whose figure this is: this project, a peer (Backstage's action, a full clone), or a floor. */
  subject: string;
  metric: string;
  value: number | string;
  unit: string;
}
