// Jest proof for issue 5: jest (ESM mode, no transform) against the built package. Run by
// test/integration/vitest-jest.test.ts, which builds `kubechaos` into KUBECHAOS_JEST_BUILD first.
export default {
  rootDir: '../..',
  testMatch: ['<rootDir>/test/jest/*.jest.mjs'],
  testEnvironment: 'node',
  transform: {},
  moduleNameMapper: { '^kubechaos$': process.env.KUBECHAOS_JEST_BUILD ?? '<rootDir>/dist/index.js' },
  setupFilesAfterEnv: ['<rootDir>/test/jest/setup.mjs'],
  testTimeout: 60_000,
};
