/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  // agenda 6 and its Mongo backend ship ESM only; swc turns them into CommonJS for jest.
  transformIgnorePatterns: ['/node_modules/(?!(agenda|@agendajs)/)'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 30_000,
  maxWorkers: 2,
  // agenda 6 starts a 5-minute "is the job still alive" timer for every job run and never clears it
  // (dist/JobProcessor.js, checkIfJobIsStillAlive), so a test that runs relink's jobs in-process
  // keeps the process alive for 5 minutes after relink stopped. relink itself exits on shutdown.
  forceExit: true,
};
