import { RequestValidationError, type FieldIssue } from '../request/errors';
import { DNS1123_LABEL, echo } from '../request/names';

/** `postgres-<cluster>-databases` names the root Flux Kustomization, whose name labels what it applies: a label value of at most 63. */
const MAX_CLUSTER = 63 - 'postgres--databases'.length;

/** Refuses wiring options that would print objects the API server rejects, naming the option. */
export function assertWiringOptions(options: { cluster: string; secretName?: string }): void {
  const issues: FieldIssue[] = [];
  if (!DNS1123_LABEL.test(options.cluster) || options.cluster.length > MAX_CLUSTER) {
    issues.push({ path: '--cluster', message: `"${echo(options.cluster)}" must be a DNS-1123 label of at most ${MAX_CLUSTER} characters (lower-case letters, digits and "-"), as the state store's clusters/<cluster> directories are` });
  }
  if (options.secretName !== undefined && (!DNS1123_LABEL.test(options.secretName) || options.secretName.length > 63)) {
    issues.push({ path: '--secret', message: `"${echo(options.secretName)}" must be the name of the Secret with the Git credentials (a DNS-1123 label)` });
  }
  if (issues.length > 0) throw new RequestValidationError(issues);
}
