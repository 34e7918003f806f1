import { argoApplicationName, fluxKustomizationName } from '../layout/flux-kustomization';
import type { RenderedDatabase } from '../layout/layout';
import { REQUEST_FILE } from '../layout/paths';

export interface NameCollisionIssue {
  /** The request.yaml of the later of the two databases (in byte order of their directories). */
  path: string;
  problem: string;
}

/**
 * The objects a database names across namespaces, which must be its own on its cluster: its Flux
 * Kustomization (one namespace for every database), its Argo CD Application (the ApplicationSet's
 * one list), and a shared server's tenant objects in the server's namespace.
 */
function sharedObjects(db: RenderedDatabase): string[] {
  const { plan } = db;
  const { cluster } = plan.spec;
  const objects = [
    `Flux Kustomization ${plan.platform.flux.namespace}/${fluxKustomizationName(cluster, plan.namespace, plan.name)}`,
    `Argo CD Application ${argoApplicationName(cluster, plan.namespace, plan.name)}`,
  ];
  if (plan.engine === 'shared-server') objects.push(`tenant objects ${plan.server.namespace}/${plan.names.database}...`);
  return objects;
}

/**
 * Any two databases of a cluster that name the same object: `team/b-billing` and `team-b/billing`
 * both make `team-b-billing`. kustomize then refuses to build the cluster's root Kustomization
 * ("may not add resource with an already registered id", api/resmap/reswrangler.go Append), so
 * no database of the cluster gets a new Kustomization; Argo CD's ApplicationSet refuses the second
 * Application ("contains applications with duplicate name", applicationset_controller.go
 * validateGeneratedApplications); two
 * tenants take over each other's objects in the server's namespace. Over every database of a
 * state store, as `postgres-gitops verify` reads it. Renaming either database would make Flux prune
 * what it applied, so the problem says so.
 */
export function nameCollisionIssues(databases: RenderedDatabase[]): NameCollisionIssue[] {
  const owners = new Map<string, RenderedDatabase>();
  const pairs = new Map<string, { first: RenderedDatabase; second: RenderedDatabase; objects: string[] }>();
  const sorted = [...databases].sort((a, b) => (a.directory < b.directory ? -1 : a.directory > b.directory ? 1 : 0));
  for (const db of sorted) {
    for (const object of sharedObjects(db)) {
      const key = `${db.plan.spec.cluster}\0${object}`;
      const first = owners.get(key);
      if (!first) {
        owners.set(key, db);
        continue;
      }
      const pairKey = `${first.directory}\0${db.directory}`;
      const pair = pairs.get(pairKey) ?? { first, second: db, objects: [] };
      pair.objects.push(object);
      pairs.set(pairKey, pair);
    }
  }
  return [...pairs.values()].map(({ first, second, objects }) => ({
    path: `${second.directory}/${REQUEST_FILE}`,
    problem:
      `metadata.name: ${second.plan.namespace}/${second.plan.name} and ${first.plan.namespace}/${first.plan.name} (${first.directory}/) on ${second.plan.spec.cluster} name the same ${objects.join(', ')}: ` +
      `<metadata.namespace>-<metadata.name> must be unique on a cluster. Do not rename either directory (Flux would prune what it applied); retire one and create it again under another name`,
  }));
}
