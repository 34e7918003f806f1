import { RequestValidationError, type FieldIssue } from '../request/errors';
import { DNS1123_LABEL, echo } from '../request/names';

/** `postgres-<cluster>` names the Flux Kustomization and the Argo CD ApplicationSet: a DNS-1123 label of at most 63. */
const MAX_CLUSTER = 63 - 'postgres-'.length;

/** Refuses wiring options that would print objects the API server rejects, naming the option. */
export function assertWiringOptions(options: { cluster: string; sourceName?: string }): void {
  const issues: FieldIssue[] = [];
  if (!DNS1123_LABEL.test(options.cluster) || options.cluster.length > MAX_CLUSTER) {
    issues.push({ path: '--cluster', message: `"${echo(options.cluster)}" must be a DNS-1123 label of at most ${MAX_CLUSTER} characters (lower-case letters, digits and "-"), as the state store's clusters/<cluster> directories are` });
  }
  if (options.sourceName !== undefined && (!DNS1123_LABEL.test(options.sourceName) || options.sourceName.length > 63)) {
    issues.push({ path: '--source', message: `"${echo(options.sourceName)}" must be the name of a Flux GitRepository (a DNS-1123 label)` });
  }
  if (issues.length > 0) throw new RequestValidationError(issues);
}
