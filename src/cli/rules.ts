/**
 * `saturn rules check [FILES]`: loads rule files (the shipped `rules/` by default), prints every error,
 * checks each rule's soundness by evaluation, reports type changes and hazards, runs the files' `check`
 * lines, and exits 1 on any error, unsound rule or failed check. With `--expr`, a playground: optimize
 * one expression and show what the rules did (`--explain`, `--dot FILE`, `--svg FILE`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseDType } from '../graph/dtype.js';
import { parseExpr } from '../graph/syntax/index.js';
import { formatPlayground, playground } from '../playground.js';
import { checkRules, formatRulesCheck } from '../rules-check.js';
import { loadLibrary, readRuleDir, type RuleSource, SHIPPED_RULES_DIR } from '../rules/load.js';
import { formatCounterexample } from '../rules/soundness.js';
import type { Command, CommandResult } from './usage.js';
import { UsageError } from './usage.js';
import { parseVars } from './vars.js';

const positiveInt = (flag: string, text: string | undefined, fallback: number): number => {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0)
    throw new UsageError(`${flag} takes a non-negative integer, got '${text}'`);
  return n;
};

function readSources(files: readonly string[]): RuleSource[] {
  if (files.length === 0) return readRuleDir(SHIPPED_RULES_DIR);
  return files.map((file) => {
    try {
      return { text: readFileSync(file, 'utf8'), file };
    } catch {
      throw new UsageError(`cannot read rule file '${file}'`);
    }
  });
}

/** Renders Graphviz source to SVG with Graphviz compiled to WebAssembly. */
async function renderSvg(dot: string): Promise<string> {
  const { instance } = await import('@viz-js/viz');
  return (await instance()).renderString(dot, { format: 'svg' });
}

export const rulesCommand: Command = {
  name: 'rules',
  summary: 'check rule files (errors, soundness, hazards, checks), or try rules on an expression',
  usage:
    'saturn rules check [FILES] [--runs N] [--seed S] [--filter NAME] [--dtypes f64,f32,i64,i32,bool] [--no-growth] [--json]\n' +
    '    saturn rules check --expr "EXPR" --var "x:f32[n]" [--mode fast_run] [--explain] [--dot FILE] [--svg FILE] [--json]',
  async run(args): Promise<CommandResult> {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: {
        runs: { type: 'string' },
        seed: { type: 'string' },
        filter: { type: 'string' },
        dtypes: { type: 'string' },
        'no-growth': { type: 'boolean', default: false },
        expr: { type: 'string' },
        var: { type: 'string', multiple: true, default: [] },
        mode: { type: 'string', default: 'fast_run' },
        include: { type: 'string', multiple: true, default: [] },
        exclude: { type: 'string', multiple: true, default: [] },
        explain: { type: 'boolean', default: false },
        dot: { type: 'string' },
        svg: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      allowPositionals: true,
    });
    const [sub, ...files] = positionals;
    if (sub !== 'check') throw new UsageError(`rules: expected 'check', got ${sub ? `'${sub}'` : 'nothing'}`);
    const sources = readSources(files);

    if (values.expr !== undefined) {
      const { library, errors } = loadLibrary(sources);
      if (errors.length) throw errors[0];
      const vars = parseVars(values.var ?? []);
      const expr = parseExpr(values.expr, { vars: vars.nodes });
      const split = (list: readonly string[] | undefined) =>
        (list ?? []).flatMap((t) => t.split(',')).filter(Boolean);
      const result = playground(expr, {
        library,
        mode: values.mode,
        include: split(values.include),
        exclude: split(values.exclude),
        explain: values.explain,
        dot: values.dot !== undefined || values.svg !== undefined,
      });
      const written: string[] = [];
      if (values.dot !== undefined && result.dot) {
        writeFileSync(values.dot, `${result.dot}\n`);
        written.push(`wrote ${values.dot}`);
      }
      if (values.svg !== undefined && result.dot) {
        writeFileSync(values.svg, await renderSvg(result.dot));
        written.push(`wrote ${values.svg}`);
      }
      const { dot: _dot, ...json } = result;
      return { text: [formatPlayground(result), ...written].join('\n'), json: { ...json, written } };
    }

    const report = checkRules(sources, {
      runs: positiveInt('--runs', values.runs, 100),
      seed: values.seed === undefined ? undefined : positiveInt('--seed', values.seed, 42),
      filter: values.filter,
      dtypes: values.dtypes?.split(',').map((d) => parseDType(d.trim())),
      skipGrowth: values['no-growth'],
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
    return { text: formatRulesCheck(report), json, exitCode: report.ok ? 0 : 1 };
  },
};

/** JSON has no NaN or Infinity: spell them as strings. */
function jsonNumber(v: number): number | string {
  return Number.isFinite(v) ? v : String(v);
}
