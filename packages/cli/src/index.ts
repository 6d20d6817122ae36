export { createProgram } from './program.js';
export type { CliIo } from './cli-io.js';
export { EXIT, runCli } from './run-cli.js';
