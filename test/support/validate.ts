import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

/** The CRDs the npm model packages do not cover, from ../shared/crds (upstream files, unchanged). */
const CRD_DIR = join(__dirname, '..', '..', '..', 'shared', 'crds');
const CRD_FILES = [
  'external-secrets.io_externalsecrets.yaml',
  'generators.external-secrets.io_passwords.yaml',
  'postgresql.cnpg.io_clusters.yaml',
  'postgresql.cnpg.io_poolers.yaml',
  'postgresql.cnpg.io_scheduledbackups.yaml',
  'postgresql.cnpg.io_backups.yaml',
  'postgresql.cnpg.io_databases.yaml',
  'barmancloud.cnpg.io_objectstores.yaml',
];

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

let crdValidators: Map<string, ValidateFunction> | undefined;

function loadCrdValidators(): Map<string, ValidateFunction> {
  if (crdValidators) return crdValidators;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  crdValidators = new Map();
  for (const file of CRD_FILES) {
    const crd = parse(readFileSync(join(CRD_DIR, file), 'utf8'));
    for (const version of crd.spec.versions) {
      if (!version.served) continue;
      const schema = closeSchema(version.schema.openAPIV3Schema);
      // apiVersion, kind and metadata are validated by the API server, not the CRD schema.
      (schema.properties as Record<string, unknown>).metadata = { type: 'object' };
      crdValidators.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, ajv.compile(schema));
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

/** Validates one object against its published schema; returns the problems, empty when valid. */
export function validateObject(object: { apiVersion: string; kind: string }): string[] {
  const crd = loadCrdValidators().get(`${object.apiVersion}/${object.kind}`);
  if (crd) {
    return crd(object) ? [] : (crd.errors ?? []).map(e => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
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
