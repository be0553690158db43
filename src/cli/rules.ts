/**
 * `saturn rules check [FILES]`: loads rule files (the shipped `rules/` by default), prints every error,
 * checks each rule's soundness by evaluation, reports type changes and hazards, runs the files' `check`
 * lines, and exits 1 on any error, unsound rule or failed check. With `--expr`, a playground: optimize
 * one expression and show what the rules did (`--explain`, `--dot FILE`, `--svg FILE`).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDType } from '../graph/dtype.js';
import { parseExpr } from '../graph/syntax/index.js';
import { formatPlayground, playground } from '../rules/playground.js';
import { checkRules, formatRulesCheck } from '../rules/check.js';
import type { RuleLibrary } from '../rules/library.js';
import {
  defaultLibrary,
  loadLibrary,
  readRuleDir,
  type RuleSource,
  SHIPPED_RULES_DIR,
} from '../rules/load.js';
import { formatCounterexample } from '../rules/soundness.js';
import { parseCommandArgs } from './args.js';
import { renderSvg } from './svg.js';
import {
  EXCLUDE_OPTION,
  INCLUDE_OPTION,
  integerOption,
  JSON_OPTION,
  MODE_OPTION,
  VAR_OPTION,
} from './common.js';
import { jsonNumber } from './json.js';
import type { Command, CommandResult } from './usage.js';
import { UsageError } from './usage.js';
import { parseVars } from './vars.js';
import { writeOptionFile } from './output-file.js';

const nonNegativeInt = (flag: string, text: string | undefined, fallback: number): number =>
  text === undefined ? fallback : integerOption(flag, text, 0);

/**
 * The files to check (the shipped ones by default), and the library they are loaded on top of: the
 * shipped one for files of one's own, unless alone.
 */
function readSources(
  files: readonly string[],
  alone: boolean,
): { sources: RuleSource[]; base?: RuleLibrary } {
  if (files.length === 0) return { sources: readRuleDir(SHIPPED_RULES_DIR) };
  const sources = files.map((file) => {
    try {
      return { text: readFileSync(file, 'utf8'), file };
    } catch {
      throw new UsageError(`cannot read rule file '${file}'`);
    }
  });
  if (alone) return { sources };
  // Files are checked on top of the shipped library, less the shipped files named (a shipped file on top
  // of itself would declare its rulesets twice; alone, it would miss those of 00-modes.rules).
  const named = new Set(files.map((f) => resolve(f)));
  const shipped = readRuleDir(SHIPPED_RULES_DIR);
  const others = shipped.filter((s) => !named.has(resolve(s.file!)));
  if (others.length === shipped.length) return { sources, base: defaultLibrary() };
  const { library, errors } = loadLibrary(others);
  // Without the files named (00-modes.rules among them) the rest may not load: check them alone then.
  return { sources, base: errors.length === 0 ? library : undefined };
}

const OPTIONS = {
  runs: { type: 'string', value: 'N', default: '100', help: 'soundness draws per rule' },
  seed: { type: 'string', value: 'S', default: 'random', help: 'seed of the soundness draws' },
  filter: {
    type: 'string',
    value: 'TEXT',
    help: 'check only the rules whose name contains TEXT (skips the check lines)',
  },
  dtypes: {
    type: 'string',
    value: 'D[,D…]',
    default: 'f64,f32,i64,i32',
    help: 'dtypes drawn for rule variables in the soundness check (f64, f32, i64, i32, bool)',
  },
  'no-growth': {
    type: 'boolean',
    help: 'skip the growth probes (rules and rulesets that grow without bound), the slowest part',
  },
  alone: {
    type: 'boolean',
    help: 'check the files by themselves, without the shipped rulesets, modes and rules in scope',
  },
  verbose: {
    type: 'boolean',
    help: 'also print notes: rules sharing a left side, unsafe rules, rules whose types differ on some inputs',
  },
  expr: {
    type: 'string',
    value: 'EXPR',
    help: 'the playground: optimize this expression and show what the rules did',
  },
  var: VAR_OPTION,
  mode: MODE_OPTION,
  include: INCLUDE_OPTION,
  exclude: EXCLUDE_OPTION,
  explain: { type: 'boolean', help: 'with --expr: print the chain of rewrites from the input to the result' },
  dot: { type: 'string', value: 'FILE', help: 'with --expr: write the saturated e-graph as Graphviz source' },
  svg: { type: 'string', value: 'FILE', help: 'with --expr: draw the saturated e-graph as SVG' },
  json: JSON_OPTION,
} as const;

