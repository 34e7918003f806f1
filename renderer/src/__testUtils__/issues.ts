import { RequestValidationError } from '../request/errors';

/** The "path: message" lines a refused request gets; fails when the call is not refused. */
export function issuesOf(call: () => unknown): string[] {
  try {
    call();
  } catch (error) {
    if (error instanceof RequestValidationError) return error.issues.map(i => `${i.path}: ${i.message}`);
    throw error;
  }
  throw new Error('expected the request to be rejected');
}
