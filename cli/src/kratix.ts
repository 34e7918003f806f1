import { access, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ANNOTATION_CLAIM_TEMPLATE_SIZE, assertWorld, drillCronJob, manifestFileName, type PlatformSettings, renderDatabase, toYaml } from '@postgres-gitops/renderer';
import { UsageError } from './exit-codes';
import { readYamlFile } from './files';

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

/**
 * Kratix's workflow control file (work-creator/lib/workflow_control.go, syntasso/kratix at
 * ae170e22): a container earlier in the pipeline that writes `suspend: true` or `retryAfter`
 * makes Kratix create no Work from this run. We never write it (rendering is pure: a retry
 * renders the same, and nothing here waits on anything), and when an earlier container did, we
 * leave it and render nothing, since Kratix would discard it.
 */
async function controlledByEarlierContainer(metadata: string): Promise<string | undefined> {
  const file = join(metadata, 'workflow-control.yaml');
  try {
    await access(file);
  } catch {
    return undefined;
  }
  const control = (await readYamlFile(file)) as { suspend?: unknown; retryAfter?: unknown; message?: unknown } | null;
  if (control?.suspend === true) return `workflow-control.yaml suspends this workflow${control.message ? ` (${String(control.message)})` : ''}: nothing rendered`;
  if (typeof control?.retryAfter === 'string' && control.retryAfter) return `workflow-control.yaml retries this workflow after ${control.retryAfter}: nothing rendered`;
  return undefined;
}

/** Label a Kratix Destination carries to receive databases requested for a named cluster. */
export const DESTINATION_CLUSTER_LABEL = 'cluster';

/**
 * The Kratix pipeline contract: read the request object, write only applicable manifests to the
 * output directory (Kratix applies all of it), and report connection details as status.
 * KRATIX_DRY_RUN changes nothing here: Kratix's rule is to use it to suppress side effects, never
 * to change output (docs/design/dry-run.md), and this step has none besides its two directories.
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

  const controlled = await controlledByEarlierContainer(paths.metadata);
  if (controlled) return controlled;

  const object = await readYamlFile(join(paths.input, 'object.yaml'));
  const rendered = renderDatabase(withRememberedClaimSize(object), platform);
  assertWorld(rendered.request, { now: new Date() }, platform);
  await mkdir(paths.output, { recursive: true });
  await mkdir(paths.metadata, { recursive: true });
  for (const manifest of rendered.manifests) {
    await writeFile(join(paths.output, manifestFileName(manifest)), toYaml(manifest));
  }
  const { plan } = rendered;
  // Top-level keys only: Kratix owns status.kratix and refuses a status.yaml that sets it
  // (work-creator/cmd/update_status.go); it merges the rest into the object's status.
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
    // Where each access role's credentials are, and where a restore drill's result shows.
    ...(plan.access.roles.length > 0 ? { accessRoles: plan.access.roles.map(r => ({ role: r.dbRole, privileges: r.privileges, secret: r.secret })) } : {}),
    ...(drillCronJob(plan) ? { restoreDrill: { cronJob: drillCronJob(plan), alerts: ['PostgreSQLRestoreDrillFailed', 'PostgreSQLRestoreDrillStale'] } } : {}),
  };
  await writeFile(join(paths.metadata, 'status.yaml'), toYaml(status));
  const explicitCluster = (object as { spec?: { cluster?: string } }).spec?.cluster;
  if (explicitCluster) {
    // The hyphenated name is the one Kratix reads (work-creator/lib/work_creator.go); sdk/contract.md's
    // destination_selectors.yaml is a slip of that document.
    await writeFile(join(paths.metadata, 'destination-selectors.yaml'), toYaml([{ matchLabels: { [DESTINATION_CLUSTER_LABEL]: explicitCluster } }]));
  }
  const dryRun = env.KRATIX_DRY_RUN === 'true' ? ' (dry run: the same output; Kratix places it on its dry-run destination)' : '';
  return `wrote ${rendered.manifests.length} manifests to ${paths.output}${dryRun}`;
}
