import { ANNOTATION_REQUESTED_BY } from './annotations';
import { REQUEST_API_VERSION, REQUEST_KIND, SPEC_FIELDS } from './schema';

/**
 * A request object from flat fields, as the "Create PostgreSQL" form and the postgres:create
 * action carry them: name, namespace and the spec's fields side by side. Unset and empty fields
 * stay unset, so the defaults apply; anything else is left for the caller to refuse.
 */
export function requestFromFields(fields: Record<string, unknown>, requestedBy?: string) {
  const spec = Object.fromEntries(SPEC_FIELDS.filter(f => fields[f] !== undefined && fields[f] !== '').map(f => [f, fields[f]]));
  return {
    apiVersion: REQUEST_API_VERSION,
    kind: REQUEST_KIND,
    metadata: {
      name: fields.name,
      namespace: fields.namespace,
      ...(requestedBy ? { annotations: { [ANNOTATION_REQUESTED_BY]: requestedBy } } : {}),
    },
    spec,
  };
}
