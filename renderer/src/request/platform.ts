import { z } from 'zod/v3';
import { RequestValidationError } from './errors';
import { DNS1123_LABEL, ENTITY_REF } from './names';
import { parseYamlInput } from './yaml-input';
import { ENGINES, SERVER_ENGINES } from './schema';
import { MINOR_VERSION, NEWEST_MINOR } from './versions';

/**
 * The official kubectl image (kubernetes/kubernetes build/server-image/kubectl/Dockerfile: Debian
 * base with coreutils, kubectl at /bin/kubectl). A tag, not a digest: no registry is reachable
 * where this was written to read the digest from; platforms pin theirs with the setting.
 */
export const DEFAULT_KUBECTL_IMAGE = 'registry.k8s.io/kubectl:v1.34.3';

const engineDefault = z.enum(SERVER_ENGINES).default('statefulset');

const secretKeyRef = z.object({ name: z.string().regex(DNS1123_LABEL, 'must be a Secret name'), key: z.string().min(1) }).strict();

/**
 * Where CloudNativePG databases archive WAL and base backups (Barman Cloud plugin). Each database
 * gets its own prefix below `destinationPath`; credentials come from a Secret the platform
 * provides in every namespace that hosts databases (never typed into a request).
 */
const objectStoreSchema = z
  .object({
    destinationPath: z
      .string()
      .regex(/^(s3|gs|https):\/\/[^\s]+$/, 'must be an s3://, gs:// or https:// (Azure) URL')
      .describe('Bucket and prefix, like s3://acme-postgres-backups/prod; each database adds <cluster>/<namespace>/<name>'),
    endpointURL: z.string().url().optional().describe('S3-compatible endpoint (MinIO, Ceph), when not AWS'),
    // Static keys in a Secret of every namespace, or the workload's own identity (plugin-barman-cloud
    // v0.14.0 api: s3Credentials.inheritFromIAMRole, googleCredentials.gkeEnvironment,
    // azureCredentials.inheritFromAzureAD), which serviceAccountAnnotations bind to a cloud role.
    s3Credentials: z
      .union([z.object({ accessKeyId: secretKeyRef, secretAccessKey: secretKeyRef }).strict(), z.object({ inheritFromIAMRole: z.literal(true) }).strict()])
      .optional(),
    googleCredentials: z.union([z.object({ applicationCredentials: secretKeyRef }).strict(), z.object({ gkeEnvironment: z.literal(true) }).strict()]).optional(),
    azureCredentials: z
      .union([z.object({ connectionString: secretKeyRef }).strict(), z.object({ inheritFromAzureAD: z.literal(true), storageAccount: secretKeyRef }).strict()])
      .optional(),
    serviceAccountAnnotations: z
      .record(z.string().min(1), z.string())
      .default({})
      .describe(
        'Annotations of each Cluster\'s ServiceAccount, binding it to a cloud identity for workload identity (eks.amazonaws.com/role-arn, iam.gke.io/gcp-service-account, azure.workload.identity/client-id); "{namespace}" in a value becomes the database\'s namespace, for a role per namespace scoped to that namespace\'s prefix',
      ),
  })
  .strict()
  .refine(o => [o.s3Credentials, o.googleCredentials, o.azureCredentials].filter(Boolean).length === 1, {
    message: 'set exactly one of s3Credentials, googleCredentials, azureCredentials',
  });


/** A full Backstage reference to a group or user (kind, namespace and name), as sign-in puts them in a user's ownership. */
const ownerRef = z
  .string()
  .max(253)
  .refine(v => /^(group|user):[^/]+\/.+$/i.test(v) && ENTITY_REF.test(v), 'must be a full reference to a group or user, like "group:default/team-a"');

/** A CODEOWNERS owner as GitHub reads it: @user (a GitHub login) or @org/team (a team slug). */
export const GITHUB_CODE_OWNER = /^@[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}(?:\/[a-z0-9_](?:[a-z0-9_-]{0,98}[a-z0-9_])?)?$/;

/**
 * Who may do what (enforced by the Backstage actions and, for GitHub state stores, by the
 * CODEOWNERS that `postgres-gitops ci --codeowners` writes from the same settings).
 */
