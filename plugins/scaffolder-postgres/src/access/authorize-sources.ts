import { importSourceDirectory, parseDatabaseDirectory, restoreSourceDirectory, sharedServerDirectory, type PlatformSettings, type World } from '@postgres-gitops/renderer';
import type { AccessControl, Grant } from './authorize';
import { databaseEntityRef, storedOwner } from './database-refs';
import { postgresDatabaseImportPermission, postgresDatabaseRestorePermission, postgresServerTenantPermission } from './permissions';
import type { Requester } from './requester';

/** The part of a request that names other databases. */
type Request = Parameters<typeof restoreSourceDirectory>[0];

/**
 * The other databases a request reaches into: a restore copies its source's data, an import
 * dumps its source, a tenant lands on a server. Each needs the requester's right to it; what an
 * earlier request of the same database already named was checked when it was asked for.
 */
export async function authorizeSources(access: AccessControl, requester: Requester, request: Request, platform: PlatformSettings, world: World, previous?: Request): Promise<Grant[]> {
  const settings = platform.access;
  const grants: Grant[] = [];
  const isNew = (directoryOf: (r: Request) => string | undefined) => {
    const directory = directoryOf(request);
    return directory && directory !== (previous && directoryOf(previous)) ? directory : undefined;
  };
  const restore = isNew(restoreSourceDirectory);
  if (restore) {
    grants.push(await access.onDatabase(requester, postgresDatabaseRestorePermission, { what: 'the restore source', entityRef: databaseEntityRef(restore) }, settings, storedOwner(world.restoreSource, platform)));
  }
  const imported = isNew(importSourceDirectory);
  if (imported) {
    grants.push(await access.onDatabase(requester, postgresDatabaseImportPermission, { what: 'the import source', entityRef: databaseEntityRef(imported) }, settings, storedOwner(world.importSource, platform)));
  }
  const server = isNew(sharedServerDirectory);
  if (server) {
    const { cluster, namespace, name } = parseDatabaseDirectory(server)!;
    const key = `${cluster}/${namespace}/${name}`;
    grants.push(await access.onServer(requester, postgresServerTenantPermission, { key, entityRef: databaseEntityRef(server) }, settings, storedOwner(world.server, platform)));
  }
  return grants;
}
