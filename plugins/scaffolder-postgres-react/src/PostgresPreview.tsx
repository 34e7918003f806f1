import { useCallback, useMemo } from 'react';
import { configApiRef, useApi } from '@backstage/core-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { PreviewPanel } from './PreviewPanel';
import { platformFromConfig } from './platform';

/**
 * The scaffolder field `PostgresPreview`: put it on the last step of the form; it reads every
 * other choice from the form's context and renders them as the backend will. Its own value is a
 * one-line summary of the preview: the scaffolder validates a field only when it holds a value.
 */
export function PostgresPreview({ name, formData: value, onChange, formContext }: FieldExtensionComponentProps<string>) {
  const config = useApi(configApiRef);
  // One settings object per config, so the panel's memo holds across renders.
  const platform = useMemo(() => platformFromConfig(config), [config]);
  const { [name]: _own, ...choices } = (formContext?.formData ?? {}) as Record<string, unknown>;
  const onSummary = useCallback((summary: string) => {
    if (summary !== value) onChange(summary);
  }, [value, onChange]);
  return <PreviewPanel formData={choices} platform={platform} onSummary={onSummary} />;
}
