'use strict';
/**
 * Jest transformer for node_modules in the browser-side tests: Backstage's frontend packages and
 * several of their dependencies ship ES modules only. A file with import/export statements is
 * transpiled to CommonJS (TypeScript's transpileModule, as ts-jest does for our own files); any
 * other file passes through untouched.
 */
const { createHash } = require('node:crypto');
const ts = require('typescript');

const ESM_SYNTAX = /^\s*(import\s[^(]|import\{|export\s|export\{)/m;

module.exports = {
  process(source, filename) {
    if (!ESM_SYNTAX.test(source)) return { code: source };
    const { outputText, sourceMapText } = ts.transpileModule(source, {
      fileName: filename,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, allowJs: true, esModuleInterop: true, sourceMap: true },
    });
    return { code: outputText, map: sourceMapText };
  },
  getCacheKey(source, filename) {
    return createHash('sha256').update(ts.version).update('\0').update(filename).update('\0').update(source).digest('hex');
  },
};
