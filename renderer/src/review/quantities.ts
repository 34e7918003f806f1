/** Kubernetes quantities as numbers, for totals: CPU in millicores, bytes in MiB. */
export function cpuMillis(quantity: string): number {
  if (quantity.endsWith('m')) return Number(quantity.slice(0, -1));
  return Math.round(Number(quantity) * 1000);
}

const BINARY: Record<string, number> = { Ki: 1 / 1024, Mi: 1, Gi: 1024, Ti: 1024 * 1024 };

export function mebibytes(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti)$/.exec(quantity);
  if (!match) throw new Error(`unsupported quantity ${quantity}`);
  return Number(match[1]) * BINARY[match[2]];
}

/** Millicores always, as the size table writes them (500m -> 1000m reads better than 500m -> 1). */
export function formatCpu(millis: number): string {
  return `${millis}m`;
}

export function formatMebibytes(mi: number): string {
  if (mi >= 1024 * 1024 && mi % (1024 * 1024) === 0) return `${mi / (1024 * 1024)}Ti`;
  if (mi >= 1024 && mi % 1024 === 0) return `${mi / 1024}Gi`;
  return `${mi}Mi`;
}
