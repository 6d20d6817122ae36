import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderScreen } from '../run/__fixtures__/terminal-screen.js';
import { BUILT_CLI, requireBuild, spawnCommand } from './__fixtures__/run/spawn-cli.js';
import type { Finished } from './__fixtures__/run/spawn-cli.js';
import { ledger, removePlans, writePlan } from './__fixtures__/run/write-plan.js';

jest.setTimeout(60_000);
afterAll(removePlans);

// util-linux `script` gives the command a pseudo-terminal, without a native dependency; skipped where absent.
const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
const ESC = '\u001b';

/** What to answer when the prompt for a phase comes, or what to type once some text has been drawn. */
type Answer = { readonly phase: number; readonly keys: string } | { readonly seen: string; readonly keys: string };

/**
 * Runs the built command on a pseudo-terminal 100 columns wide, answering the interactive prompt of each phase
 * once the prompt is drawn in full (its key help is the last line), so that it has the keyboard.
 */
async function onTerminal(root: string, args: readonly string[], options: { readonly answers?: readonly Answer[]; readonly env?: Record<string, string> } = {}): Promise<Finished> {
  requireBuild();
  const command = ['stty cols 100;', process.execPath, BUILT_CLI, ...args].join(' ');
  const spawned = spawnCommand('script', ['-qec', command, '/dev/null'], { cwd: root, env: { TERM: 'xterm', ...options.env } });
  const answers = [...(options.answers ?? [])];
  spawned.child.stdout?.on('data', () => {
    const next = answers[0];
    if (next === undefined) return;
    const { stdout } = spawned.output();
    if ('seen' in next) {
      if (!stdout.includes(next.seen)) return;
    } else {
      const asked = stdout.indexOf(`Phase ${next.phase}: `);
      if (asked === -1 || !stdout.includes('navigate', asked)) return;
    }
    answers.shift();
    spawned.child.stdin?.write(next.keys);
  });
  return spawned.finished;
}

const ENTER = '\r';
const DOWN = `${ESC}[B`;

(hasScript ? describe : describe.skip)('hypervisor run (the built command) on a terminal', () => {
  it('draws a live view redrawn in place, in colour', async () => {
    const { root } = await writePlan([{ id: 1, run: 'sleep 0.4' }, { id: 2, run: 'true', dependsOn: [1] }]);
    const result = await onTerminal(root, ['run', 'plan']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`${ESC}[?25l`);
    expect(result.stdout).toMatch(new RegExp(`${ESC}\\[\\dA${ESC}\\[J`));
    expect(result.stdout).toContain(`${ESC}[1mhypervisor run "plan"${ESC}[22m`);
    expect(result.stdout).toMatch(/▸.* 1 .*Phase 1/);
    expect(result.stdout).toContain(`${ESC}[32m✓ run succeeded${ESC}[39m`);
  });

  it('uses no colour when NO_COLOR is set', async () => {
    const { root } = await writePlan([{ id: 1, run: 'true' }]);
    const result = await onTerminal(root, ['run', 'plan'], { env: { NO_COLOR: '1' } });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('✓ run succeeded');
    expect(result.stdout).not.toMatch(new RegExp(`${ESC}\\[\\d+m`));
  });

  it('asks before each phase in interactive mode, showing its title, dependencies and command', async () => {
    const { root } = await writePlan([{ id: 1, title: 'Setup', run: ledger(1) }, { id: 2, title: 'Build', run: ledger(2), dependsOn: [1] }, { id: 3, title: 'Ship', run: ledger(3), dependsOn: [2] }]);
    // Phase 1: run (the first choice); phase 2: "run all the rest" (the fourth); phase 3 is not asked.
    const result = await onTerminal(root, ['run', 'plan', '--mode', 'interactive'], { answers: [{ phase: 1, keys: ENTER }, { phase: 2, keys: `${DOWN}${DOWN}${DOWN}${ENTER}` }], env: { NO_COLOR: '1' } });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Phase 2: Build\r\n  depends on: 1 (Setup)\r\n  command:    echo "2,$HYPERVISOR_ATTEMPT" >> "$HYPERVISOR_ROOT/ledger"\r\nWhat now?');
    expect(result.stdout.split('What now?').length - 1).toBeGreaterThanOrEqual(2);
    expect(result.stdout).not.toContain('Phase 3: Ship\r\n');
    expect(await readFile(join(root, 'ledger'), 'utf8')).toBe('1,1\n2,1\n3,1\n');
  });

  it('skips a phase the user skips, with what depends on it, and then exits 1: the plan is not done', async () => {
    const { root } = await writePlan([{ id: 1, run: ledger(1) }, { id: 2, run: ledger(2), dependsOn: [1] }, { id: 3, run: ledger(3), dependsOn: [2] }]);
    const result = await onTerminal(root, ['run', 'plan', '--mode', 'interactive'], { answers: [{ phase: 1, keys: ENTER }, { phase: 2, keys: `${DOWN}${ENTER}` }], env: { NO_COLOR: '1' } });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('phase 2 (Phase 2) skipped: skipped by the user');
    expect(await readFile(join(root, 'ledger'), 'utf8')).toBe('1,1\n');
  });

  it('keeps keys typed between prompts from breaking the live view or answering the next prompt', async () => {
    const { root } = await writePlan([{ id: 1, title: 'Setup', run: `sleep 1; ${ledger(1)}` }, { id: 2, title: 'Build', run: ledger(2), dependsOn: [1] }]);
    // Enter typed while phase 1 runs, then phase 2 skipped.
    const answers = [{ phase: 1, keys: ENTER }, { seen: '▸ 1 Setup', keys: ENTER }, { phase: 2, keys: `${DOWN}${ENTER}` }];
    const result = await onTerminal(root, ['run', 'plan', '--mode', 'interactive'], { answers, env: { NO_COLOR: '1' } });
    expect(result.status).toBe(1);
    expect(await readFile(join(root, 'ledger'), 'utf8')).toBe('1,1\n');
    // The view is erased at the end: no copy of it stays above or between the prompts.
    const screen = renderScreen(result.stdout);
    expect(screen.filter((line) => line.startsWith('hypervisor run "plan"'))).toEqual([]);
    expect(screen.slice(0, 9)).toEqual([
      '✔ Phase 1: Setup',
      '  depends on: none',
      `  command:    sleep 1; ${ledger(1)}`,
      'What now? run',
      expect.stringMatching(/^✓ phase 1 \(Setup\) succeeded in /),
      '✔ Phase 2: Build',
      '  depends on: 1 (Setup)',
      `  command:    ${ledger(2)}`,
      'What now? skip',
    ]);
  });

  it('aborts the run when the user picks abort, and exits 130', async () => {
    const { root } = await writePlan([{ id: 1, run: ledger(1) }]);
    const result = await onTerminal(root, ['run', 'plan', '--mode', 'interactive'], { answers: [{ phase: 1, keys: `${DOWN}${DOWN}${ENTER}` }], env: { NO_COLOR: '1' } });
    expect(result.status).toBe(130);
    expect(result.stdout).toContain('to resume, run `hypervisor run plan` again');
  });
});
