// Shared Jest settings: TypeScript through ts-jest in ESM mode, workspace packages resolved to their
// sources (the `@kazuba/source` export condition), and the 90% coverage gate every package must pass.
import { fileURLToPath } from 'node:url';
import { basename, dirname } from 'node:path';

/**
 * Builds the Jest config of the package whose `jest.config.js` calls it.
 * @param {string} configUrl `import.meta.url` of the calling jest.config.js
 */
export function createJestConfig(configUrl) {
  const rootDir = dirname(fileURLToPath(configUrl));
  return {
    displayName: basename(rootDir),
    rootDir,
    testEnvironment: 'node',
    testEnvironmentOptions: { customExportConditions: ['@kazuba/source', 'node', 'node-addons'] },
    extensionsToTreatAsEsm: ['.ts'],
    moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
    transform: {
      '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.spec.json' }],
    },
    testMatch: ['<rootDir>/src/**/*.spec.ts'],
    collectCoverageFrom: ['src/**/*.ts', '!src/**/*.spec.ts', '!src/**/__fixtures__/**'],
    coverageDirectory: '<rootDir>/coverage',
    coverageReporters: ['text-summary', 'lcov'],
    coverageThreshold: {
      global: { lines: 90, branches: 90, functions: 90, statements: 90 },
    },
  };
}
