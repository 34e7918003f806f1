import { zodToJsonSchema } from 'zod-to-json-schema';
import { requestObjectSchema, requestSpecSchema } from './schema';

export type JsonSchema = Record<string, any>;

/** The request's spec fields as OpenAPI 3 JSON Schema: what forms and CRDs are built from. */
export function requestSpecJsonSchema(): JsonSchema {
  return zodToJsonSchema(requestSpecSchema as never, { target: 'openApi3', $refStrategy: 'none' }) as JsonSchema;
}

/** The request's metadata fields (name, namespace) as JSON Schema. */
export function requestMetadataJsonSchema(): JsonSchema {
  return zodToJsonSchema(requestObjectSchema.shape.metadata as never, { target: 'openApi3', $refStrategy: 'none' }) as JsonSchema;
}
