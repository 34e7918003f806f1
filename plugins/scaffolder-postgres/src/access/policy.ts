import { coreServices, createBackendModule, type UserInfoService } from '@backstage/backend-plugin-api';
import { catalogConditions, createCatalogConditionalDecision } from '@backstage/plugin-catalog-backend/alpha';
import { AuthorizeResult, type PolicyDecision } from '@backstage/plugin-permission-common';
import type { PermissionPolicy, PolicyQuery, PolicyQueryUser } from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { isPostgresGitopsPermission } from './permissions';

/**
 * The default rule for postgres-gitops's permissions, for a policy of the app's own to call:
 * allowed where the user or one of their groups owns the database's catalog entity (the
 * catalog's isEntityOwner rule, applied by the catalog to the entity the action names), denied
 * without a user. Undefined for any other permission. Platform groups are the platform
 * settings' grant (access.platformGroups), applied by the actions; they need no rule here.
 */
export async function postgresGitopsDecision(request: PolicyQuery, user: PolicyQueryUser | undefined, userInfo: UserInfoService): Promise<PolicyDecision | undefined> {
  const { permission } = request;
  if (!isPostgresGitopsPermission(permission)) return undefined;
  if (!user) return { result: AuthorizeResult.DENY };
  const { ownershipEntityRefs } = await userInfo.getUserInfo(user.credentials);
  return createCatalogConditionalDecision(permission, catalogConditions.isEntityOwner({ claims: ownershipEntityRefs }));
}

/** postgres-gitops's rule for its permissions, and allow for every other one (as Backstage's allow-all policy). */
export class PostgresGitopsPermissionPolicy implements PermissionPolicy {
  constructor(private readonly userInfo: UserInfoService) {}

  async handle(request: PolicyQuery, user?: PolicyQueryUser): Promise<PolicyDecision> {
    return (await postgresGitopsDecision(request, user, this.userInfo)) ?? { result: AuthorizeResult.ALLOW };
  }
}

/**
 * A permission-backend module that installs PostgresGitopsPermissionPolicy: for an app with no
 * policy of its own (it allows every permission but ours). An app with its own policy calls
 * postgresGitopsDecision from it instead; a backend has one policy.
 */
export const postgresGitopsPermissionPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'postgres-gitops-policy',
  register(env) {
    env.registerInit({
      deps: { policy: policyExtensionPoint, userInfo: coreServices.userInfo },
      async init({ policy, userInfo }) {
        policy.setPolicy(new PostgresGitopsPermissionPolicy(userInfo));
      },
    });
  },
});
