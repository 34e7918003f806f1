import { zodToJsonSchema } from 'zod-to-json-schema';
import { requestObjectSchema, requestSpecSchema } from './schema';

/*
 * The request schemas use zod 4's `zod/v3` API, not zod 4's own: Backstage's scaffolder-node 1.x
 * hands actions `zod/v3` and turns their schemas into JSON Schema with zod-to-json-schema, and the
 * action's input is this very schema. So one zod copy serves the app, the action and the renderer,
 * the error texts stay as they were, and the CRD and form fields come from the same generator.
 */
export type JsonSchema = Record<string, any>;

/** The request's spec fields as OpenAPI 3 JSON Schema: what forms and CRDs are built from. */
export function requestSpecJsonSchema(): JsonSchema {
  return zodToJsonSchema(requestSpecSchema as never, { target: 'openApi3', $refStrategy: 'none' }) as JsonSchema;
}

/** The request's metadata fields (name, namespace) as JSON Schema. */
export function requestMetadataJsonSchema(): JsonSchema {
  return zodToJsonSchema(requestObjectSchema.shape.metadata as never, { target: 'openApi3', $refStrategy: 'none' }) as JsonSchema;
}
