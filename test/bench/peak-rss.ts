import { readFileSync } from 'node:fs';

/**
 * Peak resident memory of this process in KiB, from /proc (VmHWM). getrusage's maxRSS would
 * carry over the parent's peak across fork and exec on Linux.
 */
export function peakRssKb(): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) : process.resourceUsage().maxRSS;
}
