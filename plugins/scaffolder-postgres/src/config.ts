import type { Config } from '@backstage/config';
import { platformSettingsSchema, RequestValidationError, type PlatformSettings } from '@postgres-gitops/renderer';

/** app-config: `postgresGitops.platform`, `.stateStore`, `.git.author`, `.github.paceWrites`. */
export interface ModuleConfig {
  platform: PlatformSettings;
  stateStore: { repoUrl?: string; targetBranch?: string };
  author?: { name: string; email: string };
  paceGitHubWrites: boolean;
}

export function readModuleConfig(config: Config): ModuleConfig {
  const root = config.getOptionalConfig('postgresGitops');
  const parsed = platformSettingsSchema.safeParse(root?.getOptional('platform') ?? {});
  if (!parsed.success) throw RequestValidationError.fromZod(parsed.error, 'postgresGitops.platform');
  const author = root?.getOptionalConfig('git.author');
  return {
    platform: parsed.data,
    stateStore: {
      repoUrl: root?.getOptionalString('stateStore.repoUrl'),
      targetBranch: root?.getOptionalString('stateStore.targetBranch'),
    },
    author: author ? { name: author.getString('name'), email: author.getString('email') } : undefined,
    paceGitHubWrites: root?.getOptionalBoolean('github.paceWrites') ?? true,
  };
}
