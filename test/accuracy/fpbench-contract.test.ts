/**
 * The accuracy contract on real expressions (issue #15): fast_run with unsafe rules excluded makes
 * none of them 1 bit or more worse, measured as Herbie measures (whole float64 range). The expressions
 * are the benchmark's (bench/fpbench-exprs.ts) where fast_run's defaults did make them worse.
 */
import { describe, expect, it } from 'vitest';
import { FP_EXPRESSIONS } from '../../bench/fpbench-exprs.js';
import { bitsOfForms } from '../../src/accuracy/measure.js';
import { formatExpr, parseExpr } from '../../src/graph/syntax/index.js';
import { optimize } from '../../src/optimize.js';

const CASES = ['quaternion-csinh', 'incompleteBeta', 'rigidBody2'];

describe('fast_run without unsafe rules on real expressions', () => {
  it.each(CASES)('does not make %s 1 bit worse', (name) => {
    const ex = FP_EXPRESSIONS.find((e) => e.name === name)!;
    const input = parseExpr(ex.expr);
    const safe = optimize(input, { mode: 'fast_run', exclude: ['unsafe'] }).outputs[0];
    const names = [...ex.expr.matchAll(/(\w+): f64/g)].map((m) => m[1]);
    const { points, bits } = bitsOfForms(input, [input, safe], names, ex.domain ?? {}, 64, 7);
    expect(points).toBeGreaterThan(32);
    expect(bits[1] - bits[0], `${formatExpr(input)} -> ${formatExpr(safe)}`).toBeLessThan(1);
  });

  it('sees a regrouping that makes y + (x - x) worse (the check can fail)', () => {
    const input = parseExpr('x: f64; y: f64; y + (x - x)');
    const regrouped = parseExpr('x: f64; y: f64; (y + x) - x');
    const { bits } = bitsOfForms(input, [input, regrouped], ['x', 'y'], {}, 64, 7);
    // (y + x) - x cancels catastrophically wherever |x| is far above |y|: about half the float64 range.
    expect(bits[1] - bits[0]).toBeGreaterThan(1);
  });
});
