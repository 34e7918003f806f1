import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { createFormField, FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';

/** The field for the new frontend system, loaded when the scaffolder first shows a form. */
export const postgresPreviewFormField = FormFieldBlueprint.make({
  name: 'postgres-preview',
  params: {
    field: async () => {
      const { PostgresPreview } = await import('./PostgresPreview');
      return createFormField({ name: 'PostgresPreview', component: PostgresPreview });
    },
  },
});

/** For the new frontend system: `createApp({ features: [..., scaffolderPostgresModule] })`. */
export const scaffolderPostgresModule = createFrontendModule({
  pluginId: 'scaffolder',
  extensions: [postgresPreviewFormField],
});

export default scaffolderPostgresModule;
