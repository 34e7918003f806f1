import type { z as zImpl } from 'zod/v3';
import { ENGINES, PROFILES, SIZES, SUPPORTED_VERSIONS } from '@postgres-gitops/renderer';

type Z = typeof zImpl;

/**
 * The action's input, flat, with a description on every field (they become the docs at
 * /create/actions). The scaffolder checks only this JSON-schema shape; the handler parses the
 * request again with the renderer's schema, which holds every rule.
 */
export const inputSchema = (z: Z) =>
  z.object({
    name: z.string().describe('Database name: the prefix of every Kubernetes object (DNS-1123 label)'),
    namespace: z.string().describe('Kubernetes namespace the database runs in'),
    size: z.enum(SIZES).optional().describe('small: 100m-500m CPU, 256Mi-512Mi, 1Gi; medium: 250m-1000m, 512Mi-1Gi, 5Gi; large: 500m-2000m, 1Gi-2Gi, 10Gi, one standby'),
    version: z.enum(SUPPORTED_VERSIONS).optional().describe('PostgreSQL major version (13 is end-of-life)'),
    profile: z.enum(PROFILES).optional().describe('Environment profile: feature defaults and tuning'),
    engine: z.enum(ENGINES).optional().describe('How the database runs; "statefulset" needs no operator'),
    database: z.string().optional().describe('Name of the database to create (default app)'),
    username: z.string().optional().describe('Role the application connects as and that owns the database (default postgres, the superuser: not for prod)'),
    persistence: z.boolean().optional().describe('Keep data on a retained PersistentVolumeClaim'),
    storageSize: z.string().optional().describe('Data volume size like 20Gi; defaults from the size'),
    storageClass: z.string().optional().describe('StorageClass of the volumes; cluster default when empty'),
    replicas: z.number().int().optional().describe('PostgreSQL pods: one primary plus read-only standbys (no automatic failover on the statefulset engine)'),
    backup: z.boolean().optional().describe('Daily pg_dump to a dedicated volume (requires persistence)'),
    backupSchedule: z.string().optional().describe('Cron schedule of the backup, UTC'),
    backupRetention: z.number().int().optional().describe('Number of backups kept'),
    monitoring: z.boolean().optional().describe('postgres-exporter, ServiceMonitor and alert rules'),
    ssl: z.boolean().optional().describe('TLS with a cert-manager certificate; plaintext refused'),
    allowedNamespaces: z.array(z.string()).optional().describe('Namespaces whose pods may connect, besides the database\'s own'),
    cluster: z.string().optional().describe('Worker cluster the database is deployed to'),
    owner: z.string().optional().describe('Backstage owner entity ref, like group:default/team-a'),
    system: z.string().optional().describe('Backstage system entity ref the database belongs to'),
    repoUrl: z.string().optional().describe('State store: github.com?owner=o&repo=r (Backstage form, GitHub or GitHub Enterprise), or any git remote URL (file://, https://, ssh://); defaults to postgresGitops.stateStore.repoUrl'),
    targetBranch: z.string().optional().describe('Branch the pull request targets (default main, or postgresGitops.stateStore.targetBranch)'),
    update: z.boolean().optional().describe('Allow changing a database that already exists on the target branch'),
    allowDestructiveChanges: z.boolean().optional().describe('Allow an update that puts data at risk (persistence off, shrinking or major-version change); the pull request says so'),
    draft: z.boolean().optional().describe('Open the pull request as a draft'),
    reviewers: z.array(z.string()).optional().describe('Pull request reviewers: user logins, or org/team for teams'),
    labels: z.array(z.string()).optional().describe('Pull request labels'),
    mergeRequest: z.enum(['auto', 'none', 'gitlab', 'agit']).optional().describe('For git remotes: open a merge request through push options (GitLab, or Gitea/Forgejo AGit); auto picks GitLab for GitLab integrations'),
  });

export const outputSchema = (z: Z) =>
  z.object({
    pullRequestUrl: z.string().describe('URL of the pull request; empty where the host has none (a bare repository) or nothing changed'),
    pullRequestNumber: z.number().optional().describe('Number of the pull request, when there is one'),
    branch: z.string().describe('Branch holding the change'),
    directory: z.string().describe('Directory of the database in the state store'),
    entityRef: z.string().describe('Catalog entity ref of the database'),
    catalogInfoPath: z.string().describe('Path of the database\'s catalog-info.yaml in the state store'),
    catalogInfoUrl: z.string().describe('Where catalog-info.yaml will live on the target branch after merge (GitHub), else empty'),
    connectionHost: z.string().describe('Host applications connect to'),
    changed: z.boolean().describe('False when the state store already held exactly this database'),
    summary: z.string().describe('The review text (Markdown): choices, resource totals, warnings, and for updates the semantic diff'),
  });
