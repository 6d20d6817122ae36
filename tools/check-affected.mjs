// Proves that selective CI works: in a scratch git copy of this workspace, a commit that touches one
// package makes `nx show projects --affected` report exactly that package and the packages that depend
// on it (through their package.json dependencies), and nothing else.
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const rootFiles = ['nx.json', 'package.json', 'package-lock.json', 'tsconfig.base.json'];
const skippedDirs = new Set(['node_modules', 'dist', 'coverage']);

const checks = [
  {
    name: 'toon change affects toon, core, bridge and cli, not hypervisor-v2',
    touch: 'packages/toon/src/index.ts',
    expected: ['@kazuba/toon', '@kazuba/core', '@kazuba/bridge', '@kazuba/cli'],
  },
  { name: 'cli change affects cli alone', touch: 'packages/cli/src/index.ts', expected: ['@kazuba/cli'] },
  {
    name: 'hypervisor-v2 change affects hypervisor-v2, core, bridge and cli, not toon',
    touch: 'packages/hypervisor-v2/src/index.ts',
    expected: ['@kazuba/hypervisor-v2', '@kazuba/core', '@kazuba/bridge', '@kazuba/cli'],
  },
];

const childEnv = {
  ...process.env,
  CI: 'true',
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
  NX_TUI: 'false',
  GIT_AUTHOR_NAME: 'check-affected',
  GIT_AUTHOR_EMAIL: 'check-affected@example.invalid',
  GIT_COMMITTER_NAME: 'check-affected',
  GIT_COMMITTER_EMAIL: 'check-affected@example.invalid',
};

function runCommand(cwd, command, args) {
  const result = spawnSync(command, args, {
    cwd,
    env: childEnv,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 180_000,
  });
  if (result.error) throw new Error(`${command} ${args.join(' ')} could not run: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${result.stderr}${result.stdout}`);
  }
  return result.stdout;
}

function runGit(cwd, ...args) {
  return runCommand(cwd, 'git', ['-c', 'commit.gpgsign=false', '-c', 'core.hooksPath=.no-hooks', ...args]);
}

function copyWorkspace(scratch) {
  for (const file of rootFiles) cpSync(join(root, file), join(scratch, file));
  for (const entry of readdirSync(join(root, 'packages'), { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    cpSync(join(root, 'packages', entry.name), join(scratch, 'packages', entry.name), {
      recursive: true,
      filter: (source) => !source.split(/[\\/]/).some((part) => skippedDirs.has(part)),
    });
  }
  // No trailing slash: the node_modules symlink is not a directory to git.
  writeFileSync(join(scratch, '.gitignore'), 'node_modules\n.nx\n');
  symlinkSync(join(root, 'node_modules'), join(scratch, 'node_modules'), 'junction');
}

function createScratchRepo(scratch) {
  copyWorkspace(scratch);
  runGit(scratch, 'init', '-q', '-b', 'main');
  runGit(scratch, 'add', '-A');
  runGit(scratch, 'commit', '-q', '--no-verify', '-m', 'baseline');
}

function findNxBin() {
  // The bin moved between Nx majors (bin/nx.js, dist/bin/nx.js): ask the installed package.
  const manifestPath = join(root, 'node_modules', 'nx', 'package.json');
  if (!existsSync(manifestPath)) throw new Error('node_modules/nx is missing: run `npm ci` first');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  return join('node_modules', 'nx', manifest.bin.nx);
}

function listAffectedProjects(scratch, nx) {
  const args = [nx, 'show', 'projects', '--affected', '--base=main', '--head=HEAD', '--json'];
  const stdout = runCommand(scratch, process.execPath, args);
  // Keep only the JSON array, in case Nx prints a notice around it.
  const json = stdout.slice(stdout.indexOf('['), stdout.lastIndexOf(']') + 1);
  if (!json) throw new Error(`nx show projects printed no JSON array:\n${stdout}`);
  return JSON.parse(json).sort();
}

function checkAffected(scratch, nx, { touch, expected }) {
  const branch = `change-${touch.split('/')[1]}`;
  runGit(scratch, 'checkout', '-q', 'main');
  runGit(scratch, 'checkout', '-q', '-b', branch);
  appendFileSync(join(scratch, touch), '\n// touched by tools/check-affected.mjs\n');
  runGit(scratch, 'commit', '-q', '--no-verify', '-am', `touch ${touch}`);
  const actual = listAffectedProjects(scratch, nx);
  const wanted = [...expected].sort();
  if (actual.join(',') !== wanted.join(',')) {
    throw new Error(`expected [${wanted.join(', ')}], nx reported [${actual.join(', ')}]`);
  }
}

function main() {
  const scratch = mkdtempSync(join(tmpdir(), 'kazuba-affected-'));
  let passed = 0;
  let failed = 0;
  try {
    const nx = findNxBin();
    createScratchRepo(scratch);
    for (const check of checks) {
      try {
        checkAffected(scratch, nx, check);
        console.log(`ok - ${check.name}`);
        passed += 1;
      } catch (error) {
        console.log(`not ok - ${check.name}: ${error.message}`);
        failed += 1;
      }
    }
  } catch (error) {
    console.error(`check-affected: could not set up the scratch repository: ${error.message}`);
    failed += 1;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  console.log(`${passed} passed, ${failed} failed`);
  if (failed > 0) process.exitCode = 1;
}

main();
