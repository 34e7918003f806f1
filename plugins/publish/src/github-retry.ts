import { isWrite, type SecondaryLimitBudget } from './github-pacing';

/** GitHub asked to slow down: 429, or 403 with retry-after or its secondary-limit message. */
export function isRateLimited(error: unknown): boolean {
  const e = error as { status?: number; message?: string; response?: { headers?: Record<string, string | undefined> } };
  return e.status === 429 || (e.status === 403 && (e.response?.headers?.['retry-after'] !== undefined || /secondary rate limit|abuse/i.test(e.message ?? '')));
}

/** How long to wait before the next attempt at a GitHub request, or undefined when it must not be retried. */
export function retryDelayMs(error: unknown, attempt: number, baseMs: number): number | undefined {
  const e = error as { status?: number; response?: { headers?: Record<string, string | undefined> } };
  const retryAfter = Number(e.response?.headers?.['retry-after']);
  const backoff = baseMs * 2 ** attempt;
  const afterHeader = Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter, 120) * 1000 : undefined;
  // Secondary rate limits: wait as long as GitHub asks.
  if (isRateLimited(error)) return afterHeader ?? Math.max(backoff, 60_000);
  // Server errors, dropped connections and timeouts (octokit reports those as 500 or without a status).
  if (e.status === undefined || e.status >= 500) return backoff;
  return undefined;
}

type RequestFn = (options: Record<string, unknown>) => Promise<unknown>;

/**
 * Wraps every GitHub request: room in the budget before each attempt, a deadline per attempt,
 * and retries of what may succeed later (5xx, dropped connections, timeouts, rate limits after
 * their retry-after, which pauses every publish sharing the budget). The writes are safe to
 * repeat: trees and commits are content-addressed, and the publisher checks whether a ref or
 * pull request a lost response created is already there.
 */
export function withRetries(options: { retries: number; baseMs: number; timeoutMs: number; budget?: SecondaryLimitBudget }) {
  return async (request: RequestFn, requestOptions: Record<string, unknown>): Promise<unknown> => {
    for (let attempt = 0; ; attempt++) {
      const answered = await options.budget?.acquire(isWrite(requestOptions));
      try {
        const inner = (requestOptions.request ?? {}) as Record<string, unknown>;
        const response = await request({ ...requestOptions, request: { ...inner, signal: AbortSignal.timeout(options.timeoutMs) } });
        answered?.();
        return response;
      } catch (error) {
        answered?.();
        const delay = retryDelayMs(error, attempt, options.baseMs);
        if (delay !== undefined && isRateLimited(error)) options.budget?.pause(delay);
        if (delay === undefined || attempt >= options.retries) throw error;
        await new Promise(resolve => setTimeout(resolve, delay));
      }
    }
  };
}
