import { chmod, mkdir, mkdtemp, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** This folder, where the fake claude and the validation scripts live. */
export const AGENT_FIXTURES = dirname(fileURLToPath(import.meta.url));

/** A temporary project root whose `bin/claude` is the fake claude, and the environment that puts it first on PATH. */
export interface FakeClaudeRoot {
  readonly root: string;
  /** Where the fake claude records the argv, stdin, cwd and HYPERVISOR_* variables of its last call. */
  readonly record: string;
  readonly env: Record<string, string | undefined>;
}

/** Makes a fresh root (prefix `prefix`) with the fake claude on its PATH; the caller removes `root`. */
export async function makeFakeClaudeRoot(prefix: string): Promise<FakeClaudeRoot> {
  const root = await mkdtemp(join(tmpdir(), prefix));
  const bin = join(root, 'bin');
  await mkdir(bin);
  await chmod(join(AGENT_FIXTURES, 'fake-claude.mjs'), 0o755);
  await symlink(join(AGENT_FIXTURES, 'fake-claude.mjs'), join(bin, 'claude'));
  const record = join(root, 'record.json');
  return { root, record, env: { ...process.env, PATH: `${bin}:${process.env['PATH'] ?? ''}`, FAKE_CLAUDE_RECORD: record } };
}
