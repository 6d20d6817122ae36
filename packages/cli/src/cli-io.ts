/** Where the command line reads and writes: data to `stdout`, messages and progress to `stderr`. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean; readonly columns?: number };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean; readonly columns?: number };
  /** The environment (NO_COLOR, CI, PATH …). @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The working directory that relative paths start from. @default process.cwd() */
  readonly cwd?: string;
  /** Whether standard input is a terminal (interactive mode needs one). @default process.stdin.isTTY */
  readonly stdinIsTTY?: boolean;
}
