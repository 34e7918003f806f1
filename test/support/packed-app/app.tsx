// What an app writes with our packages, as the README says it: type-checked by the app's own
// strict compiler settings (@backstage/cli's tsconfig, `tsc --skipLibCheck false` as tsc:full).
import { createBackend } from '@backstage/backend-defaults';
import { ScaffolderFieldExtensions } from '@backstage/plugin-scaffolder-react';
import scaffolderPostgresModule from '@postgres-gitops/backstage-plugin-scaffolder-postgres-react/alpha';
import { PostgresPreviewFieldExtension } from '@postgres-gitops/backstage-plugin-scaffolder-postgres-react';
import { scaffolderModulePostgres } from '@postgres-gitops/backstage-plugin-scaffolder-backend-module-postgres';
import { parseYamlInput, renderDatabase } from '@postgres-gitops/renderer';

// packages/backend/src/index.ts
const backend = createBackend();
backend.add(import('@postgres-gitops/backstage-plugin-scaffolder-backend-module-postgres'));
backend.add(scaffolderModulePostgres);

// packages/app (new frontend system): createApp({ features: [scaffolderPostgresModule] })
export const features = [scaffolderPostgresModule];

// packages/app (legacy frontend system), inside the /create route
export const fieldExtensions = (
  <ScaffolderFieldExtensions>
    <PostgresPreviewFieldExtension />
  </ScaffolderFieldExtensions>
);

export const rendered = renderDatabase(parseYamlInput('apiVersion: postgres-gitops.dev/v1alpha1\nkind: PostgreSQL\nmetadata: { name: orders }\n', 'request.yaml'));
