import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A phase of a throw-away plan whose work is a `run:` line (without one, its prompt goes to the agent). */
export interface ShellPhase {
  readonly id: number;
  readonly run?: string;
  readonly dependsOn?: readonly number[];
  readonly validation?: { readonly file: string; readonly text: string };
  readonly extra?: string;
}

const roots: string[] = [];

/** Removes every project root {@link writeShellPlan} made. */
export async function removeShellPlans(): Promise<void> {
  await Promise.all(roots.splice(0).map((root) => rm(root, { recursive: true, force: true })));
}

/** Writes a plan folder `plan/` inside a fresh project root (removed by {@link removeShellPlans}) and returns both paths. */
export async function writeShellPlan(phases: readonly ShellPhase[]): Promise<{ root: string; planDir: string }> {
  const root = await mkdtemp(join(tmpdir(), 'kazuba-run-plan-'));
  roots.push(root);
  const planDir = join(root, 'plan');
  await mkdir(join(planDir, 'validation'), { recursive: true });
  for (const phase of phases) {
    const lines = [
      '---',
      `phase: ${phase.id}`,
      `title: Phase ${phase.id}`,
      `depends_on: [${(phase.dependsOn ?? []).join(', ')}]`,
      ...(phase.run === undefined ? [] : [`run: ${JSON.stringify(phase.run)}`]),
      ...(phase.validation === undefined ? [] : [`validation_script: validation/${phase.validation.file}`]),
      ...(phase.extra === undefined ? [] : [phase.extra]),
      '---',
      `Work of phase ${phase.id}.`,
    ];
    await writeFile(join(planDir, `${String(phase.id).padStart(2, '0')}-phase.md`), `${lines.join('\n')}\n`);
    if (phase.validation !== undefined) await writeFile(join(planDir, 'validation', phase.validation.file), phase.validation.text);
  }
  return { root, planDir };
}
