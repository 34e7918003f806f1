import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { manifestFileName } from '../layout/paths';
import { toYaml } from '../layout/serialize';
import { renderDatabase } from '../render-database';
import type { PlatformSettings } from '../request/platform';
import { assertWorld } from '../request/world-rules';
import { UsageError } from './exit-codes';
import { readYamlFile } from './files';
import { ANNOTATION_CLAIM_TEMPLATE_SIZE } from '../request/annotations';

/**
 * Kratix keeps no request.yaml: what a statefulset database must remember across runs (the
 * claim templates' size, which the API server never lets change) goes into the resource's status
 * (metadata/status.yaml) and comes back in the next run's input, as an annotation of the request.
 */
function withRememberedClaimSize(object: unknown): unknown {
  const o = object as { metadata?: { annotations?: Record<string, string> }; status?: { claimTemplateStorageSize?: unknown } } | null;
  const remembered = o?.status?.claimTemplateStorageSize;
  if (!o || typeof remembered !== 'string' || o.metadata?.annotations?.[ANNOTATION_CLAIM_TEMPLATE_SIZE] !== undefined) return object;
  return { ...o, metadata: { ...o.metadata, annotations: { ...o.metadata?.annotations, [ANNOTATION_CLAIM_TEMPLATE_SIZE]: remembered } } };
}

export interface KratixPaths {
  input: string;
  output: string;
  metadata: string;
}

export const KRATIX_DEFAULT_PATHS: KratixPaths = { input: '/kratix/input', output: '/kratix/output', metadata: '/kratix/metadata' };

const WORKFLOW_TYPES = ['resource', 'promise'];
const WORKFLOW_ACTIONS = ['configure', 'delete'];

/** Label a Kratix Destination carries to receive databases requested for a named cluster. */
export const DESTINATION_CLUSTER_LABEL = 'cluster';

/**
 * The Kratix pipeline contract: read the request object, write only applicable manifests to the
 * output directory (Kratix applies all of it), and report connection details as status.
 */
export async function runKratix(env: NodeJS.ProcessEnv, paths: KratixPaths, platform: PlatformSettings): Promise<string> {
  const type = env.KRATIX_WORKFLOW_TYPE ?? 'resource';
  const action = env.KRATIX_WORKFLOW_ACTION ?? 'configure';
  if (!WORKFLOW_TYPES.includes(type)) throw new UsageError(`KRATIX_WORKFLOW_TYPE: must be one of ${WORKFLOW_TYPES.join(', ')} (got "${type}")`);
  if (!WORKFLOW_ACTIONS.includes(action)) throw new UsageError(`KRATIX_WORKFLOW_ACTION: must be one of ${WORKFLOW_ACTIONS.join(', ')} (got "${action}")`);
  if (type === 'promise') return 'promise workflow: nothing to install; the add-ons (External Secrets, cert-manager, Prometheus operator) are the platform\'s';
  if (action === 'delete') {
    // Nothing to run: Kratix removes the Work it placed. Volumes, backups and Secrets are retained by design.
    return 'delete: Kratix removes the placed manifests; data volumes, backup volume and credentials are retained';
  }

  const object = await readYamlFile(join(paths.input, 'object.yaml'));
  const rendered = renderDatabase(withRememberedClaimSize(object), platform);
  assertWorld(rendered.request, { now: new Date() }, platform);
  await mkdir(paths.output, { recursive: true });
  await mkdir(paths.metadata, { recursive: true });
  for (const manifest of rendered.manifests) {
    await writeFile(join(paths.output, manifestFileName(manifest)), toYaml(manifest));
  }
  const { plan } = rendered;
  const status = {
    message: `PostgreSQL ${plan.spec.version} (${plan.spec.size}) rendered for ${plan.namespace}/${plan.name}`,
    connection: {
      host: plan.connection.host,
      port: plan.port,
      database: plan.spec.database,
      username: plan.spec.username,
      passwordSecret: plan.names.secret,
      connectionConfigMap: plan.names.connection,
      ...(plan.connection.readOnlyHost ? { readOnlyHost: plan.connection.readOnlyHost } : {}),
    },
    ...(plan.engine === 'statefulset' && plan.spec.persistence ? { claimTemplateStorageSize: plan.claimTemplateSize } : {}),
  };
  await writeFile(join(paths.metadata, 'status.yaml'), toYaml(status));
  const explicitCluster = (object as { spec?: { cluster?: string } }).spec?.cluster;
  if (explicitCluster) {
    await writeFile(join(paths.metadata, 'destination-selectors.yaml'), toYaml([{ matchLabels: { [DESTINATION_CLUSTER_LABEL]: explicitCluster } }]));
  }
  return `wrote ${rendered.manifests.length} manifests to ${paths.output}`;
}
