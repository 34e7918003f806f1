import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { ANNOTATION_STATE_PATH, parseDatabaseDirectory } from '@postgres-gitops/renderer';
import { assertEntityOfDirectory, userError } from '../shared';

/**
 * The database a catalog entity (picked with EntityPicker in the form) stands for, as the
 * request's restore source: its state-store directory names its cluster, namespace and name.
 */
export async function restoreSourceOf(
  entityRef: string,
  catalog: CatalogService | undefined,
  credentials: BackstageCredentials,
): Promise<{ from: string; namespace: string; cluster: string }> {
  if (!catalog) throw userError('restoreFrom: this backend has no catalog to look the database up in; give restore.from instead');
  const entity = await catalog.getEntityByRef(entityRef, { credentials });
  if (!entity) throw userError(`restoreFrom: no entity ${entityRef} in the catalog`);
  const path = entity.metadata.annotations?.[ANNOTATION_STATE_PATH] ?? '';
  const directory = parseDatabaseDirectory(path);
  if (!directory) throw userError(`restoreFrom: ${entityRef} is not a database of this state store (no ${ANNOTATION_STATE_PATH} annotation)`);
  assertEntityOfDirectory('restoreFrom', entityRef, path);
  return { from: directory.name, namespace: directory.namespace, cluster: directory.cluster };
}
