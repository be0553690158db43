/**
 * The `saturn` command line. Each sub-command lives in its own file here; `main` only dispatches and
 * turns errors into messages: Saturn's own errors and usage errors exit with code 2, no stack trace.
 */

import { SaturnError } from '../graph/errors.js';
import { checkEquivalenceCommand } from './check-equivalence.js';
import { evalCommand } from './eval.js';
import { gradCommand } from './grad.js';
import { optimizeCommand } from './optimize.js';
import { rulesCommand } from './rules.js';
import { runCommand } from './run.js';
import { type Command, UsageError } from './usage.js';

const COMMANDS: readonly Command[] = [
  evalCommand,
  runCommand,
  gradCommand,
  optimizeCommand,
  checkEquivalenceCommand,
  rulesCommand,
];

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'usage: saturn <command> [options]',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}\n  ${' '.repeat(width)}  ${c.usage}`),
  ].join('\n');
}

/** Runs the CLI on `argv` (without node and script); returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return name ? 0 : 2;
  }
  const command = COMMANDS.find((c) => c.name === name);
  const json = rest.includes('--json');
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
