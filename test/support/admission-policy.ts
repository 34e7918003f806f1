import { run } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';

/**
 * A ValidatingAdmissionPolicy evaluated as the API server does (kubernetes/website
 * validating-admission-policy.md): when every matchCondition holds, its variables are computed in
 * order (each may read the earlier ones), then each validation; a validation that is false denies
 * with its message (or its messageExpression's value). Kubernetes' CEL environment includes the
 * strings extension (split, substring), so this one does too.
 */
type Obj = Record<string, any>;

export interface AdmissionRequest {
  username: string;
  namespace: string;
  operation: 'CREATE' | 'UPDATE';
  object: Obj;
}

/** JSON as CEL values: objects as maps, whole numbers as int. */
function toCel(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toCel);
  if (value !== null && typeof value === 'object') return new Map(Object.entries(value).map(([k, v]) => [k, toCel(v)]));
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  return value;
}

function evaluate(expression: string, bindings: Record<string, unknown>): unknown {
  const result = run(expression, bindings as never, { funcs: strings });
  if (result instanceof Error) throw new Error(`${expression}: ${result.message}`);
  return result;
}

/** The denials a policy gives a request: empty when it is admitted (or the policy does not match it). */
export function policyDenials(policy: Obj, request: AdmissionRequest): string[] {
  const rules: Obj[] = policy.spec.matchConstraints.resourceRules;
  const kind = request.object.apiVersion.split('/')[0];
  if (!rules.some(r => r.apiGroups.includes(kind) && r.operations.includes(request.operation) && r.resources.includes('clusters'))) return [];
  const req = { userInfo: { username: request.username }, namespace: request.namespace, operation: request.operation };
  const bindings: Record<string, unknown> = { request: toCel(req), object: toCel(request.object) };
  for (const condition of policy.spec.matchConditions ?? []) if (evaluate(condition.expression, bindings) !== true) return [];
  const variables = new Map<string, unknown>();
  for (const variable of policy.spec.variables ?? []) {
    variables.set(variable.name, evaluate(variable.expression, { ...bindings, variables }));
  }
  const scope = { ...bindings, variables };
  // An expression that cannot be evaluated denies under failurePolicy Fail, naming the error.
  const holds = (expression: string) => {
    try {
      return evaluate(expression, scope) === true;
    } catch (error) {
      if (policy.spec.failurePolicy !== 'Fail') return true;
      throw error;
    }
  };
  return (policy.spec.validations as Obj[])
    .filter(v => !holds(v.expression))
    .map(v => (v.messageExpression ? String(evaluate(v.messageExpression, scope)) : v.message ?? `failed ${v.expression}`));
}
