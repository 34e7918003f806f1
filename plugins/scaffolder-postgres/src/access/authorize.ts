import type { AuthService, BackstageCredentials, PermissionsService, UserInfoService } from '@backstage/backend-plugin-api';
import { AuthorizeResult, type ResourcePermission } from '@backstage/plugin-permission-common';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { PlatformSettings } from '@postgres-gitops/renderer';
import { userError } from '../user-error';
import { fullOwnerRef } from './database-refs';
import { requesterOf, sameRef, type Requester } from './requester';

type Access = PlatformSettings['access'];

/** How the requester stands to what they act on; the pull request says it. */
export type Relation =
  | { kind: 'owner' }
  | { kind: 'member'; group: string }
  | { kind: 'platform'; group: string }
  | { kind: 'policy' }
  | { kind: 'service' }
  | { kind: 'open' };

/** What an action acts on, as the refusal and the pull request name it. */
export interface Subject {
  /** "the database", "the restore source", "the shared server", "namespace team-a". */
  what: string;
  /** Its catalog entity (a database), when it is one. */
  entityRef?: string;
}

export interface Grant {
  subject: Subject;
  relation: Relation;
  permission?: string;
}

export interface AccessServices {
  permissions: PermissionsService;
  userInfo: UserInfoService;
  auth: AuthService;
  catalog: CatalogService;
  /**
   * permission.enabled: on, the permission policy decides; off, Backstage's permissions service
   * allows every request, and the actions apply the ownership rule themselves so that an app
   * without the framework is not open to everyone.
   */
  permissionEnabled: boolean;
}

const list = (refs: string[]) => (refs.length > 0 ? refs.join(', ') : 'none');

type CatalogEntity = { metadata: { namespace?: string }; spec?: { owner?: unknown }; relations?: { type: string; targetRef: string }[] };

/** The owners of an entity as the catalog relates them (ownedBy), else as its spec.owner names them; full refs, lower case. */
function ownersOf(entity: CatalogEntity | undefined): string[] {
  if (!entity) return [];
  const related = (entity.relations ?? []).filter(r => r.type === 'ownedBy').map(r => r.targetRef.toLocaleLowerCase('en-US'));
  if (related.length > 0 || typeof entity.spec?.owner !== 'string') return related;
  return [fullOwnerRef(entity.spec.owner, entity.metadata.namespace)];
}

/** The first of `groups` the requester belongs to (or is). */
function memberOf(requester: Requester, groups: readonly string[]): string | undefined {
  return groups.find(group => requester.ownership.some(ref => sameRef(ref, group)));
}

/**
 * Who may do what, checked for the task's initiator before anything is written: ownership read
 * from the catalog with the initiator's credentials and decided by the permission policy, the
 * platform groups of the settings, namespace owners and shared-server tenants.
 */
export class AccessControl {
  constructor(private readonly services: AccessServices) {}

  requester(credentials: BackstageCredentials): Promise<Requester> {
    return requesterOf(credentials, this.services);
  }

  private platformGroup(requester: Requester, access: Access): Relation | undefined {
    const group = memberOf(requester, access.platformGroups);
    return group ? { kind: 'platform', group } : undefined;
  }

