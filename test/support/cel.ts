import { run } from '@bufbuild/cel';

type Schema = Record<string, any>;

interface Rule {
  rule: string;
  message?: string;
}

/** A value as CEL sees it under its schema: objects as maps, integers as int, lists as lists. */
function toCel(value: unknown, schema: Schema | undefined): unknown {
  if (Array.isArray(value)) return value.map(item => toCel(item, schema?.items));
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, toCel(v, schema?.properties?.[k] ?? schema?.additionalProperties)] as const);
    return new Map(entries);
  }
  if (typeof value === 'number' && Number.isInteger(value) && (schema?.type === 'integer' || schema?.['x-kubernetes-int-or-string'])) {
    return BigInt(value);
  }
  return value;
}

/**
 * Evaluates every `x-kubernetes-validations` rule of a CRD schema against an object, as the API
 * server does. Transition rules (those reading oldSelf) run only when an old object is given.
 */
export function celViolations(schema: Schema, value: unknown, old?: unknown, path = ''): string[] {
  if (value === undefined || value === null) return [];
  const problems: string[] = [];
  for (const { rule, message } of (schema['x-kubernetes-validations'] ?? []) as Rule[]) {
    const transition = /\boldSelf\b/.test(rule);
    if (transition && old === undefined) continue;
    const bindings: Record<string, unknown> = { self: toCel(value, schema) };
    if (transition) bindings.oldSelf = toCel(old, schema);
    const result = run(rule, bindings as never);
    if (result !== true) {
      const why = result === false ? message ?? `failed rule ${rule}` : `rule ${rule} could not be evaluated: ${String((result as Error).message ?? result)}`;
      problems.push(`${path || '/'} ${why}`);
    }
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, i) => problems.push(...celViolations(schema.items, item, Array.isArray(old) ? old[i] : undefined, `${path}/${i}`)));
  } else if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const oldRecord = (old && typeof old === 'object' ? old : undefined) as Record<string, unknown> | undefined;
    for (const [key, child] of Object.entries(record)) {
      const childSchema = schema.properties?.[key] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      if (childSchema) problems.push(...celViolations(childSchema, child, oldRecord?.[key], `${path}/${key}`));
    }
  }
  return problems;
}
