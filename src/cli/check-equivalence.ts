/**
 * `saturn check-equivalence EXPR --var …`: optimizes an expression and compares the optimized graph with
 * the original on random inputs that respect the declared dtypes and shapes (symbolic dims get random
 * small sizes; `--var` values, when given, are used as they are). Exit 0 when equivalent, 1 when not.
 */
import { parseArgs } from 'node:util';
import { evaluate } from '../graph/interpret.js';
import type { Tensor } from '../graph/tensor.js';
import { formatExpr, parseExpr } from '../graph/syntax/index.js';
import { optimize } from '../optimize.js';
import { defaultLibrary } from '../rules/load.js';
import { stabilizedBy } from '../testing/check-optimizer.js';
import { assertEquivalent, EquivalenceError } from '../testing/compare.js';
import type { Command } from './usage.js';
import { UsageError } from './usage.js';
import { parseVars } from './vars.js';

export const checkEquivalenceCommand: Command = {
  name: 'check-equivalence',
  summary: 'optimize an expression and compare it with the original on random inputs',
  usage:
    'saturn check-equivalence "EXPR" --var "x:f64[n]" [--var …] [--runs N] [--mode M] [--seed S] [--domain LO,HI] [--json]',
  run(args) {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: {
        var: { type: 'string', multiple: true, default: [] },
        runs: { type: 'string', default: '100' },
        mode: { type: 'string', default: 'fast_run' },
        seed: { type: 'string' },
        domain: { type: 'string', default: '-10,10' },
        json: { type: 'boolean', default: false },
      },
      allowPositionals: true,
    });
    if (positionals.length !== 1) throw new UsageError('check-equivalence takes one expression');
    const runs = integerFlag('runs', values.runs!, 1);
    const seed =
      values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : integerFlag('seed', values.seed);
    const domain = values.domain!.split(',').map(Number);
    if (domain.length !== 2 || !domain.every(Number.isFinite) || domain[0] > domain[1])
      throw new UsageError(`--domain: '${values.domain}' is not LO,HI with LO <= HI`);

    const vars = parseVars(values.var ?? []);
    const expr = parseExpr(positionals[0], { vars: vars.nodes });
    // Given values become tensors of their declared input: the interpreter checks dtype and shape.
    const fixed: Record<string, Tensor> = {};
    for (const [name, value] of Object.entries(vars.values))
      if (vars.nodes[name]) fixed[name] = evaluate(vars.nodes[name], { [name]: value });

    const library = defaultLibrary();
    const modes = ['none', ...library.modes.keys()];
    if (!modes.includes(values.mode!))
      throw new UsageError(`--mode: unknown mode '${values.mode}' (modes: ${modes.join(', ')})`);
    const { outputs, report } = optimize([expr], { library, mode: values.mode });
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
      `cost ${report.costBefore} → ${report.costAfter}; rules: ${Object.keys(report.rules).join(', ') || 'none'}`,
    ];
    try {
      assertEquivalent([expr], outputs, {
        runs,
        seed,
        inputs: fixed,
        domain: { min: domain[0], max: domain[1] },
        allowStabilization: report.stabilized || stabilizedBy(library, report),
      });
    } catch (e) {
      if (!(e instanceof EquivalenceError)) throw e;
      return {
        text: [...lines, e.message].join('\n'),
        json: { ...summary, equivalent: false, seed: e.seed, mismatch: e.mismatch, message: e.message },
        exitCode: 1,
      };
    }
    return {
      text: [...lines, `equivalent on ${runs} random input sets (seed ${seed})`].join('\n'),
      json: { ...summary, equivalent: true },
    };
  },
};

function integerFlag(name: string, text: string, min = Number.MIN_SAFE_INTEGER): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min)
    throw new UsageError(`--${name}: '${text}' is not an integer >= ${min}`);
  return n;
}
