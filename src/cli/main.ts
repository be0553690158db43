/**
 * The `saturn` command line. Each sub-command lives in its own file here; `main` only dispatches and
 * turns errors into messages: Saturn's own errors and usage errors exit with code 2, no stack trace.
 */

import { SaturnError } from '../graph/errors.js';
import { checkEquivalenceCommand } from './check-equivalence.js';
import { drawCommand } from './draw.js';
import { evalCommand } from './eval.js';
import { gradCommand } from './grad.js';
import { optimizeCommand } from './optimize.js';
import { rulesCommand } from './rules.js';
import { runCommand } from './run.js';
import { type Command, UsageError } from './usage.js';
import { formatOptions } from './args.js';

const COMMANDS: readonly Command[] = [
  evalCommand,
  runCommand,
  gradCommand,
  optimizeCommand,
  checkEquivalenceCommand,
  rulesCommand,
  drawCommand,
];

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'usage: saturn <command> [options]     (saturn <command> --help, saturn help <command>: its options)',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}\n  ${' '.repeat(width)}  ${c.usage}`),
  ].join('\n');
}

/** A command's help: usage, summary, details, every option, examples. */
function commandHelp(c: Command): string {
  return [
    `usage: ${c.usage}`,
    '',
    `${c.summary}.`,
    ...(c.details ? ['', c.details] : []),
    ...(c.options ? ['', 'options:', formatOptions(c.options), `  ${'-h, --help'}  this help`] : []),
    ...(c.examples?.length ? ['', 'examples:', ...c.examples.map((e) => `  ${e}`)] : []),
  ].join('\n');
}

/** Runs the CLI on `argv` (without node and script); returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.log(help());
    return name ? 0 : 2;
  }
  if (name === 'help') {
    const topic = rest[0] === undefined ? undefined : COMMANDS.find((c) => c.name === rest[0]);
    if (rest[0] !== undefined && !topic) {
      console.error(`saturn help: unknown command '${rest[0]}'\n\n${help()}`);
      return 2;
    }
    console.log(topic ? commandHelp(topic) : help());
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  // Options anywhere among the arguments, except the one argument after a `--` (a positional).
  const flags = rest.filter((a, i) => rest[i - 1] !== '--');
  if (command?.options && (flags.includes('--help') || flags.includes('-h'))) {
    console.log(commandHelp(command));
    return 0;
  }
  const json = flags.includes('--json');
  try {
    if (!command) throw new UsageError(`unknown command '${name}'\n\n${help()}`);
    const result = await command.run(rest);
    console.log(json ? JSON.stringify(result.json, null, 2) : result.text);
    return result.exitCode ?? 0;
  } catch (e) {
    if (e instanceof SaturnError || e instanceof UsageError || isArgError(e)) {
      const message = e instanceof Error ? e.message : String(e);
      if (json) console.log(JSON.stringify({ error: { kind: (e as Error).name, message } }, null, 2));
      else console.error(`saturn ${name}: ${message}`);
      return 2;
    }
    throw e;
  }
}

// node:util parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes for unknown or malformed options.
function isArgError(e: unknown): boolean {
  return e instanceof TypeError && String((e as { code?: string }).code ?? '').startsWith('ERR_PARSE_ARGS');
}
