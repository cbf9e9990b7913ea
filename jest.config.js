/** @type {import('jest').Config} */
const libs = [
  'config',
  'database',
  'redis',
  'testing',
  'platform',
  'identity',
  'rate-limit',
  'events',
  'realtime',
  'tracing',
  'client',
  'graphql',
  'text',
];
const paths = Object.fromEntries(libs.map((lib) => [`@plaza/${lib}`, [`libs/${lib}/src`]]));

const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      // Also resolves @plaza/* in the global setup, which moduleNameMapper does not reach.
      baseUrl: __dirname,
      paths,
    },
    module: { type: 'commonjs' },
  },
];

module.exports = {
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform: { '^.+\\.(t|j|mj)s$': swc },
  // NestJS 12 and jose ship ESM only: let SWC turn them into CommonJS.
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|jose|@socket\\.io)/)'],
  moduleNameMapper: Object.fromEntries(libs.map((lib) => [`^@plaza/${lib}$`, `<rootDir>/libs/${lib}/src`])),
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
  testTimeout: 30_000,
  maxWorkers: 2,
};
