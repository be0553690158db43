import type { OptionTable } from './args.js';

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
  /** One line: the command and its positional arguments, e.g. `saturn eval "EXPR" [options]`. */
  readonly usage: string;
  /** Every option, for parsing and for `saturn <command> --help`. */
  readonly options?: OptionTable;
  /** Paragraphs of `--help` after the summary: what the arguments are, what the output means. */
  readonly details?: string;
  readonly examples?: readonly string[];
  run(args: readonly string[]): Promise<CommandResult> | CommandResult;
}
