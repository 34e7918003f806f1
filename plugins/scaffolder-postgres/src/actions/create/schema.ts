import type { JsonValue } from '@backstage/types';
import { z as zImpl } from 'zod/v3';
import { requestObjectSchema, requestSpecSchema } from '@postgres-gitops/renderer';

type Z = typeof zImpl;

const metadata = requestObjectSchema.shape.metadata.shape;

/** Where and how to publish, and form helpers: the action's own fields. */
export const publishFields = (z: Z) => ({
  repoUrl: z.string().optional().describe('State store, one of those app-config names, exactly as written there (postgresGitops.stateStore.repoUrl, the default, or .allowedRepoUrls): github.com?owner=o&repo=r or a git remote URL; any other is refused'),
  targetBranch: z.string().optional().describe('Branch the pull request targets (default main, or postgresGitops.stateStore.targetBranch)'),
  token: z.string().optional().describe("The requester's own token for the state store's host (the template passes secrets.USER_OAUTH_TOKEN from a RepoUrlPicker with requestUserCredentials): the pull request is opened as them. Without it, the integration's credentials (the platform's choice); never logged or stored"),
  update: z.boolean().optional().describe('Allow changing a database that already exists on the target branch'),
  allowDestructiveChanges: z.boolean().optional().describe('Allow an update that puts data at risk (persistence off, shrinking or major-version change); the pull request says so'),
  draft: z.boolean().optional().describe('Open the pull request as a draft'),
  reviewers: z.array(z.string()).optional().describe('Pull request reviewers: user logins, or org/team for teams'),
  labels: z.array(z.string()).optional().describe('Pull request labels'),
  restoreFrom: z.string().optional().describe('cloudnative-pg: entity ref of the database Resource to restore from (the form\'s EntityPicker); the catalog says where it lives. Instead of restore.from'),
  restoreTargetTime: z.string().optional().describe('With restoreFrom: the RFC 3339 point in time to recover to; the latest point when empty'),
  mergeRequest: z.enum(['auto', 'none', 'gitlab', 'agit']).optional().describe('For git remotes: open a merge request through push options (GitLab, or Gitea/Forgejo AGit); auto picks GitLab for GitLab integrations'),
});

/** Every input the action takes: the request's fields, the database's name and namespace, and where to publish. */
export const ACTION_INPUT_FIELDS: readonly string[] = [...Object.keys(requestSpecSchema.shape), 'name', 'namespace', ...Object.keys(publishFields(zImpl))];

type PublishInput = zImpl.infer<zImpl.ZodObject<ReturnType<typeof publishFields>>>;

/** The input as the handler reads it: the request's fields go back through the renderer's schema. */
export type ActionInput = PublishInput & { name: string; namespace?: string } & { [field in keyof typeof requestSpecSchema.shape]?: JsonValue };

/**
 * The action's input, flat: the request's fields exactly as the renderer's schema defines them
 * (descriptions become the docs at /create/actions), then where and how to publish. The
 * scaffolder checks only the JSON-schema shape; the handler parses the request again with the
 * renderer's schema, which holds every rule.
 */
export const inputSchema = (z: Z): zImpl.ZodType<ActionInput> =>
  requestSpecSchema.extend({ name: metadata.name, namespace: metadata.namespace, ...publishFields(z) });

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
    change: z.enum(['create', 'update', 'unchanged', 'unknown']).describe('What the pull request does to the state store; in a dry run, what it would do ("unknown" when the state store cannot be read)'),
    changed: z.boolean().optional().describe('False when the state store already held exactly this database; absent when unknown'),
    summary: z.string().describe('The review text (Markdown): choices, resource totals, warnings, and for updates the semantic diff'),
  });
