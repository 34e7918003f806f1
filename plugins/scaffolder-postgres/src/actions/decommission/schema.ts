import type { z as zImpl } from 'zod/v3';
import { requestObjectSchema, requestSpecSchema } from '@postgres-gitops/renderer';

type Z = typeof zImpl;

const metadata = requestObjectSchema.shape.metadata.shape;

/** Which database: its catalog entity, or name, namespace and cluster; then where to publish. */
export const inputSchema = (z: Z) =>
  z.object({
    entityRef: z.string().optional().describe('The database Resource to retire (the form\'s EntityPicker); instead of name, namespace and cluster'),
    name: metadata.name.optional(),
    namespace: metadata.namespace,
    cluster: requestSpecSchema.shape.cluster,
    repoUrl: z.string().optional().describe('State store, as for postgres:create: one app-config names; defaults to postgresGitops.stateStore.repoUrl'),
    targetBranch: z.string().optional().describe('Branch the pull request targets (default main, or postgresGitops.stateStore.targetBranch)'),
    token: z.string().optional().describe("The requester's own token for the state store's host (the template passes secrets.USER_OAUTH_TOKEN from a RepoUrlPicker with requestUserCredentials): the pull request is opened as them. Without it, the integration's credentials (the platform's choice); never logged or stored"),
    reviewers: z.array(z.string()).optional().describe('Pull request reviewers: user logins, or org/team for teams'),
    labels: z.array(z.string()).optional().describe('Pull request labels'),
  });

export const outputSchema = (z: Z) =>
  z.object({
    pullRequestUrl: z.string().describe('URL of the pull request; empty where the host has none'),
    branch: z.string().describe('Branch holding the removal'),
    directory: z.string().describe('Directory the pull request removes'),
    summary: z.string().describe('The review text: what stays, where, and how to delete it for good'),
  });
