"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.githubSchema = githubSchema;
exports.executeGitHubGraphql = executeGitHubGraphql;
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
const graphql_1 = require("graphql");
let schema;
/** GitHub's published GraphQL schema (@octokit/graphql-schema ships it as schema.graphql). */
function githubSchema() {
    if (schema)
        return schema;
    const candidates = (require.resolve.paths('@octokit/graphql-schema') ?? []).map(dir => (0, node_path_1.join)(dir, '@octokit', 'graphql-schema', 'schema.graphql'));
    const file = candidates.find(node_fs_1.existsSync);
    if (!file)
        throw new Error('@octokit/graphql-schema is not installed');
    schema = (0, graphql_1.buildSchema)((0, node_fs_1.readFileSync)(file, 'utf8'), { assumeValidSDL: true });
    return schema;
}
/** Validates a query against GitHub's schema, then executes it against the given root value. */
async function executeGitHubGraphql(query, variables, rootValue) {
    const document = (0, graphql_1.parse)(query);
    const problems = (0, graphql_1.validate)(githubSchema(), document);
    if (problems.length > 0)
        return { status: 400, body: { errors: problems.map(p => ({ message: p.message })) }, mutation: false };
    const mutation = document.definitions.some(d => d.kind === 'OperationDefinition' && d.operation === 'mutation');
    const result = await (0, graphql_1.graphql)({ schema: githubSchema(), source: query, variableValues: variables, rootValue });
    return { status: 200, body: result, mutation };
}
