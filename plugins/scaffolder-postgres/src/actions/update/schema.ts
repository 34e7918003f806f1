import type { JsonValue } from '@backstage/types';
import type { z as zImpl } from 'zod/v3';
import { requestObjectSchema, requestSpecSchema } from '@postgres-gitops/renderer';

type Z = typeof zImpl;

const metadata = requestObjectSchema.shape.metadata.shape;

const updateFields = (z: Z) => ({
  entityRef: z.string().optional().describe('The database Resource to change (the form\'s EntityPicker); instead of name, namespace and cluster'),
  repoUrl: z.string().optional().describe('State store, as for postgres:create: one app-config names; defaults to postgresGitops.stateStore.repoUrl'),
  targetBranch: z.string().optional().describe('Branch the pull request targets (default main, or postgresGitops.stateStore.targetBranch)'),
  token: z.string().optional().describe("The requester's own token for the state store's host (the template passes secrets.USER_OAUTH_TOKEN from a RepoUrlPicker with requestUserCredentials): the pull request is opened as them. Without it, the integration's credentials (the platform's choice); never logged or stored"),
  allowDestructiveChanges: z.boolean().optional().describe('Allow a change that puts data at risk (persistence off); the pull request says so'),
  allowMajorUpgrade: z.boolean().optional().describe('cloudnative-pg: allow the offline in-place major upgrade (every instance stops while pg_upgrade runs)'),
  draft: z.boolean().optional().describe('Open the pull request as a draft'),
  reviewers: z.array(z.string()).optional().describe('Pull request reviewers: user logins, or org/team for teams'),
  labels: z.array(z.string()).optional().describe('Pull request labels'),
});

type UpdateInput = zImpl.infer<zImpl.ZodObject<ReturnType<typeof updateFields>>>;

export type UpdateActionInput = UpdateInput & { name?: string; namespace?: string } & { [field in keyof typeof requestSpecSchema.shape]?: JsonValue };

/**
 * Which database (name, namespace and cluster, or its catalog entity), then only the request
 * fields that change: exactly the renderer's field schemas, all optional; the rest stays as stored.
 */
export const inputSchema = (z: Z): zImpl.ZodType<UpdateActionInput> =>
  requestSpecSchema.extend({ name: metadata.name.optional(), namespace: metadata.namespace, ...updateFields(z) });

export const outputSchema = (z: Z) =>
  z.object({
    pullRequestUrl: z.string().describe('URL of the pull request; empty where the host has none'),
    pullRequestNumber: z.number().optional().describe('Number of the pull request, when there is one'),
    branch: z.string().describe('Branch holding the change'),
    directory: z.string().describe('Directory of the database in the state store'),
    entityRef: z.string().describe('Catalog entity ref of the database'),
    change: z.enum(['update', 'unchanged']).describe('What the pull request does to the stored database'),
    summary: z.string().describe('The review text (Markdown): what changes, what restarts, what is destructive'),
  });
