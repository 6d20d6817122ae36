import { describe, expect, it } from '@jest/globals';
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { BUILT_CLI, REPO_ROOT, runBuilt } from './__fixtures__/other/cli-harness.js';

const DIST = dirname(BUILT_CLI);

interface BundleManifest {
  readonly entry: string;
  readonly files: readonly string[];
}


async function readManifest(): Promise<BundleManifest> {
  return JSON.parse(await readFile(join(DIST, 'bundle.json'), 'utf8')) as BundleManifest;
}

/** What a file of the bundle loads (static and dynamic imports, `require` calls), as esbuild's parser reads it. */
async function specifiersOf(file: string): Promise<string[]> {
  const specifiers: string[] = [];
  await build({
    entryPoints: [file],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    logLevel: 'silent',
    plugins: [
      {
        name: 'record-imports',
        setup(bundle) {
          bundle.onResolve({ filter: /.*/ }, ({ path, kind }) => {
            if (kind === 'entry-point') return undefined;
            specifiers.push(path);
            return { path, external: true };
          });
        },
      },
    ],
  });
  return specifiers;
}

// packages/cli/tools/bundle.mjs, run by the build after tsc: dist/main.js and its chunks.
describe('the bundled CLI (built)', () => {
  it('prints its version and shows the demo plan from dist/main.js, a file of the bundle', async () => {
    const manifest = await readManifest();
    expect(manifest.entry).toBe('main.js');
    expect(manifest.files).toContain('main.js');
    const { version } = JSON.parse(await readFile(join(DIST, '..', 'package.json'), 'utf8')) as { version: string };
    expect(await runBuilt(['--version'], REPO_ROOT)).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    const plan = await runBuilt(['plan', 'examples/demo'], REPO_ROOT);
    expect(plan).toMatchObject({ code: 0, stderr: '' });
    expect(plan.stdout).toContain('Plan demo: 8 phases');
  });

  it("imports only Node's own modules and its own files: no workspace source, no package from node_modules", async () => {
    const { files } = await readManifest();
    const own = new Set(files);
    const builtins = new Set(builtinModules);
    const strays: string[] = [];
    for (const file of files) {
      for (const specifier of await specifiersOf(join(DIST, file))) {
        const isOwn = specifier.startsWith('./') && own.has(specifier.slice(2));
        const isBuiltin = specifier.startsWith('node:') || builtins.has(specifier);
        if (!isOwn && !isBuiltin) strays.push(`${file}: ${specifier}`);
      }
    }
    expect(strays).toEqual([]);
    // The check itself sees the imports: the entry loads Node's module helper and its chunks.
    expect(await specifiersOf(BUILT_CLI)).toEqual(expect.arrayContaining(['node:module', expect.stringMatching(/^\.\/chunk-/)]));
  });
});
