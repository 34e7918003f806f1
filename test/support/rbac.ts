/**
 * The RBAC authorizer, as kubernetes/website content/en/docs/reference/access-authn-authz/rbac.md
 * describes it ("Referring to resources"): a rule allows a request when its API group, resource
 * and verb match; a rule with resourceNames matches get, update, patch and delete of those names,
 * list and watch only when the request selects one of them with a metadata.name field selector,
 * and never create or deletecollection ("You cannot restrict create or deletecollection requests
 * by their resource name").
 */
export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

export interface ApiRequest {
  verb: 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';
  apiGroup: string;
  resource: string;
  /** The object's name (get, update, patch, delete), or the metadata.name a list or watch selects. */
  name?: string;
  /** What the request is, for messages: "kubectl get secret orders-drill-app". */
  why: string;
}

const matches = (values: string[], value: string) => values.includes('*') || values.includes(value);

/** Whether `rule` allows `request`. */
export function ruleAllows(rule: PolicyRule, request: ApiRequest): boolean {
  if (!matches(rule.apiGroups, request.apiGroup) || !matches(rule.resources, request.resource) || !matches(rule.verbs, request.verb)) return false;
  if (!rule.resourceNames || rule.resourceNames.length === 0) return true;
  if (request.verb === 'create' || request.verb === 'deletecollection') return false;
  return request.name !== undefined && rule.resourceNames.includes(request.name);
}

/**
 * Every request the rules refuse, every rule no request uses, and every write or read of a named
 * object's kind a rule allows without naming the objects (the Role must name what it may touch;
 * `create` cannot be named, and a list of a kind whose objects are not secret is allowed when
 * `openLists` says so).
 */
export function rbacProblems(rules: PolicyRule[], requests: ApiRequest[], openLists: string[] = []): string[] {
  const problems: string[] = [];
  for (const request of requests) {
    if (!rules.some(rule => ruleAllows(rule, request))) problems.push(`refused: ${request.verb} ${request.resource}${request.name ? `/${request.name}` : ''} (${request.why})`);
  }
  rules.forEach((rule, i) => {
    if (!requests.some(request => ruleAllows(rule, request))) problems.push(`rule ${i} (${rule.verbs.join(',')} ${rule.resources.join(',')}) is used by no request`);
    if (!rule.resourceNames) {
      const unnamed = rule.verbs.filter(verb => verb !== 'create' && !(verb === 'list' && rule.resources.every(r => openLists.includes(r))));
      for (const verb of unnamed) problems.push(`rule ${i}: ${verb} of ${rule.resources.join(',')} must be name-restricted`);
    }
  });
  return problems;
}
