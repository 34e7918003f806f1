import type { Config } from '@backstage/config';
import type { ScmIntegrationRegistry } from '@backstage/integration';
import { platformSettingsSchema, RequestValidationError, type PlatformSettings } from '@postgres-gitops/renderer';
import { assertConfiguredStateStores, type StateStores } from './state-stores';

/**
 * app-config: `postgresGitops.platform`, `.stateStore` (repoUrl, allowedRepoUrls, targetBranch),
 * `.git.author`, `.github.paceWrites`; and Backstage's own `permission.enabled` and
 * `scaffolder.requireScmUserCredentials`.
 */
export interface ModuleConfig {
  platform: PlatformSettings;
  stateStore: StateStores & { targetBranch?: string };
  author?: { name: string; email: string };
  paceGitHubWrites: boolean;
  /** Backstage's permission framework is on: the policy decides (off, the permissions service allows everything). */
  permissionEnabled: boolean;
  /** The scaffolder's rule that mutations of GitHub and GitLab run with the user's own token. */
  requireScmUserCredentials: boolean;
}

export function readModuleConfig(config: Config, integrations: ScmIntegrationRegistry): ModuleConfig {
  const root = config.getOptionalConfig('postgresGitops');
  const parsed = platformSettingsSchema.safeParse(root?.getOptional('platform') ?? {});
  if (!parsed.success) throw RequestValidationError.fromZod(parsed.error, 'postgresGitops.platform');
  const author = root?.getOptionalConfig('git.author');
  const repoUrl = root?.getOptionalString('stateStore.repoUrl');
  const allowed = [...new Set([...(repoUrl ? [repoUrl] : []), ...(root?.getOptionalStringArray('stateStore.allowedRepoUrls') ?? [])])];
  const stateStore = { repoUrl, allowed, targetBranch: root?.getOptionalString('stateStore.targetBranch') };
  assertConfiguredStateStores(stateStore, integrations);
  return {
    platform: parsed.data,
    stateStore,
    author: author ? { name: author.getString('name'), email: author.getString('email') } : undefined,
    paceGitHubWrites: root?.getOptionalBoolean('github.paceWrites') ?? true,
    // The same reads as Backstage's ServerPermissionClient.fromConfig (plugin-permission-node 0.11.6)
    // and the scaffolder's GitHub module (plugin-scaffolder-backend-module-github 0.10.0, module.ts).
    permissionEnabled: config.getOptionalBoolean('permission.enabled') ?? false,
    requireScmUserCredentials: config.getOptionalBoolean('scaffolder.requireScmUserCredentials') ?? false,
  };
}
