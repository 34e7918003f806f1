import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { DefaultGithubCredentialsProvider, ScmIntegrations } from '@backstage/integration';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createPostgresCreateAction, createPostgresDecommissionAction, createPostgresUpdateAction } from './actions';
import { readModuleConfig } from './config';

/** Adds postgres:create, postgres:update and postgres:decommission to the scaffolder. Install with `backend.add(import('<this package>'))`. */
export const scaffolderModulePostgres = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'postgres-gitops',
  register(env) {
    env.registerInit({
      deps: { scaffolder: scaffolderActionsExtensionPoint, config: coreServices.rootConfig, catalog: catalogServiceRef },
      async init({ scaffolder, config, catalog }) {
        const integrations = ScmIntegrations.fromConfig(config);
        const settings = readModuleConfig(config);
        const shared = {
          integrations,
          githubCredentials: DefaultGithubCredentialsProvider.fromIntegrations(integrations),
          platform: settings.platform,
          stateStore: settings.stateStore,
          author: settings.author,
          paceGitHubWrites: settings.paceGitHubWrites,
          catalog,
        };
        scaffolder.addActions(createPostgresCreateAction(shared), createPostgresUpdateAction(shared), createPostgresDecommissionAction(shared));
      },
    });
  },
});
