/** Options and checks several commands share. */
import type { OptionSpec } from './args.js';
import { UsageError } from './usage.js';

export const VAR_OPTION: OptionSpec = {
  type: 'string',
  multiple: true,
  value: 'DECL[=VALUES]',
  help:
    'declare an input, and optionally give its value: x:f64[3]=1,2,3, x:f32[n,m], ' +
    'x:f64[2,2]=[[1,2],[3,4]], b:f64=0.5; values may be nan, inf, -inf (repeat for each input)',
};

export const JSON_OPTION: OptionSpec = {
  type: 'boolean',
  help: 'print JSON instead of text (NaN, Infinity, -Infinity and -0 as strings)',
};

export const MODE_OPTION: OptionSpec = {
  type: 'string',
  value: 'MODE',
  default: 'fast_run',
  help: 'optimization mode: fast_run, fast_compile, none, or a mode of the rule files',
};

export const INCLUDE_OPTION: OptionSpec = {
  type: 'string',
  multiple: true,
  value: 'TAG[,TAG…]',
  help: 'also run the rules of these rulesets in every phase (e.g. unsafe)',
};

export const EXCLUDE_OPTION: OptionSpec = {
  type: 'string',
  multiple: true,
  value: 'TAG[,TAG…]',
  help: 'never run the rules of these rulesets (e.g. unsafe, to keep IEEE semantics)',
};

export const RULES_OPTION: OptionSpec = {
  type: 'string',
  multiple: true,
  value: 'FILE',
  help: 'load this rule file next to the shipped ones (repeat for several)',
};

/** The one expression a command takes; `--` before it when it starts with `--`. */
export function oneExpression(command: string, positionals: readonly string[]): string {
  if (positionals.length !== 1)
    throw new UsageError(
      `${command} takes one expression, got ${positionals.length}${positionals.length ? ` (${positionals.map((p) => `'${p}'`).join(', ')})` : ''}; quote it, and see 'saturn ${command} --help'`,
    );
  return positionals[0];
}

/**
 * An integer option's value.
 *
 * @example integerOption('runs', '50', 1) // 50
 */
export function integerOption(name: string, text: string, min = Number.MIN_SAFE_INTEGER): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isSafeInteger(n) || n < min)
    throw new UsageError(`--${name}: '${text}' is not an integer >= ${min}`);
  return n;
}
