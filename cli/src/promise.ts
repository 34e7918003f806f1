import { KRATIX_API_VERSION, KRATIX_KIND, RENDERER_VERSION, requestSpecJsonSchema } from '@postgres-gitops/renderer';

type JsonSchema = Record<string, unknown>;

/**
 * A Kubernetes structural schema from the request's JSON schema: the version's string-or-number
 * union becomes int-or-string, and keywords structural schemas forbid are dropped.
 */
function structural(schema: JsonSchema): JsonSchema {
  if (Array.isArray(schema.anyOf)) {
    const { description } = schema;
    return { 'x-kubernetes-int-or-string': true, ...(description ? { description } : {}) };
  }
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$schema' || key === 'additionalProperties') continue;
    if (key === 'properties') {
      out.properties = Object.fromEntries(Object.entries(value as Record<string, JsonSchema>).map(([k, v]) => [k, structural(v)]));
    } else if (key === 'items') {
      out.items = structural(value as JsonSchema);
    } else {
      out[key] = value;
    }
  }
  return out;
}

/**
 * The "restricted" Pod Security Standard for our container. Kratix applies its platform-wide
 * default only to a container without one (pipeline_factory.go, pipelineContainers), and that
 * default is empty unless the platform configures it. The image runs as 65534 and writes only
 * to Kratix's volumes, so its root filesystem can be read-only.
 */
const PIPELINE_SECURITY_CONTEXT = {
  runAsNonRoot: true,
  runAsUser: 65534,
  runAsGroup: 65534,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/** The Kratix Promise for this renderer: the seed promise's API, extended, with our pipeline image. */
export function kratixPromise(image: string) {
  const [group, version] = KRATIX_API_VERSION.split('/');
  const spec = structural(requestSpecJsonSchema());
  return {
    apiVersion: 'platform.kratix.io/v1alpha1',
    kind: 'Promise',
    metadata: { name: 'postgresql', labels: { 'kratix.io/promise-version': `v${RENDERER_VERSION}` } },
    spec: {
      api: {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: `${KRATIX_KIND}s.${group}` },
        spec: {
          group,
          names: { kind: KRATIX_KIND, plural: `${KRATIX_KIND}s`, singular: KRATIX_KIND },
          scope: 'Namespaced',
          versions: [
            {
              name: version,
              served: true,
              storage: true,
              schema: { openAPIV3Schema: { type: 'object', properties: { spec: { ...spec, type: 'object' } } } },
            },
          ],
        },
      },
      workflows: {
        resource: {
          configure: [
            {
              apiVersion: 'platform.kratix.io/v1alpha1',
              kind: 'Pipeline',
              metadata: { name: 'render' },
              spec: { containers: [{ name: 'postgres-gitops', image, args: ['kratix'], securityContext: PIPELINE_SECURITY_CONTEXT }] },
            },
          ],
        },
      },
    },
  };
}
