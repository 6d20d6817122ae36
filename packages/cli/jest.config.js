import { createJestConfig } from '../../jest.preset.js';

const base = createJestConfig(import.meta.url);

// src/main.ts is the entry file: three lines of side effects, tested by running the built command in a
// child process, where coverage cannot see it.
export default { ...base, collectCoverageFrom: [...base.collectCoverageFrom, '!src/main.ts'] };
