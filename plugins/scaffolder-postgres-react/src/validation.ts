import { configApiRef } from '@backstage/core-plugin-api';
import type { CustomFieldValidator } from '@backstage/plugin-scaffolder-react';
import { previewDatabase } from '@postgres-gitops/renderer';
import { platformFromConfig } from './platform';

/**
 * The Preview step does not advance while the renderer refuses the form's choices: each refusal,
 * under the field it names, is the step's error, so Review and Create are never reached with a
 * request the action would refuse.
 */
export const validatePostgresPreview: CustomFieldValidator<string> = (_value, validation, context) => {
  const preview = previewDatabase(context.formData, platformFromConfig(context.apiHolder.get(configApiRef)));
  if (preview.ok) return;
  for (const issue of preview.issues) validation.addError(`${issue.field}: ${issue.message}`);
};
