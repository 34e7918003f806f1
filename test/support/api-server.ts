import { parse } from 'yaml';
import { PROTECT_FROM_PRUNING } from '../../renderer/src/plan/labels';
import { validateObject } from './validate';

/**
 * What the Kubernetes API server does with an update GitOps applies, as a model (no API server
 * runs here). For each object that exists before and after, the update rules of its kind; for
 * each object that goes, whether a prune would delete data. From Kubernetes v1.32 to v1.35:
 *
 * - StatefulSet: no spec field may change but replicas, ordinals, template, updateStrategy,
 *   revisionHistoryLimit, persistentVolumeClaimRetentionPolicy and minReadySeconds ("updates to
 *   statefulset spec for fields other than ... are forbidden": pkg/apis/apps/validation/
 *   validation.go ValidateStatefulSetUpdate, compared with apiequality.Semantic.DeepEqual, so
 *   1Gi equals 1024Mi). The volumeClaimTemplates above all: KEP-4650 (updating them) is not in
 *   any release (kubernetes/enhancements#4650).
 * - Deployment, ReplicaSet, DaemonSet, Job: spec.selector is immutable (apps/v1 and batch/v1
 *   ValidateDeploymentUpdate and friends); a Job's template too (ValidateJobUpdate). A CronJob's
 *   jobTemplate may change (pkg/apis/batch/validation ValidateCronJobUpdate checks the new spec only).
 * - Service: spec.clusterIP (and clusterIPs) never change once set or allocated, "None" (headless)
 *   included (pkg/apis/core/validation/validation.go ValidateServiceUpdate); a type change to or
 *   from ExternalName must clear or set it, which a kept clusterIP forbids.
 * - PersistentVolumeClaim: the spec is immutable after creation except resources.requests and
 *   volumeAttributesClassName for bound claims, and the storage request may not go down
 *   (ValidatePersistentVolumeClaimUpdate). A claim the StatefulSet controller created from a claim
 *   template (`<template>-<statefulset>-<ordinal>`) is a live object too: a claim rendered later
 *   under that name updates it.
 * - ConfigMap and Secret marked immutable: data never changes (ValidateConfigMapUpdate).
 * - RoleBinding, ClusterRoleBinding: roleRef never changes (pkg/apis/rbac/validation ValidateRoleBindingUpdate).
 * - Custom resources: the CRD's schema and every x-kubernetes-validations rule, transition rules
 *   (oldSelf) against the old object (validate.ts, cel.ts).
 * - A removed object whose deletion deletes data (HOLDS_DATA) must carry the prune protection of
 *   Flux (kustomize.toolkit.fluxcd.io/prune: disabled) and Argo CD (Prune=false), or the GitOps
 *   prune deletes it (and with a Namespace, everything in it).
 */
export type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string> }; spec?: any; data?: unknown; immutable?: boolean; roleRef?: unknown };

/**
 * Kinds whose deletion deletes data: a claim (its volume, under the usual Delete reclaim policy),
 * a Namespace (everything in it), a CloudNativePG Cluster (it owns its claims). Credentials are
 * not data here: our ExternalSecrets orphan their Secrets (creationPolicy Orphan), and a retired
 * tenant's credentials go on purpose.
 */
const HOLDS_DATA = new Set(['PersistentVolumeClaim', 'Namespace', 'Cluster']);
const STATEFULSET_MUTABLE = ['replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** A resource quantity's value (k8s.io/apimachinery/pkg/api/resource), or undefined when it is none. */
export function quantityValue(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const m = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?$/.exec(value);
  if (!m) return undefined;
  return Number(m[1]) * (BINARY[m[2] ?? ''] ?? DECIMAL[m[2] ?? '']);
}

/** apiequality.Semantic.DeepEqual as far as rendered objects need it: key order ignored, quantities by value. */
export function semanticEqual(a: unknown, b: unknown, key = ''): boolean {
  if (a === b) return true;
  if (['storage', 'cpu', 'memory'].includes(key)) {
    const [qa, qb] = [quantityValue(a), quantityValue(b)];
    if (qa !== undefined && qb !== undefined) return qa === qb;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => semanticEqual(v, b[i]));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).filter(k => (a as any)[k] !== undefined);
    const kb = Object.keys(b).filter(k => (b as any)[k] !== undefined);
    return ka.length === kb.length && ka.every(k => semanticEqual((a as any)[k], (b as any)[k], k));
  }
  return false;
}

