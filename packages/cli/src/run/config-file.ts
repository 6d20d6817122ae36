import { resolve } from 'node:path';
import { loadProjectConfig } from '@kazuba/core/node';
import type { LoadedProjectConfig } from '@kazuba/core/node';

/**
 * The project's config file: `--config <file>`, else `hypervisor.config.yaml` (`.yml`, `.json`) in the project
 * root (`--root`, default the working directory); undefined when there is none. Named in messages relative to
 * the working directory.
 * @throws CoreError `invalid_config`: one line with the file, the line and the field.
 */
export function readConfigFile(flags: { readonly root?: string; readonly config?: string }, cwd: string): Promise<LoadedProjectConfig | undefined> {
  const root = resolve(cwd, flags.root ?? '.');
  return loadProjectConfig({ root, displayBase: cwd, ...(flags.config === undefined ? {} : { file: resolve(cwd, flags.config) }) });
}
