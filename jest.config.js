/** @type {import('jest').Config} */
module.exports = {
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  // agenda 6 and its Mongo backend ship ESM only; swc turns them into CommonJS for jest.
  transformIgnorePatterns: ['/node_modules/(?!(agenda|@agendajs)/)'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // On a cold cache the longest files start first (see the file).
  testSequencer: '<rootDir>/test/support/test-sequencer.js',
  // Leaves no timer of agenda's holding a worker open once its tests are done (see the file).
  testEnvironment: '<rootDir>/test/support/test-environment.ts',
  testTimeout: 30_000,
  // Three on two cores: the end-to-end files spend much of their time waiting on relink's jobs and the
  // stand-ins, which a third worker fills (measured: 229 s against 267 s with two).
  maxWorkers: 3,
};
