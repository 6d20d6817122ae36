// Bundles the built CLI (dist/main.js, as tsc emits it) into ES modules, so that a start reads a few files instead of
// hundreds: dist/main.js is replaced by the bundle's entry and its chunks sit beside it in dist/ (so `../package.json`
// is one folder up from every one of them); the rest of dist/ (the library entry, dist/index.js, and its
// declarations) is left as tsc made it. Every package, the workspace's and node_modules', is bundled in: the bundle
// imports only Node's own modules and its own chunks. Each command's work is a chunk of its own, loaded by the
// command's dynamic import when it runs, so `--version` and `--help` load only commander and the command table.
//
//   node tools/bundle.mjs        (the last step of `npm run build`, after tsc)
import { build } from 'esbuild';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const require = createRequire(import.meta.url);

/** The file in dist/ that lists the bundle's files, for the test that checks what they import. */
const MANIFEST = 'bundle.json';

/**
 * RxJS's `node` export is its CommonJS build, which a bundler cannot shake: take its ES2015 modules instead (the same
 * code, marked free of side effects), so that only the operators in use are bundled and evaluated.
 */
const rxjsAsModules = {
  name: 'rxjs-as-modules',
  setup(bundle) {
    const rxjs = dirname(require.resolve('rxjs/package.json'));
    bundle.onResolve({ filter: /^rxjs(\/operators)?$/ }, ({ path }) => ({
      path: join(rxjs, 'dist/esm', path === 'rxjs' ? 'index.js' : 'operators/index.js'),
    }));
  },
};

const WORKSPACE_IMPORT = /^import \{([^}]*)\} from '(@kazuba\/[a-z0-9/-]+)';$/gm;
const BARREL_EXPORT = /^export \{([^}]*)\} from '([^']+)';$/gm;
const ZOD_IMPORT = "import { z } from 'zod';";

/** `a` or `a as b`, as `[a, b]`. */
function specifier(text) {
  const [name, alias = name] = text.trim().split(/\s+as\s+/);
  return [name, alias];
}

/** The module each name of a workspace package's entry (an `export { ... } from` list) comes from. */
async function readBarrel(entry) {
  const origins = new Map();
  for (const [, names, from] of (await readFile(entry, 'utf8')).matchAll(BARREL_EXPORT)) {
    for (const text of names.split(',').filter((name) => name.trim() !== '')) {
      const [name, exported] = specifier(text);
      origins.set(exported, { file: resolve(dirname(entry), from), name });
    }
  }
  return origins;
}

/**
 * Two rewrites of the workspace's own built files, both to the same bindings, so that esbuild keeps only what a
 * command uses and puts it in that command's chunks:
 * - `import { a } from '@kazuba/core'` imports `a` from the module the package's entry takes it from. esbuild splits
 *   chunks by the files each entry can reach, and through an entry file (`export { ... } from` every module of the
 *   package) `plan` would reach the process supervisor, execa and the checkpoint codecs it never runs.
 * - `import { z } from 'zod'` binds zod's whole namespace, which esbuild keeps whole: every schema kind, JSON Schema
 *   and 50 locales (570 kB). The same namespace as `import * as z` from zod's classic API keeps only the members read.
 */
const direct = {
  name: 'workspace-imports-direct',
  setup(bundle) {
    const barrels = new Map();
    const barrelOf = (pkg) => {
      if (!barrels.has(pkg)) barrels.set(pkg, readBarrel(require.resolve(pkg)));
      return barrels.get(pkg);
    };
    const zod = join(dirname(require.resolve('zod/package.json')), 'v4/classic/external.js');
    bundle.onLoad({ filter: /[\\/]packages[\\/][^\\/]+[\\/]dist[\\/].*\.js$/ }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      let contents = source.replaceAll(ZOD_IMPORT, `import * as z from ${JSON.stringify(zod)};`);
      for (const [line, names, pkg] of source.matchAll(WORKSPACE_IMPORT)) {
        const origins = await barrelOf(pkg);
        const specifiers = names.split(',').filter((name) => name.trim() !== '').map(specifier);
        // A name the entry does not list as `export { ... } from` keeps the import as it was.
        if (!specifiers.every(([name]) => origins.has(name))) continue;
        const imports = specifiers.map(([name, local]) => {
          const origin = origins.get(name);
          return `import { ${origin.name} as ${local} } from ${JSON.stringify(origin.file)};`;
        });
        contents = contents.replace(line, imports.join(' '));
      }
      return contents === source ? undefined : { contents, loader: 'js', resolveDir: dirname(path) };
    });
  },
};

const result = await build({
  entryPoints: { main: `${dist}main.js` },
  outdir: dist,
  allowOverwrite: true,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  // Whitespace and syntax only: identifiers keep their names, so that a bug's stack still reads.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  plugins: [rxjsAsModules, direct],
  // CommonJS packages in the bundle (yaml, commander, ...) call `require` for Node's own modules.
  banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
});

const files = Object.keys(result.metafile.outputs).map((file) => resolve(file).slice(dist.length));
await writeFile(`${dist}${MANIFEST}`, `${JSON.stringify({ entry: 'main.js', files: files.sort() }, null, 2)}\n`);

// The bundle keeps tsc's `#!/usr/bin/env node` line; check rather than ship an entry that cannot be run.
if (!(await readFile(`${dist}main.js`, 'utf8')).startsWith('#!/usr/bin/env node\n')) {
  throw new Error('the bundled dist/main.js lost its #!/usr/bin/env node line');
}
// main.d.ts described tsc's main.js, which is gone; the library's entry is dist/index.js.
await rm(`${dist}main.d.ts`, { force: true });
