"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.findOperation = findOperation;
exports.bodyProblems = bodyProblems;
const ajv_1 = __importDefault(require("ajv"));
const ajv_formats_1 = __importDefault(require("ajv-formats"));
let compiled;
const ajv = new ajv_1.default({ strict: false, allErrors: true });
(0, ajv_formats_1.default)(ajv);
// GitHub's own format: "owner/name".
ajv.addFormat('repo.nwo', /^[\w.-]+\/[\w.-]+$/);
const validators = new Map();
function load() {
    if (compiled)
        return compiled;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const paths = require('@octokit/openapi').schemas['api.github.com.deref'].paths;
    const routes = Object.keys(paths).map(template => {
        const names = [...template.matchAll(/\{([^}]+)\}/g)].map(m => m[1]);
        const pattern = (last) => `^${template.replace(/\{[^}]+\}/g, m => (m === `{${names[names.length - 1]}}` ? last : '([^/]+)'))}$`;
        return { template, names, strict: new RegExp(pattern('([^/]+)')), greedy: new RegExp(pattern('(.+)')) };
    });
    // Longer literal templates first, so /git/refs/{ref} loses to a more specific route.
    routes.sort((a, b) => b.template.replace(/\{[^}]+\}/g, '').length - a.template.replace(/\{[^}]+\}/g, '').length);
    compiled = { paths, routes };
    return compiled;
}
function findOperation(method, path) {
    const { paths, routes } = load();
    for (const pass of ['strict', 'greedy']) {
        for (const route of routes) {
            const match = route[pass].exec(path);
            const op = match && paths[route.template][method.toLowerCase()];
            if (!match || !op)
                continue;
            const params = Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(match[i + 1])]));
            const key = `${method} ${route.template}`;
            const schema = op.requestBody?.content?.['application/json']?.schema;
            if (schema && !validators.has(key))
                validators.set(key, ajv.compile(schema));
            return { operationId: op.operationId, template: route.template, params, validate: validators.get(key) };
        }
    }
    return undefined;
}
function bodyProblems(operation, body) {
    if (!operation.validate)
        return [];
    return operation.validate(body) ? [] : (operation.validate.errors ?? []).map(e => `${e.instancePath || '(body)'} ${e.message}`);
}
