import { configApiRef, useApi } from '@backstage/core-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { DEFAULT_PLATFORM, platformSettingsSchema, type PlatformSettings } from '@postgres-gitops/renderer';
import { PreviewPanel } from './PreviewPanel';

/** The platform settings the backend renders with (app-config `postgresGitops.platform`), so the preview matches the pull request. */
function usePlatform(): PlatformSettings {
  const config = useApi(configApiRef);
  const parsed = platformSettingsSchema.safeParse(config.getOptional('postgresGitops.platform') ?? {});
  return parsed.success ? parsed.data : DEFAULT_PLATFORM;
}

/**
 * The scaffolder field `PostgresPreview`: put it on the last step of the form; it reads every
 * other choice from the form's context and renders them as the backend will.
 */
export function PostgresPreview(props: FieldExtensionComponentProps<string>) {
  const platform = usePlatform();
  const formData = (props.formContext?.formData ?? {}) as Record<string, unknown>;
  return <PreviewPanel formData={formData} platform={platform} />;
}