export const rulesCommand: Command = {
  name: 'rules',
  summary: 'check rule files (errors, soundness, hazards, checks), or try rules on an expression',
  usage:
    'saturn rules check [FILES] [--runs N] [--seed S] [--filter NAME] [--dtypes f64,f32,i64,i32,bool] [--no-growth] [--alone] [--verbose] [--json]\n' +
    '    saturn rules check [FILES] --expr "EXPR" --var "x:f32[n]" [--mode fast_run] [--explain] [--dot FILE] [--svg FILE] [--json]',
  options: OPTIONS,
  details:
    'With no FILES, checks the shipped rules/ library. FILES of your own are checked with the shipped\n' +
    'rulesets, modes and rules in scope (so [canonicalize] tags and check lines work), unless --alone;\n' +
    'a shipped file (rules/logic.rules) with the rest of the shipped library in scope.\n' +
    'Exit 1 on a loading error, an unsound rule or a failed check line.',
  examples: [
    'saturn rules check',
    'saturn rules check my.rules',
    'saturn rules check --expr "log(1 + exp(x))" --var "x:f32[n]" --explain',
  ],
  async run(argv): Promise<CommandResult> {
    const args = parseCommandArgs(OPTIONS, argv, 'rules');
    const [sub, ...files] = args.positionals;
    if (sub !== 'check') throw new UsageError(`rules: expected 'check', got ${sub ? `'${sub}'` : 'nothing'}`);
    const { sources, base } = readSources(files, args.flag('alone'));

    const exprText = args.string('expr');
    if (exprText !== undefined) {
      const { library, errors } = loadLibrary(sources, base);
      if (errors.length) throw errors[0];
      const vars = parseVars(args.strings('var'));
      const expr = parseExpr(exprText, { vars: vars.nodes });
      const dotFile = args.string('dot');
      const svgFile = args.string('svg');
      const result = playground(expr, {
        library,
        mode: args.string('mode', 'fast_run'),
        include: args.strings('include', true),
        exclude: args.strings('exclude', true),
        explain: args.flag('explain'),
        dot: dotFile !== undefined || svgFile !== undefined,
      });
      const written: string[] = [];
      if (dotFile !== undefined && result.dot) {
        writeOptionFile('--dot', dotFile, `${result.dot}\n`);
        written.push(`wrote ${dotFile}`);
      }
      if (svgFile !== undefined && result.dot) {
        writeOptionFile('--svg', svgFile, await renderSvg(result.dot));
        written.push(`wrote ${svgFile}`);
      }
      const { dot: _dot, ...json } = result;
      return { text: [formatPlayground(result), ...written].join('\n'), json: { ...json, written } };
    }

    const report = checkRules(sources, {
      runs: nonNegativeInt('runs', args.string('runs'), 100),
      seed: args.string('seed') === undefined ? undefined : nonNegativeInt('seed', args.string('seed'), 42),
      filter: args.string('filter'),
      dtypes: args.string('dtypes') === undefined ? undefined : args.strings('dtypes', true).map(parseDType),
      skipGrowth: args.flag('no-growth'),
      base,
    });
    const json = {
      ok: report.ok,
      files: report.files,
      errors: report.errors.map((e) => ({
        file: e.span.file,
        line: e.span.line,
        column: e.span.column,
        message: e.detail,
        rendered: e.message,
      })),
      soundness: report.soundness.map((s) => ({
        ...s,
        counterexample: s.counterexample && {
          text: formatCounterexample(s.counterexample),
          bindings: Object.fromEntries(
            Object.entries(s.counterexample.bindings).map(([k, t]) => [
              k,
              { dtype: t.dtype, shape: t.shape, values: Array.from(t.data, jsonNumber) },
            ]),
          ),
          attrs: s.counterexample.attrs,
          lhs: Array.from(s.counterexample.lhs.data, jsonNumber),
          rhs: Array.from(s.counterexample.rhs.data, jsonNumber),
          why: s.counterexample.why,
        },
      })),
      typeChanging: report.typeChanging,
      hazards: report.hazards,
      checks: report.checks.map((c) => ({
        file: c.check.file,
        line: c.check.line,
        input: c.check.input,
        expected: c.check.expected,
        mustFail: c.check.mustFail,
        ok: c.ok,
        got: c.got,
        error: c.error?.message,
      })),
    };
    return {
      text: formatRulesCheck(report, { verbose: args.flag('verbose') }),
      json,
      exitCode: report.ok ? 0 : 1,
    };
  },
};
