/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // TypeScript first: `npm run build` compiles lib/ and lambda/ in place, and tests must not pick up stale .js.
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json', 'node'],
  globalSetup: '<rootDir>/test/global-setup.mjs',
  transform: { '^.+\\.ts$': 'ts-jest' },
  reporters: ['default', '<rootDir>/test/summary-reporter.cjs'],
  testTimeout: 60_000,
};
