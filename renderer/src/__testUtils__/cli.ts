import { main } from '../cli/main';
import { RequestValidationError } from '../request/errors';

/** Runs the CLI in-process as a user would, collecting what it prints and its exit code. */
export async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: t => (stdout += t), stderr: t => (stderr += t), env });
  return { code, stdout, stderr };
}

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
