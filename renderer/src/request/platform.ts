import { z } from 'zod/v3';
import { DNS1123_LABEL } from './names';

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
    createNamespace: z.boolean().default(false).describe('Render the Namespace object (with the restricted Pod Security labels)'),
    defaultCluster: z.string().regex(DNS1123_LABEL).default('worker-1'),
    credentials: z
      .object({
        source: z.enum(['external-secrets', 'existing-secret']).default('external-secrets'),
      })
      .default({})
      .describe('"external-secrets" generates passwords in the cluster; "existing-secret" expects the platform to provide the Secrets'),
    stateStore: z
      .object({
        /** Where state-store files can be browsed, for catalog links, e.g. https://github.com/acme/state/blob/main */
        browseUrl: z.string().url().optional(),
      })
      .default({}),
  })
  .strict();

export type PlatformSettings = z.infer<typeof platformSettingsSchema>;
export type PlatformSettingsInput = z.input<typeof platformSettingsSchema>;

export const DEFAULT_PLATFORM: PlatformSettings = platformSettingsSchema.parse({});
