import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * GitHub's published OpenAPI description (@octokit/openapi, dereferenced): finds the operation
 * for a method and path, and validates the JSON body against its request schema.
 */
interface Operation {
  operationId: string;
  template: string;
  params: Record<string, string>;
  validate?: ValidateFunction;
}

type Paths = Record<string, Record<string, any>>;

let compiled: { paths: Paths; routes: { template: string; strict: RegExp; greedy: RegExp; names: string[] }[] } | undefined;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
// GitHub's own format: "owner/name".
ajv.addFormat('repo.nwo', /^[\w.-]+\/[\w.-]+$/);
const validators = new Map<string, ValidateFunction>();

function load() {
  if (compiled) return compiled;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const paths: Paths = require('@octokit/openapi').schemas['api.github.com.deref'].paths;
  const routes = Object.keys(paths).map(template => {
    const names = [...template.matchAll(/\{([^}]+)\}/g)].map(m => m[1]);
    const pattern = (last: string) => `^${template.replace(/\{[^}]+\}/g, m => (m === `{${names[names.length - 1]}}` ? last : '([^/]+)'))}$`;
    return { template, names, strict: new RegExp(pattern('([^/]+)')), greedy: new RegExp(pattern('(.+)')) };
  });
  // Longer literal templates first, so /git/refs/{ref} loses to a more specific route.
  routes.sort((a, b) => b.template.replace(/\{[^}]+\}/g, '').length - a.template.replace(/\{[^}]+\}/g, '').length);
  compiled = { paths, routes };
  return compiled;
}

/** The body validator of one operation, compiled on first use. */
function validatorOf(method: string, template: string, op: { requestBody?: any }): ValidateFunction | undefined {
  const key = `${method.toUpperCase()} ${template}`;
  const schema = op.requestBody?.content?.['application/json']?.schema;
  if (schema && !validators.has(key)) validators.set(key, ajv.compile(schema));
  return validators.get(key);
}

/** Loads the description and compiles the body validators of these operations now rather than on first use. */
export function prepareOperations(operationIds: readonly string[]): void {
  const { paths } = load();
  for (const [template, methods] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(methods)) if (operationIds.includes(op?.operationId)) validatorOf(method, template, op);
  }
}

export function findOperation(method: string, path: string): Operation | undefined {
  const { paths, routes } = load();
  for (const pass of ['strict', 'greedy'] as const) {
    for (const route of routes) {
      const match = route[pass].exec(path);
      const op = match && paths[route.template][method.toLowerCase()];
      if (!match || !op) continue;
      const params = Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(match[i + 1])]));
      return { operationId: op.operationId, template: route.template, params, validate: validatorOf(method, route.template, op) };
    }
  }
  return undefined;
}

export function bodyProblems(operation: Operation, body: unknown): string[] {
  if (!operation.validate) return [];
  return operation.validate(body) ? [] : (operation.validate.errors ?? []).map(e => `${e.instancePath || '(body)'} ${e.message}`);
}
