/** `--var` flags: `x:f64[3]=1,2,3`, `x:f32[n,m]`, or `x:f64[2,2]=[[1,2],[3,4]]`. */
import type { InputValue } from '../graph/interpret.js';
import type { Node } from '../graph/node.js';
import { parseDecls } from '../graph/syntax/index.js';
import { UsageError } from './usage.js';

/** Declared inputs and the values given for them. */
export interface Vars {
  readonly nodes: Record<string, Node>;
  readonly values: Record<string, InputValue>;
}

/**
 * Parses `--var` flags into input nodes (via the expression grammar's declarations) and values.
 *
 * @example parseVars(['x:f64[3]=1,2,3']).values.x // [1, 2, 3]
 */
export function parseVars(flags: readonly string[]): Vars {
  const nodes: Record<string, Node> = {};
  const values: Record<string, InputValue> = {};
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    const decl = eq < 0 ? flag : flag.slice(0, eq);
    Object.assign(nodes, parseDecls(decl));
    if (eq >= 0) {
      const name = decl.split(':')[0].trim();
      values[name] = parseValue(name, flag.slice(eq + 1));
    }
  }
  return { nodes, values };
}

function parseValue(name: string, text: string): InputValue {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    try {
      return JSON.parse(trimmed) as InputValue;
    } catch {
      throw new UsageError(`--var ${name}: '${text}' is not a JSON array of numbers`);
    }
  }
  const numbers = trimmed.split(',').map((s) => {
    const v = numberWord(s.trim());
    if (v === undefined)
      throw new UsageError(`--var ${name}: '${s}' is not a number (or nan, inf, -inf, true, false)`);
    return v;
  });
  return numbers.length === 1 && !text.includes(',') ? numbers[0] : numbers;
}

/** The words a value may be besides a decimal number: nan, inf, +inf, -inf, infinity, true, false. */
const WORDS: Readonly<Record<string, number>> = {
  nan: Number.NaN,
  '-nan': Number.NaN,
  inf: Infinity,
  '+inf': Infinity,
  '-inf': -Infinity,
  infinity: Infinity,
  '+infinity': Infinity,
  '-infinity': -Infinity,
  true: 1,
  false: 0,
};

/**
 * One value of a `--var` list, or undefined when it is not a number.
 *
 * @example [numberWord('-0'), numberWord('inf'), numberWord('NaN')] // [-0, Infinity, NaN]
 */
export function numberWord(text: string): number | undefined {
  const word = WORDS[text.toLowerCase()];
  if (word !== undefined) return word;
  const v = Number(text);
  return text === '' || Number.isNaN(v) ? undefined : v;
}
