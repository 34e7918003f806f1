import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { DefaultGithubCredentialsProvider, ScmIntegrations } from '@backstage/integration';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { AccessControl } from './access/authorize';
import { postgresGitopsPermissions } from './access/permissions';
import { createPostgresCreateAction, createPostgresDecommissionAction, createPostgresUpdateAction } from './actions';
import { readModuleConfig } from './config';

/** Adds postgres:create, postgres:update and postgres:decommission to the scaffolder. Install with `backend.add(import('<this package>'))`. */
export const scaffolderModulePostgres = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'postgres-gitops',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        catalog: catalogServiceRef,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        userInfo: coreServices.userInfo,
        auth: coreServices.auth,
      },
      async init({ scaffolder, config, catalog, permissions, permissionsRegistry, userInfo, auth }) {
        const integrations = ScmIntegrations.fromConfig(config);
        const settings = readModuleConfig(config, integrations);
        // Listed in the scaffolder's permission metadata, so policy tooling can offer them.
        permissionsRegistry.addPermissions(postgresGitopsPermissions);
        const shared = {
          integrations,
          githubCredentials: DefaultGithubCredentialsProvider.fromIntegrations(integrations),
          platform: settings.platform,
          stateStore: settings.stateStore,
          author: settings.author,
          paceGitHubWrites: settings.paceGitHubWrites,
          requireScmUserCredentials: settings.requireScmUserCredentials,
          catalog,
          access: new AccessControl({ permissions, userInfo, auth, catalog, permissionEnabled: settings.permissionEnabled }),
        };
        scaffolder.addActions(createPostgresCreateAction(shared), createPostgresUpdateAction(shared), createPostgresDecommissionAction(shared));
      },
    });
  },
});
