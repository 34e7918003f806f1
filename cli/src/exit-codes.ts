export const EXIT = {
  ok: 0,
  /** verify: the state store drifted from what the renderer produces. */
  drift: 1,
  /** The request, platform file or command line is invalid. */
  invalidInput: 2,
  /** A bug or an environment failure (I/O), not the user's input. */
  internal: 3,
} as const;

/** An error the user caused; printed without a stack trace. */
export class UsageError extends Error {}
