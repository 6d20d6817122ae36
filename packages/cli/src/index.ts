export { createProgram } from './program.js';
export type { CliIo } from './program.js';
export { EXIT, runCli } from './run-cli.js';
