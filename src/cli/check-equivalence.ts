/**
 * `saturn check-equivalence EXPR --var …`: optimizes an expression and compares the optimized graph with
 * the original on inputs that respect the declared dtypes and shapes (symbolic dims get random small
 * sizes; `--var` values, when given, are used as they are): random values, and edge values on purpose
 * (zeros, ±1, tiny and huge magnitudes, subnormals, NaN, ±Inf). Exit 0 when equivalent, 1 when not.
 */
import { evaluate } from '../graph/interpret.js';
import type { Tensor } from '../graph/tensor.js';
import { formatExpr, parseExpr } from '../graph/syntax/index.js';
import { optimize } from '../optimize.js';
import { unknownModeMessage } from '../rules/library.js';
import { defaultLibrary, libraryWithRules } from '../rules/load.js';
import { assertEquivalent, EquivalenceError } from '../testing/compare.js';
import type { Domains, InputDomain } from '../testing/inputs.js';
import { parseCommandArgs } from './args.js';
import {
  EXCLUDE_OPTION,
  INCLUDE_OPTION,
  integerOption,
  JSON_OPTION,
  MODE_OPTION,
  oneExpression,
  RULES_OPTION,
  VAR_OPTION,
} from './common.js';
import { jsonNumber, jsonValues } from './json.js';
import type { Command } from './usage.js';
import { UsageError } from './usage.js';
import { parseVars } from './vars.js';

const OPTIONS = {
  var: VAR_OPTION,
  runs: { type: 'string', value: 'N', default: '100', help: 'input sets to try' },
  seed: {
    type: 'string',
    value: 'S',
    default: 'random, printed',
    help: 'seed of the first input set (set k uses S + k); give the printed seed to replay a failure',
  },
  domain: {
    type: 'string',
    multiple: true,
    value: 'LO,HI|NAME=DOMAIN',
    default: 'any: -10,10 and every edge value',
    help:
      'where values come from: LO,HI for every input (random values and the edge values inside), or per input ' +
      'NAME=LO,HI, NAME=any (huge values, NaN and ±Inf too), NAME=integer, NAME=boolean (repeat for several)',
  },
  'no-edges': {
    type: 'boolean',
    help: 'draw only random values, no edge values (zeros, ±1, tiny, huge, subnormal, NaN, ±Inf)',
  },
  mode: MODE_OPTION,
  include: INCLUDE_OPTION,
  exclude: EXCLUDE_OPTION,
  rules: RULES_OPTION,
  json: JSON_OPTION,
} as const;

