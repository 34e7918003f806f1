import { createPlugin } from '@backstage/core-plugin-api';
import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import { PostgresPreview } from './PostgresPreview';

export { PostgresPreview } from './PostgresPreview';
export { PreviewPanel, type PreviewPanelProps } from './PreviewPanel';

/** The field's name, as templates write it: `ui:field: PostgresPreview`. */
export const POSTGRES_PREVIEW_FIELD = 'PostgresPreview';

const postgresGitopsPlugin = createPlugin({ id: 'postgres-gitops' });

/**
 * For the legacy frontend system: put it inside `<ScaffolderFieldExtensions>` of the
 * `/create` route in App.tsx.
 */
export const PostgresPreviewFieldExtension = postgresGitopsPlugin.provide(
  createScaffolderFieldExtension({ name: POSTGRES_PREVIEW_FIELD, component: PostgresPreview }),
);
