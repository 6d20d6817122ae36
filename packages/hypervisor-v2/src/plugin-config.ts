import { z } from 'zod';
import { deepFreeze } from './deep-freeze.js';
import { parseOrThrow } from './validation-issues.js';

const PLUGIN_NAME = /^[a-z0-9][a-z0-9._-]*$/i;

/**
 * How a plugin is configured when it is registered. Unknown keys are rejected, so a misspelt `enabled`
 * is an error rather than a plugin that silently stays on.
 */
export const pluginConfigSchema = z.strictObject({
  /** Identifies the plugin in logs and events: a letter or digit, then letters, digits, `.`, `_` or `-`. */
  name: z
    .string()
    .min(1, { error: 'must not be empty', abort: true })
    .regex(PLUGIN_NAME, { error: 'must start with a letter or digit and contain only letters, digits, ".", "_" and "-"' }),
  /**
   * Whether the hypervisor calls the plugin at all.
   * @default true
   */
  enabled: z.boolean().default(true),
  /**
   * The plugin's own settings, passed to it as they are.
   * @default {}
   */
  settings: z.record(z.string(), z.unknown()).default(() => ({})),
});

/** A validated plugin configuration, defaults applied. */
export type PluginConfig = z.output<typeof pluginConfigSchema>;

/** A plugin configuration as a user may write it: `enabled` and `settings` may be left out. */
export type PluginConfigInput = z.input<typeof pluginConfigSchema>;

/**
 * Validates a plugin configuration at the boundary where it enters (a config file, a CLI flag), applies the
 * defaults and freezes the result, `settings` included.
 * @param input the decoded configuration, e.g. the value of a JSON or YAML file
 * @param source where it came from, named in the error message (usually the file name)
 * @throws HypervisorV2Error `invalid_plugin_config`, with a one-line message naming the source and every
 * offending field, and the issues in `context.issues`.
 * @example
 * const config = parsePluginConfig(JSON.parse(text), 'plugins/audit.json');
 * if (config.enabled) register(config.name, config.settings);
 */
export function parsePluginConfig(input: unknown, source?: string): Readonly<PluginConfig> {
  return deepFreeze(parseOrThrow(pluginConfigSchema, input, 'invalid_plugin_config', 'plugin config', source));
}
