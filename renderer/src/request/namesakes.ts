import { DNS1123_LABEL } from './names';

/** A database's identity on its cluster, as its directory clusters/<cluster>/postgres/<namespace>/<name> holds it. */
export interface NamespacedName {
  namespace: string;
  name: string;
}

/**
 * `<namespace>-<name>`: the part of the names every engine derives across namespaces (the Flux
 * Kustomization pg-<cluster>-<namespace>-<name>, the Argo CD Application of the same name, and a
 * shared server's tenant objects <namespace>-<name>-postgresql... in the server's namespace).
 */
export function joinedName({ namespace, name }: NamespacedName): string {
  return `${namespace}-${name}`;
}

function isLabel(value: string): boolean {
  return value.length > 0 && value.length <= 63 && DNS1123_LABEL.test(value);
}

/**
 * The other databases that would share `<namespace>-<name>` with this one: every split of that
 * text at a hyphen into two valid names, this one's excepted. A label neither starts nor ends
 * with "-", so a split next to another hyphen is never valid: at most one per hyphen, and none
 * for a text without one beside this one's own.
 */
export function namesakes(identity: NamespacedName): NamespacedName[] {
  const joined = joinedName(identity);
  const found: NamespacedName[] = [];
  for (let at = joined.indexOf('-'); at >= 0; at = joined.indexOf('-', at + 1)) {
    const namespace = joined.slice(0, at);
    const name = joined.slice(at + 1);
    if (namespace !== identity.namespace && isLabel(namespace) && isLabel(name)) found.push({ namespace, name });
  }
  return found;
}
