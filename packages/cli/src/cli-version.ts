import { createRequire } from 'node:module';

/**
 * The version of `@kazuba/cli`, from its package.json. This module sits directly in dist/ both as tsc emits it and
 * in the bundle (whose chunks are all in dist/), so the file is one folder up either way.
 */
export const CLI_VERSION = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
