import { parse } from 'yaml';
import { renderDatabase, type Manifest, type RenderedDatabase } from '@postgres-gitops/renderer';
import { CNPG_PLATFORM } from './support/cnpg-requests';
import { validateObject } from './support/validate';

/**
 * Review 3 m1: a new statefulset database with backups was not Ready in Flux until its first
 * nightly backup. The model below is one health check of a database's Flux Kustomization right
 * after its creation, on a StorageClass with volumeBindingMode WaitForFirstConsumer (EKS gp3, GKE
 * standard-rwo, AKS managed-csi):
 *
 * - What Flux checks: fluxcd/kustomize-controller internal/controller/kustomization_controller.go
 *   checkHealth (Aug 2026): with `spec.wait` every object it applied, else the objects
 *   `spec.healthChecks` names (`wait: true` ignores `healthChecks`); Ready only when all are Current.
 * - kstatus: fluxcd/cli-utils pkg/kstatus/status/core.go (May 2026) pvcConditions: a claim in any
 *   phase but Bound is InProgress, "PVC is not Bound. phase: <phase>". The other objects are taken
 *   as rolled out (Current): the model isolates the claims.
 * - Binding: a WaitForFirstConsumer claim binds when the first pod that uses it is scheduled. The
 *   StatefulSets' pods use their data claims (`<template>-<statefulset>-<ordinal>`) and a
 *   Deployment's pods their claims from the start; a CronJob's pods only from its first schedule.
 */
type Ref = { apiVersion: string; kind: string; name: string; namespace?: string };
const key = (o: { kind: string; name: string; namespace?: string }) => `${o.kind}/${o.namespace ?? ''}/${o.name}`;
const keyOf = (m: Manifest) => key({ kind: m.kind, name: m.metadata.name, namespace: m.metadata.namespace });

function claimsInUse(manifests: Manifest[], cronJobsRan: boolean): Set<string> {
  const used = new Set<string>();
  for (const m of manifests as any[]) {
    const ns = m.metadata.namespace;
    if (m.kind === 'StatefulSet') {
      for (const t of m.spec.volumeClaimTemplates ?? []) for (let i = 0; i < m.spec.replicas; i++) used.add(key({ kind: 'PersistentVolumeClaim', name: `${t.metadata.name}-${m.metadata.name}-${i}`, namespace: ns }));
    }
    const pod = m.kind === 'CronJob' ? (cronJobsRan ? m.spec.jobTemplate.spec.template.spec : undefined) : ['StatefulSet', 'Deployment'].includes(m.kind) ? m.spec.template.spec : undefined;
    for (const v of pod?.volumes ?? []) if (v.persistentVolumeClaim) used.add(key({ kind: 'PersistentVolumeClaim', name: v.persistentVolumeClaim.claimName, namespace: ns }));
  }
  return used;
}

/** One Flux health check: Ready, or the first object that is not Current and kstatus's message. */
function healthCheck(kustomization: any, manifests: Manifest[], cronJobsRan = false): { ready: true } | { ready: false; object: string; message: string } {
  const applied = new Map(manifests.map(m => [keyOf(m), m]));
  const checked: string[] = kustomization.spec.wait ? [...applied.keys()] : (kustomization.spec.healthChecks ?? []).map((r: Ref) => key(r));
  const bound = claimsInUse(manifests, cronJobsRan);
  for (const object of checked) {
    const m = applied.get(object);
    if (!m) return { ready: false, object, message: 'NotFound' };
    if (m.kind === 'PersistentVolumeClaim' && !bound.has(object)) return { ready: false, object, message: 'PVC is not Bound. phase: Pending' };
  }
  return { ready: true };
}

const request = (name: string, spec: Record<string, unknown>, namespace = 'team-a') => ({
  apiVersion: 'postgres-gitops.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name, namespace }, spec: { cluster: 'worker-1', ...spec },
});
const fluxOf = (db: RenderedDatabase) => parse(db.files[`${db.directory}/flux-kustomization.yaml`]);
const ledger = renderDatabase(request('ledger', { engine: 'statefulset', size: 'large', replicas: 3, backup: true, restoreDrill: true, monitoring: true, ssl: true }), CNPG_PLATFORM);

describe('a new statefulset database with backups is Ready in Flux before its first backup (review 3 m1)', () => {
  const k = fluxOf(ledger);
  const backupName = 'ledger-postgresql-backup';
  const backupClaim = key({ kind: 'PersistentVolumeClaim', name: backupName, namespace: ledger.plan.namespace });

  it('its Kustomization checks every object it applies but the backup claim, and validates', () => {
    expect(validateObject(k)).toEqual([]);
    expect(k.spec.wait).toBeUndefined();
    const checked = k.spec.healthChecks.map((r: Ref) => key(r));
    expect(new Set(checked).size).toBe(checked.length);
    expect(ledger.manifests.map(keyOf).filter(o => !checked.includes(o))).toEqual([backupClaim]);
    for (const r of k.spec.healthChecks) expect(ledger.manifests.find(m => keyOf(m) === key(r))?.apiVersion).toBe(r.apiVersion);
  });

  it('is Ready right after creation; the data claims are checked and bound by their pods', () => {
    expect(healthCheck(k, ledger.manifests)).toEqual({ ready: true });
    expect(k.spec.healthChecks.filter((r: Ref) => r.kind === 'PersistentVolumeClaim').map((r: Ref) => r.name)).toEqual(
      ['data-ledger-postgresql-0', 'data-ledger-postgresql-read-0', 'data-ledger-postgresql-read-1'],
    );
  });

  it('planted: the Kustomization as rendered before (wait: true) is not Ready until the first backup ran', () => {
    const before = { ...k, spec: { ...k.spec, wait: true, healthChecks: undefined } };
    expect(healthCheck(before, ledger.manifests)).toEqual({ ready: false, object: backupClaim, message: 'PVC is not Bound. phase: Pending' });
    expect(healthCheck(before, ledger.manifests, true)).toEqual({ ready: true });
    const withClaim = { ...k, spec: { ...k.spec, healthChecks: [...k.spec.healthChecks, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: backupName, namespace: ledger.plan.namespace }] } };
    expect(healthCheck(withClaim, ledger.manifests)).toMatchObject({ ready: false, object: backupClaim });
  });

  it('every other database keeps wait: true (a tenant\'s access roles wait for its grants Job through it)', () => {
    const others = [
      renderDatabase(request('cache', { engine: 'statefulset', size: 'small', backup: false }), CNPG_PLATFORM),
      renderDatabase(request('orders', { engine: 'cloudnative-pg', backup: true }), CNPG_PLATFORM),
      renderDatabase(request('shared', { engine: 'cloudnative-pg', tenants: true, backup: false }, 'databases'), CNPG_PLATFORM),
      renderDatabase(request('billing', { server: { name: 'shared', namespace: 'databases' } }, 'team-b'), CNPG_PLATFORM),
    ];
    for (const db of others) {
      expect(fluxOf(db).spec).toMatchObject({ wait: true });
      expect(fluxOf(db).spec.healthChecks).toBeUndefined();
    }
  });
});