const accessSchema = z
  .object({
    platformGroups: z
      .array(ownerRef)
      .default([])
      .describe('Groups (or users) allowed to act on any database, namespace and shared server, such as the platform team'),
    namespaces: z
      .record(z.string().regex(DNS1123_LABEL, 'must be a namespace (a DNS-1123 label)'), z.array(ownerRef).min(1, 'must name at least one owning group'))
      .default({})
      .describe('Namespace -> the groups that own it: creating a database there needs membership of one. Once any namespace is listed, an unlisted one is open to platform groups only'),
    sharedServers: z
      .record(
        z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be "<cluster>/<namespace>/<name>" of a server'),
        z.array(ownerRef).min(1, 'must name at least one group'),
      )
      .default({})
      .describe('Shared server "<cluster>/<namespace>/<name>" -> the groups whose tenants it takes, besides its own owner and the platform groups'),
    github: z
      .object({
        org: z
          .string()
          .regex(/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/, 'must be a GitHub organization login')
          .optional()
          .describe('GitHub organization whose team slugs are the Backstage group names: group:default/team-a is @acme/team-a in CODEOWNERS'),
        owners: z
          .record(ownerRef, z.string().regex(GITHUB_CODE_OWNER, 'must be a GitHub @login or @org/team-slug'))
          .default({})
          .describe('The CODEOWNERS owner of a group or user whose GitHub name differs (users always need one)'),
      })
      .strict()
      .default({}),
  })
  .strict()
  .default({});

/** The Flux Kustomizations that install the add-ons of each API group our objects use, by their usual names. */
const FLUX_DEPENDS_ON: Record<string, string> = {
  'cert-manager.io': 'cert-manager',
  'external-secrets.io': 'external-secrets',
  'generators.external-secrets.io': 'external-secrets',
  'monitoring.coreos.com': 'kube-prometheus-stack',
  'postgresql.cnpg.io': 'cloudnative-pg',
  'barmancloud.cnpg.io': 'plugin-barman-cloud',
};

/**
 * Platform settings: chosen once by the platform team, not per request.
 * The CLI reads them from a YAML file, the Backstage module from app-config.
 */
