import { main } from '../main';

export { issuesOf } from '../../../renderer/src/__testUtils__/issues';

/** Runs the CLI in-process as a user would, collecting what it prints and its exit code. */
export async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: t => (stdout += t), stderr: t => (stderr += t), env });
  return { code, stdout, stderr };
}
