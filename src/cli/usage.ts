/** A command-line usage error: printed without a stack trace, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** What every command returns: text for people, an object for `--json`. */
export interface CommandResult {
  readonly text: string;
  readonly json: unknown;
  /** Non-zero when the command ran but found problems (e.g. rules that fail their checks). */
  readonly exitCode?: number;
}

/** A sub-command of `saturn`. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  run(args: readonly string[]): Promise<CommandResult> | CommandResult;
}
