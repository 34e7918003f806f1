/**
 * GitHub's documented secondary rate limits, on a clock the caller chooses (a simulated clock
 * keeps a benchmark from waiting real minutes):
 * - at most 100 concurrent requests;
 * - at most 80 content-generating requests per minute;
 * - at most 900 points per minute, where a GET costs 1 point and a write 5.
 * Exceeding one is answered 403 with a `retry-after` header.
 */
export interface Clock {
  now(): number;
}

export interface LimitDecision {
  allowed: boolean;
  retryAfterSeconds?: number;
  reason?: string;
}

export class SecondaryRateLimits {
  private inFlight = 0;
  private contentGenerating: number[] = [];
  private points: { at: number; cost: number }[] = [];

  constructor(private readonly clock: Clock) {}

  begin(isWrite: boolean, contentGenerating: boolean): LimitDecision {
    const now = this.clock.now();
    const windowStart = now - 60_000;
    this.contentGenerating = this.contentGenerating.filter(t => t > windowStart);
    this.points = this.points.filter(p => p.at > windowStart);
    const retryAfter = (oldest: number | undefined) => Math.max(1, Math.ceil(((oldest ?? now) + 60_000 - now) / 1000));
    if (this.inFlight >= 100) return { allowed: false, retryAfterSeconds: 1, reason: 'more than 100 concurrent requests' };
    if (contentGenerating && this.contentGenerating.length >= 80) {
      return { allowed: false, retryAfterSeconds: retryAfter(this.contentGenerating[0]), reason: 'more than 80 content-generating requests per minute' };
    }
    const cost = isWrite ? 5 : 1;
    if (this.points.reduce((s, p) => s + p.cost, 0) + cost > 900) {
      return { allowed: false, retryAfterSeconds: retryAfter(this.points[0]?.at), reason: 'more than 900 points per minute' };
    }
    this.inFlight++;
    if (contentGenerating) this.contentGenerating.push(now);
    this.points.push({ at: now, cost });
    return { allowed: true };
  }

  end(): void {
    this.inFlight--;
  }
}