const without = (o: Record<string, unknown> | undefined, keys: string[]) => Object.fromEntries(Object.entries(o ?? {}).filter(([k]) => !keys.includes(k)));
const group = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');
const identity = (o: Obj) => `${group(o.apiVersion)}/${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** The claim templates' part a claim is made of: the template without type, status and the per-claim name. */
function claimFromTemplate(template: Obj, name: string, namespace: string | undefined): Obj {
  return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace }, spec: template.spec };
}

/** Why the API server refuses updating `old` to `next` (same kind, namespace and name); empty when it accepts it. */
export function updateRefusals(old: Obj, next: Obj): string[] {
  const what = identity(next);
  const refuse = (rule: string) => `${what}: ${rule}`;
  const problems: string[] = [];
  const [a, b] = [old.spec ?? {}, next.spec ?? {}];
  switch (next.kind) {
    case 'StatefulSet': {
      const strip = (spec: any) => ({ ...without(spec, STATEFULSET_MUTABLE), volumeClaimTemplates: (spec.volumeClaimTemplates ?? []).map((t: any) => without(t, ['apiVersion', 'kind', 'status'])) });
      if (!semanticEqual(strip(a), strip(b))) {
        const fields = Object.keys({ ...a, ...b }).filter(k => !STATEFULSET_MUTABLE.includes(k) && !semanticEqual(strip(a)[k as never], strip(b)[k as never]));
        problems.push(refuse(`spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden (changed: ${fields.join(', ')})`));
      }
      break;
    }
    case 'Deployment':
    case 'ReplicaSet':
    case 'DaemonSet':
      if (!semanticEqual(a.selector, b.selector)) problems.push(refuse('spec.selector: field is immutable'));
      break;
    case 'Job':
      if (!semanticEqual(a.selector, b.selector)) problems.push(refuse('spec.selector: field is immutable'));
      if (!semanticEqual(a.template, b.template)) problems.push(refuse('spec.template: field is immutable'));
      break;
    case 'Service': {
      const ip = (spec: any) => spec.clusterIP ?? (spec.type === 'ExternalName' ? undefined : '(allocated)');
      if (ip(a) !== undefined && ip(a) !== ip(b) && (b.type ?? 'ClusterIP') !== 'ExternalName') problems.push(refuse(`spec.clusterIPs[0]: Invalid value: ${ip(b) ?? '(unset)'}: may not change once set (was ${ip(a)})`));
      if ((a.type ?? 'ClusterIP') !== (b.type ?? 'ClusterIP') && [a.type, b.type].includes('ExternalName') && b.clusterIP && b.clusterIP === a.clusterIP) problems.push(refuse('spec.clusterIP: a type change to or from ExternalName must clear or set clusterIP'));
      break;
    }
    case 'PersistentVolumeClaim': {
      const strip = (spec: any) => ({ ...without(spec, ['volumeAttributesClassName']), resources: without(spec.resources, ['requests']) });
      if (!semanticEqual(strip(a), strip(b))) problems.push(refuse('spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'));
      const [from, to] = [quantityValue(a.resources?.requests?.storage), quantityValue(b.resources?.requests?.storage)];
      if (from !== undefined && to !== undefined && to < from) problems.push(refuse('spec.resources.requests.storage: Forbidden: field can not be less than previous value'));
      break;
    }
    case 'ConfigMap':
    case 'Secret':
      if (old.immutable === true && (next.immutable !== true || !semanticEqual(old.data, next.data))) problems.push(refuse('data: Forbidden: field is immutable when `immutable` is set'));
      break;
    case 'RoleBinding':
    case 'ClusterRoleBinding':
      if (!semanticEqual(old.roleRef, next.roleRef)) problems.push(refuse('roleRef: Invalid value: cannot change roleRef'));
      break;
    default:
      if (next.apiVersion.includes('.')) {
        // A custom resource (or an add-on's kind): its CRD's schema and CEL rules, transition rules against the old object.
        const celProblems = validateObject(next, old).filter(p => !p.startsWith('no schema known'));
        problems.push(...celProblems.map(p => refuse(p)));
      }
  }
  return problems;
}

const protectedFromPrune = (o: Obj) => {
  const annotations = o.metadata.annotations ?? {};
  return Object.entries(PROTECT_FROM_PRUNING).every(([k, v]) => annotations[k] === v);
};

/**
 * Applying the objects `after` where `before` runs, as a GitOps apply with pruning does: every
 * update the API server refuses, and every object holding data that the prune would delete.
 */
export function applyRefusals(before: Obj[], after: Obj[]): string[] {
  const live = new Map(before.map(o => [identity(o), o]));
  // The claims the StatefulSet controller made from the templates (one per ordinal), which a rendered claim of that name updates.
  for (const sts of before.filter(o => o.kind === 'StatefulSet')) {
    for (const template of (sts.spec?.volumeClaimTemplates ?? []) as Obj[]) {
      for (let ordinal = 0; ordinal < (sts.spec?.replicas ?? 1); ordinal++) {
        const claim = claimFromTemplate(template, `${template.metadata.name}-${sts.metadata.name}-${ordinal}`, sts.metadata.namespace);
        if (!live.has(identity(claim))) live.set(identity(claim), claim);
      }
    }
  }
  const refusals: string[] = [];
  const next = new Set(after.map(identity));
  for (const o of after) {
    const old = live.get(identity(o));
    if (old) refusals.push(...updateRefusals(old, o));
  }
  for (const o of before) {
    if (!next.has(identity(o)) && HOLDS_DATA.has(o.kind) && !protectedFromPrune(o)) refusals.push(`${identity(o)}: removed without prune protection: a GitOps prune deletes it and what it holds`);
  }
  return refusals;
}

const NOT_APPLIED = /(^|\/)(request|catalog-info|kustomization|platform)\.yaml$/;

/** The objects of a state store's files (one per file), grouped by the worker cluster that applies them. */
export function objectsByCluster(files: Record<string, string>): Map<string, Obj[]> {
  const clusters = new Map<string, Obj[]>();
  for (const [path, text] of Object.entries(files)) {
    const cluster = /^clusters\/([^/]+)\//.exec(path)?.[1];
    if (!cluster || !path.endsWith('.yaml') || NOT_APPLIED.test(path)) continue;
    const o = parse(text) as Obj | null;
    if (!o?.kind || !o.metadata?.name) continue;
    clusters.set(cluster, [...(clusters.get(cluster) ?? []), o]);
  }
  return clusters;
}

/** applyRefusals per worker cluster, for a state store's files before and after a change. */
export function storeChangeRefusals(before: Record<string, string>, after: Record<string, string>): string[] {
  const [a, b] = [objectsByCluster(before), objectsByCluster(after)];
  return [...new Set([...a.keys(), ...b.keys()])].sort().flatMap(cluster => applyRefusals(a.get(cluster) ?? [], b.get(cluster) ?? []).map(r => `clusters/${cluster}: ${r}`));
}
