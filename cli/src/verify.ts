import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { nameCollisionIssues, type PlatformSettings, type RenderedDatabase, renderDatabase, REQUEST_FILE, RequestValidationError, tenantConnectionIssues } from '@postgres-gitops/renderer';
import { listFiles, readYamlFile } from './files';

export interface VerifyProblem {
  path: string;
  problem: string;
  diff?: string;
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Re-renders one stored request.yaml and compares its directory with what the renderer produces. */
async function verifyDatabase(root: string, requestPath: string, platform: PlatformSettings, rendered: RenderedDatabase[]): Promise<VerifyProblem[]> {
  const directory = dirname(requestPath);
  let db: RenderedDatabase;
  try {
    db = renderDatabase(await readYamlFile(join(root, requestPath)), platform);
  } catch (error) {
    if (error instanceof RequestValidationError) {
      return [{ path: requestPath, problem: `invalid request:\n${error.issues.map(i => `    ${i.path}: ${i.message}`).join('\n')}` }];
    }
    throw error;
  }
  if (db.directory !== directory) {
    return [{ path: requestPath, problem: `request belongs in ${db.directory}/, not ${directory}/ (cluster, namespace and name decide the directory)` }];
  }
  rendered.push(db);
  const problems: VerifyProblem[] = [];
  for (const [path, expected] of Object.entries(db.files)) {
    if (path.endsWith(`/${REQUEST_FILE}`)) continue;
    const actual = await readIfExists(join(root, path));
    if (actual === undefined) {
      problems.push({ path, problem: 'missing (the renderer produces it)' });
    } else if (actual !== expected) {
      problems.push({ path, problem: 'differs from the rendered manifest', diff: createTwoFilesPatch(`committed/${path}`, `rendered/${path}`, actual, expected, '', '', { context: 2 }) });
    }
  }
  const present = (await listFiles(join(root, directory))).map(f => `${directory}/${f}`);
  for (const path of present) {
    if (!(path in db.files)) problems.push({ path, problem: 'not produced by the renderer (stale or hand-written)' });
  }
  return problems;
}

export interface VerifyResult {
  databases: number;
  problems: VerifyProblem[];
}

export async function verifyStateStore(root: string, platform: PlatformSettings): Promise<VerifyResult> {
  const requests = (await listFiles(root)).filter(p => p === REQUEST_FILE || p.endsWith(`/${REQUEST_FILE}`));
  const problems: VerifyProblem[] = [];
  const rendered: RenderedDatabase[] = [];
  for (const requestPath of requests) problems.push(...(await verifyDatabase(root, requestPath, platform, rendered)));
  problems.push(...tenantConnectionIssues(rendered), ...nameCollisionIssues(rendered));
  return { databases: requests.length, problems };
}

export function formatVerifyResult(result: VerifyResult): string {
  if (result.problems.length === 0) return `verify: ${result.databases} database(s), all manifests match the renderer\n`;
  const lines = result.problems.map(p => `${p.path}: ${p.problem}${p.diff ? `\n${p.diff}` : ''}`);
  return `${lines.join('\n')}\nverify: ${result.problems.length} problem(s) in ${result.databases} database(s)\n`;
}
