import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { createFormField, FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import { POSTGRES_PREVIEW_FIELD } from './field-name';

/** The field for the new frontend system, loaded when the scaffolder first shows a form. */
export const postgresPreviewFormField = FormFieldBlueprint.make({
  name: 'postgres-preview',
  params: {
    field: async () => {
      const [{ PostgresPreview }, { validatePostgresPreview }] = await Promise.all([import('./PostgresPreview'), import('./validation')]);
      return createFormField({ name: POSTGRES_PREVIEW_FIELD, component: PostgresPreview, validation: validatePostgresPreview });
    },
  },
});

/** For the new frontend system: `createApp({ features: [..., scaffolderPostgresModule] })`. */
export const scaffolderPostgresModule = createFrontendModule({
  pluginId: 'scaffolder',
  extensions: [postgresPreviewFormField],
});

export default scaffolderPostgresModule;
