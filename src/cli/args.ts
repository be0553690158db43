/**
 * The command line's argument parser, and the help it prints from the same option table. Written for
 * Saturn's arguments rather than with `node:util` parseArgs, whose strict mode refuses option values and
 * positionals that start with `-` (`--domain -5,5`, the expression `-sum(x)`):
 *
 * - `--name value` and `--name=value` give a string option its value, whatever the value starts with;
 * - `--flag` sets a boolean option;
 * - `--` makes the argument after it a positional even if it looks like an option (`-- --x`);
 * - any other argument starting with a single `-` is a positional (a negative number, `-sum(x)`);
 * - `-h` and `--help` ask for the command's help; an unknown `--name` is an error with a did-you-mean.
 */
import { editDistance } from '../graph/op-table.js';
import { UsageError } from './usage.js';

/** One option of a command: its kind, what its value looks like, and a sentence for `--help`. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** A string option given several times collects every value. */
  readonly multiple?: boolean;
  /** The value's shape in help (`N`, `LO,HI`, `FILE`). */
  readonly value?: string;
  /** The default, as help shows it. */
  readonly default?: string;
  readonly help: string;
}

/** A command's options by name (without the leading `--`). */
export type OptionTable = Readonly<Record<string, OptionSpec>>;

/** Parsed arguments: positionals in order, and typed accessors for the options given. */
export class ParsedArgs {
  constructor(
    readonly positionals: readonly string[],
    private readonly given: ReadonlyMap<string, readonly string[]>,
    /** True when `-h` or `--help` was given. */
    readonly help: boolean,
  ) {}

  /** The last value of a string option, or `fallback`. */
  string(name: string): string | undefined;
  string(name: string, fallback: string): string;
  string(name: string, fallback?: string): string | undefined {
    const values = this.given.get(name);
    return values === undefined ? fallback : values[values.length - 1];
  }

  /** Every value of a multiple option, each split at commas when `split` (`--grad w,b --grad c`). */
  strings(name: string, split = false): string[] {
    const values = [...(this.given.get(name) ?? [])];
    return split
      ? values
          .flatMap((v) => v.split(','))
          .map((v) => v.trim())
          .filter(Boolean)
      : values;
  }

  /** Whether a boolean option was given. */
  flag(name: string): boolean {
    return this.given.has(name);
  }
}

/**
 * Parses a command's arguments against its option table.
 *
 * @example
 * const args = parseCommandArgs({ domain: { type: 'string', help: 'range' } }, ['--domain', '-5,5', '-x']);
 * [args.string('domain'), args.positionals[0]]; // ['-5,5', '-x']
 */
export function parseCommandArgs(options: OptionTable, argv: readonly string[], command = ''): ParsedArgs {
  const positionals: string[] = [];
  const given = new Map<string, string[]>();
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      if (i + 1 < argv.length) positionals.push(argv[++i]);
      continue;
    }
    if (arg === '-h' || arg === '--help') {
      help = true;
      continue;
    }
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = options[name];
    if (spec === undefined) throw new UsageError(unknownOption(name, options, command));
    let value: string;
    if (spec.type === 'boolean') {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      value = 'true';
    } else if (eq >= 0) {
      value = arg.slice(eq + 1);
    } else {
      if (i + 1 >= argv.length)
        throw new UsageError(`--${name} needs a value${spec.value ? ` (${spec.value})` : ''}`);
      value = argv[++i];
    }
    const values = given.get(name) ?? [];
    if (values.length > 0 && !spec.multiple && spec.type === 'string')
      throw new UsageError(`--${name} given twice ('${values[0]}' and '${value}')`);
    given.set(name, [...values, value]);
  }
  return new ParsedArgs(positionals, given, help);
}

function unknownOption(name: string, options: OptionTable, command: string): string {
  const close = Object.keys(options).filter((k) => editDistance(k, name) <= 2);
  const hint = close.length ? ` (did you mean ${close.map((c) => `--${c}`).join(' or ')}?)` : '';
  const more = command ? `; see 'saturn ${command} --help'` : '';
  return `unknown option --${name}${hint}${more}`;
}

/**
 * The option list of a command's help: one option a line, its value, what it does and its default.
 *
 * @example formatOptions({ runs: { type: 'string', value: 'N', default: '100', help: 'input sets' } })
 * // '  --runs N  input sets (default 100)'
 */
export function formatOptions(options: OptionTable): string {
  const heads = Object.entries(options).map(([name, o]) => `--${name}${o.value ? ` ${o.value}` : ''}`);
  const width = Math.max(...heads.map((h) => h.length));
  return Object.values(options)
    .map((o, i) => {
      const text = `${o.help}${o.default !== undefined ? ` (default ${o.default})` : ''}`;
      return `  ${heads[i].padEnd(width)}  ${text}`;
    })
    .join('\n');
}
