/** One jest run for every package: unit tests beside the code, cross-package tests in test/. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/renderer/src', '<rootDir>/plugins/scaffolder-postgres/src', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: { module: 'commonjs', target: 'ES2022', esModuleInterop: true, isolatedModules: true } }],
  },
  moduleNameMapper: {
    '^@postgres-gitops/renderer$': '<rootDir>/renderer/src/index.ts',
  },
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  testTimeout: 120000,
};
