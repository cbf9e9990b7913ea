/**
 * `npm run test:unit`: the fast tier. Unit specs next to the code (`*.spec.ts`), no platform
 * started (the e2e global setup is left out); specs that need Redis or PostgreSQL use the local
 * services directly.
 */
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: ['**/*.spec.ts'],
  globalSetup: undefined,
  globalTeardown: undefined,
  reporters: ['default'],
};
