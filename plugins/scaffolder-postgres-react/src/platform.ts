import type { Config } from '@backstage/config';
import { DEFAULT_PLATFORM, platformSettingsSchema, type PlatformSettings } from '@postgres-gitops/renderer';

/** The platform settings the backend renders with (app-config `postgresGitops.platform`), so the preview matches the pull request. */
export function platformFromConfig(config: Config | undefined): PlatformSettings {
  const parsed = platformSettingsSchema.safeParse(config?.getOptional('postgresGitops.platform') ?? {});
  return parsed.success ? parsed.data : DEFAULT_PLATFORM;
}
