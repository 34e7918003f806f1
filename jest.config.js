const { availableParallelism } = require('node:os');

/** What every test sees: our TypeScript through ts-jest, and the workspace packages from their sources. */
const shared = {
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: { module: 'commonjs', target: 'ES2022', esModuleInterop: true, isolatedModules: true } }],
    '^.+\\.tsx$': ['ts-jest', { tsconfig: { module: 'commonjs', target: 'ES2022', esModuleInterop: true, isolatedModules: true, jsx: 'react-jsx' } }],
  },
  moduleNameMapper: {
    '^@postgres-gitops/renderer$': '<rootDir>/renderer/src/index.ts',
    '^@postgres-gitops/publish$': '<rootDir>/plugins/publish/src/index.ts',
  },
};

/** One jest run for every package: unit tests beside the code, cross-package tests in test/. */
module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'node',
      testEnvironment: 'node',
      roots: ['<rootDir>/renderer/src', '<rootDir>/cli/src', '<rootDir>/plugins/publish/src', '<rootDir>/plugins/scaffolder-postgres/src', '<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
    },
    {
      // The preview field's components, rendered with Backstage's own (jsdom per file). Backstage's
      // frontend packages ship ES modules only, so node_modules go through esm-to-cjs here alone.
      displayName: 'components',
      testEnvironment: 'node',
      roots: ['<rootDir>/plugins/scaffolder-postgres-react/src'],
      testMatch: ['**/*.test.tsx'],
      transform: { ...shared.transform, '/node_modules/.+\\.m?js$': '<rootDir>/test/support/esm-to-cjs.js' },
      transformIgnorePatterns: [],
      moduleNameMapper: {
        ...shared.moduleNameMapper,
        // Images and stylesheets Backstage's components import, as a bundler would give them.
        '\\.(svg|png|jpe?g|gif|css)$': '<rootDir>/test/support/file-stub.js',
        '\\.module\\.css\\.esm\\.js$': '<rootDir>/test/support/css-module-stub.js',
      },
    },
  ],
  testTimeout: 120000,
  // Most test time is waiting on child processes (PostgreSQL, git, pgbouncer, Chromium), so on
  // two cores two workers finish far sooner than jest's default of one (which also runs every
  // file in one ever-growing process, where each spawn costs more). Workers are recycled once
  // their heap passes 1 GiB for the same reason.
  maxWorkers: Math.max(2, availableParallelism() - 1),
  workerIdleMemoryLimit: '1GB',
  // A Backstage test backend with both the scaffolder and the catalog leaves the process
  // alive after backend.stop() and every afterAll, with no open handle jest or Node can name
  // (see test/backstage.test.ts); end the run once the results are in.
  forceExit: true,
};
