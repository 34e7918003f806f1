import { sha256Hex } from '../hash';

/** A Flux Kustomization's name labels every object it applies (kustomize.toolkit.fluxcd.io/name): at most 63 characters. */
const MAX_NAME = 63;

/**
 * The Argo CD Application of a database directory, as the ApplicationSet's template names it
 * (wiring/argo.ts fills in its Go template's placeholders): never shortened.
 */
export function argoApplicationName(cluster: string, namespace: string, name: string): string {
  return `pg-${cluster}-${namespace}-${name}`;
}

/**
 * `pg-<cluster>-<namespace>-<name>` (as the Argo CD Applications are named), shortened with a
 * digest when too long. `part` names a second Kustomization of the same database
 * (`….access`): a dot, which no database's name has (a DNS label), so it never meets another
 * database's name (`orders-access` beside `orders`).
 */
export function fluxKustomizationName(cluster: string, namespace: string, name: string, part?: 'access'): string {
  const suffix = part ? `.${part}` : '';
  const full = argoApplicationName(cluster, namespace, name);
  if (full.length + suffix.length <= MAX_NAME) return `${full}${suffix}`;
  const digest = sha256Hex(`${cluster}/${namespace}/${name}`).slice(0, 8);
  return `${full.slice(0, MAX_NAME - suffix.length - digest.length - 1).replace(/-+$/, '')}-${digest}${suffix}`;
}
