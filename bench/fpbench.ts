// Bits of error of real floating-point expressions (bench/fpbench-exprs.ts) before and after fast_run,
// by default and with the unsafe rules excluded, measured as Herbie measures: inputs sampled uniformly
// over the bit patterns of all finite float64 values (narrowed only where a source states a
// precondition), points kept where the exact output is finite, the mean over them of
// log2(1 + ulps between the computed and the exact value). The contract (issue #15): with unsafe rules
// excluded, no expression gets 1 bit or more worse.
import { bitsOfForms } from '../src/accuracy/measure.js';
import { formatExpr, parseExpr } from '../src/graph/syntax/index.js';
import { optimize } from '../src/optimize.js';
import { defaultLibrary } from '../src/rules/load.js';
import { FP_EXPRESSIONS, type FPExpr } from './fpbench-exprs.js';
import { formatTable, registerSuite } from './registry.js';

/** Points per expression (Herbie's default test set is 256 too). */
const POINTS = 256;
/** A change of at least this many bits counts as worse (the contract's threshold). */
const WORSE = 1;

/** The variable names declared in an expression's text (`x: f64; y: f64; …`). */
const variablesOf = (ex: FPExpr): string[] => [...ex.expr.matchAll(/(\w+): f64/g)].map((m) => m[1]);

registerSuite({
  name: 'fpbench',
  description:
    'bits of error (Herbie metric, whole float64 range) of real expressions before/after fast_run, default and without unsafe rules',
  run(log) {
    const library = defaultLibrary();
    const rows: string[][] = [['expression', 'points', 'input', 'fast_run', 'no unsafe', 'ms', 'source']];
    const results: Record<string, unknown>[] = [];
    const worse: string[] = [];
    const worseDefault: string[] = [];
    for (const [i, ex] of FP_EXPRESSIONS.entries()) {
      const input = parseExpr(ex.expr);
      const t0 = performance.now();
      const fast = optimize(input, { mode: 'fast_run', library }).outputs[0];
      const safe = optimize(input, { mode: 'fast_run', library, exclude: ['unsafe'] }).outputs[0];
      const ms = performance.now() - t0;
      const names = variablesOf(ex);
      const { points, bits } = bitsOfForms(
        input,
        [input, fast, safe],
        names,
        ex.domain ?? {},
        POINTS,
        1000 + i,
      );
      const [before, afterFast, afterSafe] = bits;
      if (afterSafe - before >= WORSE) worse.push(`${ex.name}: ${formatExpr(safe)}`);
      if (afterFast - before >= WORSE) worseDefault.push(ex.name);
      const mark = (b: number) => `${b.toFixed(2)}${b - before >= WORSE ? ' (worse)' : ''}`;
      rows.push([
        ex.name,
        String(points),
        before.toFixed(2),
        mark(afterFast),
        mark(afterSafe),
        ms.toFixed(0),
        ex.source,
      ]);
      results.push({
        name: ex.name,
        points,
        before,
        afterFast,
        afterSafe,
        fast: formatExpr(fast),
        safe: formatExpr(safe),
      });
    }
    log(formatTable(rows));
    const meanOf = (k: string) => results.reduce((s, r) => s + (r[k] as number), 0) / results.length;
    log(
      `${results.length} expressions, mean bits: input ${meanOf('before').toFixed(2)}, fast_run ${meanOf('afterFast').toFixed(2)}, without unsafe ${meanOf('afterSafe').toFixed(2)}`,
    );
    log(
      `worse by >= ${WORSE} bit with fast_run's defaults: ${worseDefault.length ? worseDefault.join(', ') : 'none'}`,
    );
    log(
      `worse by >= ${WORSE} bit with unsafe excluded (the contract: none): ${worse.length ? `\n  ${worse.join('\n  ')}` : 'none'}`,
    );
    return results;
  },
});
