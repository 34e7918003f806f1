import {
  RequestValidationError,
  renderDatabase,
  requestMetadataJsonSchema,
  requestSpecJsonSchema,
  type JsonSchema,
} from '@postgres-gitops/renderer';

import { z } from 'zod/v3';
import { publishFields } from '../actions/create/schema';

const SPEC = requestSpecJsonSchema().properties as Record<string, JsonSchema>;
const ACTION = publishFields(z);
const METADATA = requestMetadataJsonSchema().properties as Record<string, JsonSchema>;

/**
 * A form field from the renderer's schema of that field (type, description, enum, pattern,
 * bounds), with the form's own UI on top: the schema stays the one source of the field's rules.
 */
export function specField(name: string, ui: JsonSchema = {}): JsonSchema {
  const schema = SPEC[name];
  if (!schema) throw new Error(`the request has no field "${name}"`);
  const { anyOf: _anyOf, ...rest } = schema;
  return { ...rest, ...ui };
}

/** A form field for one of the action's own inputs, with its description from the action's schema. */
export function actionField(name: keyof typeof ACTION, schema: JsonSchema): JsonSchema {
  return { ...schema, description: ACTION[name].description };
}

export function metadataField(name: 'name' | 'namespace', ui: JsonSchema = {}): JsonSchema {
  return { ...METADATA[name], ...ui };
}

/**
 * The longest database name every combination of features accepts, found by asking the renderer:
 * the form refuses longer names before the request reaches the action.
 */
export function longestAcceptedName(spec: Record<string, unknown>): number {
  const accepts = (length: number) => {
    try {
      renderDatabase({ apiVersion: 'postgres-gitops.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name: 'a'.repeat(length), namespace: 'n' }, spec });
      return true;
    } catch (error) {
      if (error instanceof RequestValidationError) return false;
      throw error;
    }
  };
  let length = 63;
  while (length > 1 && !accepts(length)) length--;
  return length;
}

/**
 * The requester's own token, when the form asks for it (a RepoUrlPicker with
 * requestUserCredentials.secretsKey USER_OAUTH_TOKEN, see the README): the pull request is then
 * theirs. Without such a field the secret is absent and the integration's credentials write.
 * Last in each step's input: the scaffolder lines up the input with and without secrets key by
 * key to find what to mask in the log, and a key missing in the middle would shift the rest.
 */
export const REQUESTER_TOKEN = '${{ secrets.USER_OAUTH_TOKEN }}';
