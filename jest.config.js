// The tests run on Node.js 20 and, in CI, on Node.js 22 (`npm run test:node22`), the Lambda's runtime. The
// SDK's notice on Node.js 20 that its 2027 releases need Node.js 22 says nothing about the code under test,
// so keep it out of the output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // TypeScript first: `npm run build` compiles contract/, lib/ and lambda/ in place, and tests must not pick up stale .js.
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json', 'node'],
  globalSetup: '<rootDir>/test/global-setup.mjs',
  transform: { '^.+\\.ts$': 'ts-jest' },
  reporters: ['default', '<rootDir>/test/summary-reporter.cjs'],
  testTimeout: 60_000,
};
