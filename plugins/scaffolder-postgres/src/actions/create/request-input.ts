import { ANNOTATION_REQUESTED_BY, REQUEST_API_VERSION, REQUEST_KIND, SPEC_FIELDS } from '@postgres-gitops/renderer';

/** The action's flat input as a request object for the renderer; unset fields stay unset. */
export function requestFromInput(input: Record<string, unknown>, requestedBy?: string) {
  const spec = Object.fromEntries(SPEC_FIELDS.filter(f => input[f] !== undefined && input[f] !== '').map(f => [f, input[f]]));
  return {
    apiVersion: REQUEST_API_VERSION,
    kind: REQUEST_KIND,
    metadata: {
      name: input.name,
      namespace: input.namespace,
      ...(requestedBy ? { annotations: { [ANNOTATION_REQUESTED_BY]: requestedBy } } : {}),
    },
    spec,
  };
}
