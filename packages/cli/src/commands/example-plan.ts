/** A file of the example plan that `hypervisor init` writes. */
export interface ExampleFile {
  /** Relative to the plan folder, with `/` separators. */
  readonly path: string;
  readonly text: string;
  /** Unix permissions. */
  readonly mode: number;
}

function readme(dir: string): string {
  const commands = [
    [`hypervisor plan ${dir}`, 'check it: order, critical path, estimated makespan'],
    [`hypervisor run ${dir} --mode parallel -j 2`, 'run it; phases 2 and 3 run side by side'],
    [`hypervisor status ${dir}`, 'what is done; a second run skips it'],
  ] as const;
  const width = Math.max(...commands.map(([command]) => command.length));
  const usage = commands.map(([command, comment]) => `    ${command.padEnd(width)}  # ${comment}`).join('\n');
  return `# An example plan

A plan is a folder of markdown phase files. The YAML front matter of each says what the phase depends on, how
it is checked and where its checkpoint goes; the markdown body is the prompt an agent gets. These phases need
no agent: each has a \`run:\` line, a shell command run in the project root (the current directory, or
\`--root <dir>\`).

${usage}

The phases write \`out/\`, and their checkpoints go to \`checkpoints/\`, both under the root.

To make it yours: edit the \`run:\` lines, or delete them and write a prompt in the body for an agent
(\`--agent claude\`, the default, or codex, gemini). Fields:

- \`phase\`: unique integer id; \`title\`: the name shown everywhere
- \`depends_on\`: ids that must succeed first
- \`parallel_group\`: phases with the same group may run side by side; \`null\` runs alone
- \`validation_script\`: run after the phase, relative to this folder; exit 0 means the phase passed
- \`checkpoint\`: where the phase's record goes, relative to the root (default \`checkpoints/phase_NN.toon\`)
- \`estimated_minutes\`, \`effort\` (XS to XL), \`estimated_tokens\`: size hints for the schedule
- \`recovery_plan\`: told to the agent when the phase is retried
`;
}

const VALIDATION = `#!/bin/sh
# Runs after each phase, in the project root, with the phase's environment (HYPERVISOR_PHASE_ID,
# HYPERVISOR_ATTEMPT, HYPERVISOR_ROOT ...). Exit 0: the phase passed; anything else: it failed and is retried.
file="out/phase-$HYPERVISOR_PHASE_ID.txt"
if [ -s "$file" ]; then
  echo "ok: $file"
  exit 0
fi
echo "expected $file to exist and not be empty" >&2
exit 1
`;

interface PhaseTemplate {
  readonly file: string;
  readonly id: number;
  readonly title: string;
  readonly dependsOn: readonly number[];
  readonly group: string | null;
  /** `estimated_minutes`, with a comment saying it in seconds. */
  readonly minutes: string;
  readonly run: string;
  readonly body: string;
}

const PHASES: readonly PhaseTemplate[] = [
  {
    file: '01-prepare.md',
    id: 1,
    title: 'Prepare the workspace',
    dependsOn: [],
    group: null,
    minutes: '0.01 # 0.6 s',
    run: 'mkdir -p out && echo "prepared" > out/phase-1.txt',
    body: 'Create the output folder the other phases write to.',
  },
  {
    file: '02-lint.md',
    id: 2,
    title: 'Lint',
    dependsOn: [1],
    group: 'checks',
    minutes: '0.02 # 1.2 s',
    run: 'echo "linting..." && sleep 1 && echo "lint: clean" > out/phase-2.txt',
    body: 'Check the code style. Runs beside phase 3: both are in the parallel group "checks".',
  },
  {
    file: '03-test.md',
    id: 3,
    title: 'Test',
    dependsOn: [1],
    group: 'checks',
    minutes: '0.04 # 2.4 s',
    run: 'echo "testing..." && sleep 2 && echo "tests: 12 passed" > out/phase-3.txt',
    body: 'Run the tests. The longest phase, so it is on the critical path.',
  },
  {
    file: '04-report.md',
    id: 4,
    title: 'Report',
    dependsOn: [2, 3],
    group: null,
    minutes: '0.01 # 0.6 s',
    run: 'cat out/phase-1.txt out/phase-2.txt out/phase-3.txt > out/phase-4.txt && cat out/phase-4.txt',
    body: 'Collect what the other phases wrote.',
  },
];

function phaseFile(phase: PhaseTemplate): string {
  const front = [
    '---',
    `phase: ${phase.id}`,
    `title: "${phase.title}"`,
    `depends_on: [${phase.dependsOn.join(', ')}]`,
    `parallel_group: ${phase.group === null ? 'null' : `"${phase.group}"`}`,
    `estimated_minutes: ${phase.minutes}`,
    'validation_script: "validation/check-output.sh"',
    `checkpoint: "checkpoints/phase_${String(phase.id).padStart(2, '0')}.toon"`,
    `run: '${phase.run}'`,
    '---',
  ];
  return `${front.join('\n')}\n\n# Phase ${phase.id}: ${phase.title}\n\n${phase.body}\n`;
}

/**
 * The files of the example plan: a README, four phases with `run:` lines, and one validation script.
 * @param dir the plan folder as the user named it, quoted in the README's commands
 */
export function examplePlanFiles(dir: string): readonly ExampleFile[] {
  return [
    { path: 'README.md', text: readme(dir), mode: 0o644 },
    ...PHASES.map((phase) => ({ path: phase.file, text: phaseFile(phase), mode: 0o644 })),
    { path: 'validation/check-output.sh', text: VALIDATION, mode: 0o755 },
  ];
}
