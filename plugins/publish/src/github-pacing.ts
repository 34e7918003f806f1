import { createHash } from 'node:crypto';

export interface PacingClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const REAL_CLOCK: PacingClock = { now: () => Date.now(), sleep: ms => new Promise(resolve => setTimeout(resolve, ms)) };

/**
 * GitHub's documented secondary rate limits (docs.github.com, "Rate limits for the REST API"):
 * at most 80 content-generating requests and 900 points a minute, where a read (GET, a GraphQL
 * query) costs 1 point and a write (POST, PATCH, PUT, DELETE, a GraphQL mutation) 5.
 */
export const SECONDARY_LIMITS = { windowMs: 60_000, contentGenerating: 80, points: 900, readPoints: 1, writePoints: 5 };

interface Spent {
  at: number;
  points: number;
  write: boolean;
}

/**
 * A budget for one GitHub account, shared by every publish in this process: a request waits only
 * when the last minute's requests leave no room for it, or while GitHub asked everyone to back
 * off (retry-after). Within the budget nothing waits, so a single database goes at full speed.
 */
export class SecondaryLimitBudget {
  private spent: Spent[] = [];
  private pausedUntil = 0;
  private turn: Promise<void> = Promise.resolve();

  constructor(private readonly clock: PacingClock = REAL_CLOCK, private readonly limits = SECONDARY_LIMITS) {}

  /**
   * Waits for room for one request, in arrival order, and counts it. Call the returned function
   * when the answer arrives: the request then counts from that moment, since GitHub's clock saw
   * it somewhere between sending and answering.
   */
  acquire(write: boolean): Promise<() => void> {
    const mine = this.turn.then(() => this.waitForRoom(write));
    this.turn = mine.then(() => undefined, () => undefined);
    return mine;
  }

  /** GitHub answered with retry-after: nobody sends before it passes. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
  }

  private async waitForRoom(write: boolean): Promise<() => void> {
    const { windowMs } = this.limits;
    const cost = write ? this.limits.writePoints : this.limits.readPoints;
    for (;;) {
      const now = this.clock.now();
      this.spent = this.spent.filter(s => s.at > now - windowMs);
      const wait = Math.max(this.pausedUntil - now, write ? this.contentWait(now) : 0, this.pointsWait(now, cost));
      if (wait <= 0) {
        const entry = { at: now, points: cost, write };
        this.spent.push(entry);
        return () => {
          entry.at = Math.max(entry.at, this.clock.now());
          this.spent.sort((a, b) => a.at - b.at);
        };
      }
      await this.clock.sleep(wait);
    }
  }

  /** Until the oldest write that keeps the minute full leaves it. */
  private contentWait(now: number): number {
    const writes = this.spent.filter(s => s.write);
    const excess = writes.length - this.limits.contentGenerating;
    return excess < 0 ? 0 : writes[excess].at + this.limits.windowMs - now + 1;
  }

  /** Until enough of the minute's oldest points leave it for this request's. */
  private pointsWait(now: number, cost: number): number {
    let over = this.spent.reduce((sum, s) => sum + s.points, 0) + cost - this.limits.points;
    if (over <= 0) return 0;
    for (const s of this.spent) {
      over -= s.points;
      if (over <= 0) return s.at + this.limits.windowMs - now + 1;
    }
    return this.limits.windowMs;
  }
}

const budgets = new Map<string, SecondaryLimitBudget>();

/** The budget of one account on one GitHub: keyed by API URL and a hash of the token, never the token. */
export function budgetFor(baseUrl: string, token: string, clock?: PacingClock): SecondaryLimitBudget {
  const key = `${baseUrl}\0${createHash('sha256').update(token).digest('hex')}`;
  let budget = budgets.get(key);
  if (!budget) budgets.set(key, (budget = new SecondaryLimitBudget(clock)));
  return budget;
}

/** Whether GitHub counts a request as content-generating (and 5 points). */
export function isWrite(options: Record<string, unknown>): boolean {
  const method = String(options.method ?? 'GET').toUpperCase();
  if (String(options.url ?? '').endsWith('/graphql')) return /^\s*mutation\b/.test(String(options.query ?? ''));
  return method !== 'GET' && method !== 'HEAD';
}
