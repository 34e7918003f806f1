import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { celViolations } from './cel';

/** The CRDs the npm model packages do not cover, vendored unchanged in test/crds (sources in its README). */
const CRD_DIR = [join(__dirname, '..', 'crds'), join(__dirname, '..', '..', '..', 'test', 'crds')].find(dir => existsSync(dir)) ?? join(__dirname, '..', 'crds'); // tests, then the bench's build in .bench-dist/

/** Model modules per apiVersion (CommonJS generations of kubernetes-models). */
const MODEL_PACKAGES: Record<string, string> = {
  'cert-manager.io': '@kubernetes-models/cert-manager',
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
  'kustomize.toolkit.fluxcd.io': '@kubernetes-models/flux-cd',
  'source.toolkit.fluxcd.io': '@kubernetes-models/flux-cd',
  'argoproj.io': '@kubernetes-models/argo-cd',
};

/** Structural schemas prune unknown fields silently; in tests an unknown field is a typo, so reject it. */
function closeSchema(schema: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'properties' && value && typeof value === 'object') {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, closeSchema(v as Record<string, unknown>)]));
    } else if ((key === 'items' || key === 'additionalProperties') && value && typeof value === 'object') {
      out[key] = closeSchema(value as Record<string, unknown>);
    } else {
      out[key] = value;
    }
  }
  if (out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  return out;
}

interface CrdValidator {
  schema: Record<string, unknown>;
  validate: ValidateFunction;
}

let crdValidators: Map<string, CrdValidator> | undefined;

function loadCrdValidators(): Map<string, CrdValidator> {
  if (crdValidators) return crdValidators;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  crdValidators = new Map();
  for (const file of readdirSync(CRD_DIR).filter(f => f.endsWith('.yaml')).sort()) {
    const crd = parse(readFileSync(join(CRD_DIR, file), 'utf8'));
    for (const version of crd.spec.versions) {
      if (!version.served) continue;
      const schema = closeSchema(version.schema.openAPIV3Schema);
      // apiVersion, kind and metadata are validated by the API server, not the CRD schema.
      (schema.properties as Record<string, unknown>).metadata = { type: 'object' };
      crdValidators.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, { schema: version.schema.openAPIV3Schema, validate: ajv.compile(schema) });
    }
  }
  return crdValidators;
}

function modelClass(apiVersion: string, kind: string): (new (data: unknown) => { validate(): void }) | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const pkg = group === '' ? 'kubernetes-models' : (MODEL_PACKAGES[group] ?? 'kubernetes-models');
  const path = group === '' ? `${pkg}/${version}/${kind}` : `${pkg}/${group}/${version}/${kind}`;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(path)[kind];
  } catch {
    return undefined;
  }
}

/**
 * Validates one object against its published schema; returns the problems, empty when valid.
 * CRD-backed objects also pass every CEL rule of their schema; with `old`, transition rules too.
 */
export function validateObject(object: { apiVersion: string; kind: string }, old?: unknown): string[] {
  const crd = loadCrdValidators().get(`${object.apiVersion}/${object.kind}`);
  if (crd) {
    const schemaProblems = crd.validate(object) ? [] : (crd.validate.errors ?? []).map(e => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
    return [...schemaProblems, ...celViolations(crd.schema, object, old)];
  }
  const Model = modelClass(object.apiVersion, object.kind);
  if (!Model) return [`no schema known for ${object.apiVersion} ${object.kind}`];
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
}
