/**
 * The `saturn` command line. Each sub-command lives in its own file here; `main` only dispatches and
 * turns errors into messages: Saturn's own errors and usage errors exit with code 2, no stack trace.
 */

import { SaturnError } from '../graph/errors.js';
import { formatOptions } from './args.js';
import { type Command, UsageError } from './usage.js';

/**
 * The commands, each loaded only when run (or for help): a command's module pulls in what it needs, and
 * `saturn optimize` should not pay for the runtime's executors, fast-check or Graphviz.
 */
const COMMANDS: readonly { readonly name: string; readonly load: () => Promise<Command> }[] = [
  { name: 'eval', load: async () => (await import('./eval.js')).evalCommand },
  { name: 'run', load: async () => (await import('./run.js')).runCommand },
  { name: 'grad', load: async () => (await import('./grad.js')).gradCommand },
  { name: 'optimize', load: async () => (await import('./optimize.js')).optimizeCommand },
  {
    name: 'check-equivalence',
    load: async () => (await import('./check-equivalence.js')).checkEquivalenceCommand,
  },
  { name: 'rules', load: async () => (await import('./rules.js')).rulesCommand },
  { name: 'draw', load: async () => (await import('./draw.js')).drawCommand },
];

const commandNamed = (name: string) => COMMANDS.find((c) => c.name === name)?.load();

async function help(): Promise<string> {
  const commands = await Promise.all(COMMANDS.map((c) => c.load()));
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'usage: saturn <command> [options]     (saturn <command> --help, saturn help <command>: its options)',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}\n  ${' '.repeat(width)}  ${c.usage}`),
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
    console.log(await help());
    return name ? 0 : 2;
  }
  if (name === 'help') {
    const topic = rest[0] === undefined ? undefined : await commandNamed(rest[0]);
    if (rest[0] !== undefined && !topic) {
      console.error(`saturn help: unknown command '${rest[0]}'\n\n${await help()}`);
      return 2;
    }
    console.log(topic ? commandHelp(topic) : await help());
    return 0;
  }
  const command = await commandNamed(name);
  // Options anywhere among the arguments, except the one argument after a `--` (a positional).
  const flags = rest.filter((a, i) => rest[i - 1] !== '--');
  if (command?.options && (flags.includes('--help') || flags.includes('-h'))) {
    console.log(commandHelp(command));
    return 0;
  }
  const json = flags.includes('--json');
  try {
    if (!command) throw new UsageError(`unknown command '${name}'\n\n${await help()}`);
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
