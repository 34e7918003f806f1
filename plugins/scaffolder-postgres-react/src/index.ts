import { createPlugin } from '@backstage/core-plugin-api';
import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import { PostgresPreview } from './PostgresPreview';
import { validatePostgresPreview } from './validation';
import { POSTGRES_PREVIEW_FIELD } from './field-name';

export { POSTGRES_PREVIEW_FIELD } from './field-name';
export { PostgresPreview } from './PostgresPreview';
export { PreviewPanel, previewSummary, type PreviewPanelProps } from './PreviewPanel';
export { validatePostgresPreview } from './validation';

const postgresGitopsPlugin = createPlugin({ id: 'postgres-gitops' });

/**
 * For the legacy frontend system: put it inside `<ScaffolderFieldExtensions>` of the
 * `/create` route in App.tsx.
 */
export const PostgresPreviewFieldExtension = postgresGitopsPlugin.provide(
  createScaffolderFieldExtension({ name: POSTGRES_PREVIEW_FIELD, component: PostgresPreview, validation: validatePostgresPreview }),
);