export const platformSettingsSchema = z
  .object({
    imageRegistry: z
      .string()
      .regex(/^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)*$/, 'must be a registry host with an optional path, like "registry.example.com/mirror"')
      .optional()
      .describe('Registry (and path) that replaces docker.io and quay.io in every image, for mirrors'),
    imagePullSecrets: z.array(z.string().regex(DNS1123_LABEL)).default([]).describe('Pull secrets added to every pod'),
    certIssuer: z
      .object({
        kind: z.enum(['ClusterIssuer', 'Issuer']).default('ClusterIssuer'),
        name: z.string().min(1).default('platform-ca'),
      })
      .default({}),
    prometheus: z
      .object({
        namespace: z.string().regex(DNS1123_LABEL).default('monitoring'),
        serviceMonitorLabels: z.record(z.string()).default({ release: 'kube-prometheus-stack' }),
      })
      .default({}),
    volumeExpansion: z
      .boolean()
      .default(true)
      .describe(
        'The StorageClasses of the worker clusters allow volume expansion (allowVolumeExpansion: true). statefulset volumes then grow in place through a pull request; set false where they do not, and growing them is refused (the API server would refuse the claims\' new size)',
      ),
    createNamespace: z.boolean().default(false).describe('Render the Namespace object (with the restricted Pod Security labels)'),
    defaultCluster: z.string().regex(DNS1123_LABEL).default('worker-1'),
    reservedNamespaces: z
      .array(z.string().regex(DNS1123_LABEL))
      .default([])
      .describe('Namespaces no database may run in or admit, besides kube-system, kube-public and kube-node-lease (for example the platform\'s own)'),
    clusterDomain: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/).default('cluster.local').describe('DNS domain of the worker clusters, for fully qualified Service names across namespaces'),
    credentials: z
      .object({
        source: z.enum(['external-secrets', 'existing-secret']).default('external-secrets'),
      })
      .default({})
      .describe('"external-secrets" generates passwords in the cluster; "existing-secret" expects the platform to provide the Secrets'),
    engines: z
      .object({
        allowed: z.array(z.enum(ENGINES)).min(1).default([...ENGINES]).describe('Engines requests may ask for'),
        default: z
          .object({ dev: engineDefault, staging: engineDefault, prod: engineDefault })
          .strict()
          .default({})
          .describe('Engine of a request that names none, per profile (for example prod: cloudnative-pg)'),
      })
      .strict()
      .default({}),
    postgres: z
      .object({
        newestMinor: z
          .record(z.string().regex(/^\d{2}$/), z.string().regex(MINOR_VERSION, 'must be a release like "17.9"'))
          .superRefine((minors, ctx) => {
            for (const [major, minor] of Object.entries(minors)) {
              if (!minor.startsWith(`${major}.`)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [major], message: `${minor} is not a release of PostgreSQL ${major}` });
            }
          })
          .default({})
          .transform(minors => ({ ...NEWEST_MINOR, ...minors }))
          .describe('The newest minor release per major (for example "17": "17.10"): new databases are pinned to it, and nothing newer is accepted. Defaults to the renderer\'s list; raise it here when a release is out'),
      })
      .strict()
      .default({}),
    cloudnativePg: z
      .object({
        imageFlavour: z
          .enum(['standard-trixie', 'minimal-trixie', 'standard-bookworm', 'minimal-bookworm'])
          .default('standard-trixie')
          .describe('Flavour of ghcr.io/cloudnative-pg/postgresql images: "standard" (locales, common extensions) or "minimal"; the "system" images are deprecated in CloudNativePG 1.30 and need no Barman Cloud tools with the plugin'),
        operatorNamespace: z.string().regex(DNS1123_LABEL).default('cnpg-system').describe('Namespace of the CloudNativePG operator, admitted by the NetworkPolicies'),
        objectStore: objectStoreSchema.optional().describe('Backups and PITR; without it, cloudnative-pg databases cannot ask for backup'),
        certificates: z.enum(['operator', 'cert-manager']).default('operator').describe('Server certificates from the operator, or from cert-manager (certIssuer)'),
        restoreDrill: z
          .object({
            kubectlImage: z
              .string()
              .regex(/^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)+(:[A-Za-z0-9._-]+)?(@sha256:[0-9a-f]{64})?$/, 'must be an image reference with a tag or digest, like "registry.k8s.io/kubectl:v1.34.3"')
              .default(DEFAULT_KUBECTL_IMAGE)
              .describe('Image whose /bin/kubectl the drill runner copies (registry.k8s.io/kubectl or a mirror of it; pin it by digest where the registry allows)'),
            timeoutMinutes: z.number().int().min(15).max(24 * 60).default(120).describe('Longest a drill may run, from its start to the drill Cluster\'s deletion'),
          })
          .strict()
          .default({})
          .describe('Restore drills of cloudnative-pg databases (render/cloudnative-pg/drill.ts)'),
      })
      .strict()
      .default({}),
    flux: z
      .object({
        namespace: z.string().regex(DNS1123_LABEL).default('flux-system').describe('Namespace of the Flux Kustomization each database gets'),
        sourceName: z.string().regex(DNS1123_LABEL).default('state-store').describe('The state store\'s GitRepository (in that namespace) that each database\'s Kustomization applies from'),
        dependsOn: z
          .record(z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be an API group'), z.string().regex(DNS1123_LABEL, 'must be the name of a Flux Kustomization'))
          .default(FLUX_DEPENDS_ON)
          .describe('API group -> the Flux Kustomization that installs its CRDs and controller: a database\'s Kustomization waits for those of the groups its objects use'),
      })
      .strict()
      .default({})
      .describe('Flux: one Kustomization per database (postgres-gitops wiring --flux), in this namespace, from this source, after these add-ons'),
    backstage: z
      .object({
        /** The Backstage app's address, for catalog links that open the day-two templates pre-filled. */
        baseUrl: z.string().url().optional(),
      })
      .strict()
      .default({})
      .describe('Where the Backstage app runs (baseUrl), for links from a database\'s catalog page to its day-two forms'),
    stateStore: z
      .object({
        /** Where state-store files can be browsed, for catalog links, e.g. https://github.com/acme/state/blob/main */
        browseUrl: z.string().url().optional(),
      })
      .default({}),
    access: accessSchema.describe('Who may create where, and act on which databases: platform groups, namespace owners, shared-server tenants, and their GitHub names for CODEOWNERS'),
  })
  .strict();

export type PlatformSettings = z.infer<typeof platformSettingsSchema>;
export type PlatformSettingsInput = z.input<typeof platformSettingsSchema>;

export const DEFAULT_PLATFORM: PlatformSettings = platformSettingsSchema.parse({});

/** Platform settings from a YAML text (a --platform file, or the state store's platform.yaml); errors name the source and field. */
export function parsePlatformSettings(text: string, source: string): PlatformSettings {
  const parsed = platformSettingsSchema.safeParse(parseYamlInput(text, source) ?? {});
  if (!parsed.success) throw RequestValidationError.fromZod(parsed.error, `platform (${source})`);
  return parsed.data;
}

/**
 * The settings a state store renders with: its own platform.yaml when it has one, so that
 * everyone (CLI, fleet, CI, the Backstage actions) renders alike and a settings change is itself
 * a reviewed pull request; otherwise the caller's (app-config, or --platform).
 */
export async function storePlatform(read: () => Promise<string | undefined>, fallback: PlatformSettings, source: string): Promise<{ platform: PlatformSettings; fromStore: boolean }> {
  const text = await read();
  return text === undefined ? { platform: fallback, fromStore: false } : { platform: parsePlatformSettings(text, source), fromStore: true };
}
