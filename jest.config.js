/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(c|m)?(t|j)sx?$': ['@swc/jest'] },
  // kysely and PGlite ship ESM only; compile them to require() for jest on Node 20.
  transformIgnorePatterns: ['/node_modules/(?!(kysely|@electric-sql)/)'],
  testTimeout: 30000,
  maxWorkers: '50%',
};
