import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { ANNOTATION_STATE_PATH, parseDatabaseDirectory } from '@postgres-gitops/renderer';

/**
 * The database a catalog entity (picked with EntityPicker in the form) stands for, as the
 * request's restore source: its state-store directory names its cluster, namespace and name.
 */
export async function restoreSourceOf(
  entityRef: string,
  catalog: CatalogService | undefined,
  credentials: BackstageCredentials,
): Promise<{ from: string; namespace: string; cluster: string }> {
  if (!catalog) throw new InputError('restoreFrom: this backend has no catalog to look the database up in; give restore.from instead');
  const entity = await catalog.getEntityByRef(entityRef, { credentials });
  if (!entity) throw new InputError(`restoreFrom: no entity ${entityRef} in the catalog`);
  const directory = parseDatabaseDirectory(entity.metadata.annotations?.[ANNOTATION_STATE_PATH] ?? '');
  if (!directory) throw new InputError(`restoreFrom: ${entityRef} is not a database of this state store (no ${ANNOTATION_STATE_PATH} annotation)`);
  return { from: directory.name, namespace: directory.namespace, cluster: directory.cluster };
}