export const checkEquivalenceCommand: Command = {
  name: 'check-equivalence',
  summary: 'optimize an expression and compare it with the original on random and edge-value inputs',
  usage:
    'saturn check-equivalence "EXPR" --var "x:f64[n]" [--var …] [--runs N] [--seed S] [--domain LO,HI] [--mode M] [--exclude TAG] [--json]',
  options: OPTIONS,
  details:
    'Both sides are evaluated with the reference interpreter and compared under a tolerance scaled by the\n' +
    'largest intermediate magnitude. Where the optimized side is finite and the original overflows, a\n' +
    'stabilizing rule is accepted. Where they differ only because an unsafe rule fired (x / x => 1 at\n' +
    'x = 0), the message names the rule; --exclude unsafe keeps IEEE semantics.',
  examples: [
    'saturn check-equivalence "log(1 + exp(x))" --var "x:f64[n]"',
    'saturn check-equivalence "x / x" --var "x:f64[n]" --exclude unsafe',
    'saturn check-equivalence "-y * log(p)" --var y:f64[n] --var p:f64[n] --domain y=0,1 --domain p=0.01,1',
  ],
  run(argv) {
    const args = parseCommandArgs(OPTIONS, argv, 'check-equivalence');
    const runs = integerOption('runs', args.string('runs', '100'), 1);
    const seedText = args.string('seed');
    const seed =
      seedText === undefined ? Math.floor(Math.random() * 2 ** 31) : integerOption('seed', seedText);
    const domain = parseDomains(args.strings('domain')) ?? 'any';

    const vars = parseVars(args.strings('var'));
    const expr = parseExpr(oneExpression('check-equivalence', args.positionals), { vars: vars.nodes });
    // Given values become tensors of their declared input: the interpreter checks dtype and shape.
    const fixed: Record<string, Tensor> = {};
    for (const [name, value] of Object.entries(vars.values))
      if (vars.nodes[name]) fixed[name] = evaluate(vars.nodes[name], { [name]: value });

    const rules = args.strings('rules');
    const library = rules.length ? libraryWithRules(rules) : defaultLibrary();
    const mode = args.string('mode', 'fast_run');
    if (mode !== 'none' && !library.modes.has(mode))
      throw new UsageError(`--mode: ${unknownModeMessage(library, mode)}`);
    const exclude = args.strings('exclude', true);
    const { outputs, report } = optimize([expr], {
      library,
      mode,
      include: args.strings('include', true),
      exclude,
    });
    const summary = {
      original: formatExpr(expr),
      optimized: formatExpr(outputs),
      mode: report.mode,
      costBefore: report.costBefore,
      costAfter: report.costAfter,
      rules: report.rules,
      runs,
      seed,
    };
    const lines = [
      `original:  ${summary.original}`,
      `optimized: ${summary.optimized}`,
      `rules:     ${Object.keys(report.rules).join(', ') || 'none'}`,
    ];
    const edges = !args.flag('no-edges');
    try {
      // The outputs come from optimize: assertEquivalent allows the stabilizations it made and names
      // the unsafe rules it used when the sides differ at an IEEE edge.
      assertEquivalent([expr], outputs, { runs, seed, inputs: fixed, domain, edges });
    } catch (e) {
      if (!(e instanceof EquivalenceError)) throw e;
      const m = e.mismatch;
      return {
        text: [...lines, e.message].join('\n'),
        json: {
          ...summary,
          equivalent: false,
          seed: e.seed,
          unsafeRules: e.unsafeRules,
          mismatch: { ...m, expected: jsonNumber(m.expected), actual: jsonNumber(m.actual) },
          inputs: Object.fromEntries(
            Object.entries(e.inputs).map(([k, t]) => [
              k,
              { dtype: t.dtype, shape: t.shape, value: jsonValues(t.toArray()) },
            ]),
          ),
          message: e.message,
        },
        exitCode: 1,
      };
    }
    const what = edges ? 'input sets, edge values included' : 'random input sets';
    return {
      text: [...lines, `equivalent on ${runs} ${what} (seed ${seed})`].join('\n'),
      json: { ...summary, equivalent: true },
    };
  },
};

/**
 * `--domain` values: `LO,HI` for all inputs, or `NAME=LO,HI|any|integer|boolean` per input.
 *
 * @example parseDomains(['y=0,1', 'x=any']) // { y: [0, 1], x: 'any' }
 */
export function parseDomains(flags: readonly string[]): Domains | undefined {
  if (flags.length === 0) return undefined;
  const range = (text: string, flag: string): [number, number] => {
    const parts = text.split(',').map((p) => (p.trim() === '' ? Number.NaN : Number(p)));
    if (parts.length !== 2 || !parts.every((p) => !Number.isNaN(p)) || parts[0] > parts[1])
      throw new UsageError(
        `--domain: '${flag}' is not LO,HI with LO <= HI (or NAME=LO,HI, NAME=any|integer|boolean)`,
      );
    return [parts[0], parts[1]];
  };
  const global = flags.filter((f) => !f.includes('='));
  if (global.length > 1)
    throw new UsageError(`--domain: one LO,HI for all inputs, got ${global.join(' and ')}`);
  const perInput: Record<string, InputDomain> = {};
  for (const flag of flags.filter((f) => f.includes('='))) {
    const [name, value] = [flag.slice(0, flag.indexOf('=')).trim(), flag.slice(flag.indexOf('=') + 1).trim()];
    perInput[name] =
      value === 'any' || value === 'integer' || value === 'boolean' ? value : range(value, flag);
  }
  if (Object.keys(perInput).length === 0) {
    const [min, max] = range(global[0], global[0]);
    return { min, max };
  }
  if (global.length) throw new UsageError('--domain: give per-input domains (NAME=…) or one LO,HI, not both');
  return perInput;
}
