import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, graphql, parse, validate, type GraphQLSchema } from 'graphql';

let schema: GraphQLSchema | undefined;

/** GitHub's published GraphQL schema (@octokit/graphql-schema ships it as schema.graphql). */
export function githubSchema(): GraphQLSchema {
  if (schema) return schema;
  const candidates = (require.resolve.paths('@octokit/graphql-schema') ?? []).map(dir => join(dir, '@octokit', 'graphql-schema', 'schema.graphql'));
  const file = candidates.find(existsSync);
  if (!file) throw new Error('@octokit/graphql-schema is not installed');
  schema = buildSchema(readFileSync(file, 'utf8'), { assumeValidSDL: true });
  return schema;
}

/** Validates a query against GitHub's schema, then executes it against the given root value. */
export async function executeGitHubGraphql(query: string, variables: Record<string, unknown>, rootValue: unknown) {
  const document = parse(query);
  const problems = validate(githubSchema(), document);
  if (problems.length > 0) return { status: 400, body: { errors: problems.map(p => ({ message: p.message })) }, mutation: false };
  const mutation = document.definitions.some(d => d.kind === 'OperationDefinition' && d.operation === 'mutation');
  const result = await graphql({ schema: githubSchema(), source: query, variableValues: variables, rootValue });
  return { status: 200, body: result, mutation };
}