  /**
   * May the requester do `permission` on a database (or a source, or a server)? Allowed when the
   * permission policy allows it (Backstage's framework, with the catalog's isEntityOwner rule in
   * our default policy) or, with the framework off, when they own it or belong to its owning
   * group; and always for platform groups. `storedOwner` is the owner the state store's
   * request.yaml names: a catalog entity that claims another owner is refused (another location
   * registering an entity of that name must not lend its owner to the database).
   */
  async onDatabase(requester: Requester, permission: ResourcePermission<'catalog-entity'>, subject: Required<Subject>, access: Access, storedOwner?: string, otherRule?: string): Promise<Grant> {
    const grant = (relation: Relation): Grant => ({ subject, relation, permission: permission.name });
    const refuse = (why: string) => userError(`${permission.name}: refused: ${why}${otherRule ? `; ${otherRule}` : ''}. Nothing was written`);
    const { credentials } = requester;
    const entity = requester.kind === 'none' ? undefined : await this.services.catalog.getEntityByRef(subject.entityRef, { credentials });
    const owners = ownersOf(entity);
    if (entity && storedOwner && !owners.some(owner => sameRef(owner, storedOwner))) {
      throw refuse(`the catalog says ${subject.what} ${subject.entityRef} is owned by ${list(owners)}, its request.yaml in the state store says ${storedOwner}; until they agree no owner can be trusted (is another location registering an entity of that name?)`);
    }
    const own = owners.find(owner => sameRef(owner, requester.ref)) ? ({ kind: 'owner' } as const) : undefined;
    const group = memberOf(requester, owners);
    const natural: Relation | undefined = own ?? (group ? { kind: 'member', group } : undefined);
    const platform = this.platformGroup(requester, access);

    let allowed: boolean;
    if (requester.kind === 'none') allowed = false;
    else if (this.services.permissionEnabled || requester.kind === 'service') {
      const [decision] = await this.services.permissions.authorize([{ permission, resourceRef: subject.entityRef }], { credentials });
      allowed = decision.result === AuthorizeResult.ALLOW;
    } else allowed = natural !== undefined;

    if (allowed) return grant(natural ?? platform ?? (requester.kind === 'service' ? { kind: 'service' } : { kind: 'policy' }));
    if (platform) return grant(platform);
    const platformText = `nor in a platform group (access.platformGroups: ${list(access.platformGroups)})`;
    if (!entity) {
      throw refuse(`${subject.what} ${subject.entityRef} is not in the catalog${requester.kind === 'user' ? ' as ' + requester.ref + ' sees it' : ''} (not merged or not registered yet), so its owner cannot be checked; ${requester.ref} is not ${platformText}`);
    }
    const policy = this.services.permissionEnabled && natural ? ` ${requester.ref} ${natural.kind === 'owner' ? 'owns it' : `is a member of ${group}, its owner`}, but the permission policy denies it` : '';
    throw refuse(
      policy
        ? `${subject.what} ${subject.entityRef}:${policy}`
        : `${subject.what} ${subject.entityRef} is owned by ${list(owners)}; ${requester.ref} is not that owner, not a member of it, ${platformText}`,
    );
  }

  /**
   * May the requester create a database in `namespace`? The settings map namespaces to their
   * owning groups; with none mapped, every namespace is open (as before the settings existed).
   */
  inNamespace(requester: Requester, namespace: string, access: Access): Grant {
    const subject = { what: `namespace ${namespace}` };
    const mapped = Object.keys(access.namespaces);
    if (mapped.length === 0) return { subject, relation: { kind: 'open' } };
    const owners = access.namespaces[namespace];
    const group = owners && memberOf(requester, owners);
    if (group) return { subject, relation: sameRef(group, requester.ref) ? { kind: 'owner' } : { kind: 'member', group } };
    const platform = this.platformGroup(requester, access);
    if (platform) return { subject, relation: platform };
    const platformText = `platform groups (access.platformGroups: ${list(access.platformGroups)})`;
    throw userError(
      owners
        ? `namespace: refused: namespace "${namespace}" is owned by ${list(owners)} (access.namespaces); ${requester.ref} is not a member of it, nor of the ${platformText}. Nothing was written`
        : `namespace: refused: namespace "${namespace}" has no owner in the platform settings (access.namespaces maps ${mapped.join(', ')}); only ${platformText} may create databases there. Nothing was written`,
    );
  }

  /**
   * May a tenant of the requester land on this shared server? When the settings list the
   * requester's group for it, or as for any database: its owner, the policy, a platform group.
   */
  async onServer(requester: Requester, permission: ResourcePermission<'catalog-entity'>, server: { key: string; entityRef: string }, access: Access, storedOwner?: string): Promise<Grant> {
    const subject = { what: `the shared server ${server.key}`, entityRef: server.entityRef };
    const listed = access.sharedServers[server.key] ?? [];
    const group = memberOf(requester, listed);
    if (group) return { subject, relation: { kind: 'member', group }, permission: `access.sharedServers["${server.key}"]` };
    return this.onDatabase(requester, permission, subject, access, storedOwner, `and access.sharedServers["${server.key}"] takes the tenants of ${list(listed)}`);
  }
}
