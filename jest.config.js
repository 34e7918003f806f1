/** One jest run for every package: unit tests beside the code, cross-package tests in test/. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/renderer/src', '<rootDir>/cli/src', '<rootDir>/plugins/publish/src', '<rootDir>/plugins/scaffolder-postgres/src', '<rootDir>/plugins/scaffolder-postgres-react/src', '<rootDir>/test'],
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: { module: 'commonjs', target: 'ES2022', esModuleInterop: true, isolatedModules: true } }],
    '^.+\\.tsx$': ['ts-jest', { tsconfig: { module: 'commonjs', target: 'ES2022', esModuleInterop: true, isolatedModules: true, jsx: 'react-jsx' } }],
  },
  moduleNameMapper: {
    '^@postgres-gitops/renderer$': '<rootDir>/renderer/src/index.ts',
    '^@postgres-gitops/publish$': '<rootDir>/plugins/publish/src/index.ts',
  },
  testTimeout: 120000,
  // A Backstage test backend with both the scaffolder and the catalog leaves the process
  // alive after backend.stop() and every afterAll, with no open handle jest or Node can name
  // (see test/backstage.test.ts); end the run once the results are in.
  forceExit: true,
};
