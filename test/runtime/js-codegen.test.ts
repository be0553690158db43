import { afterEach, describe, expect, it, vi } from 'vitest';
import { T } from '../../src/graph/builders.js';
import { evaluate } from '../../src/graph/interpret.js';
import { Tensor } from '../../src/graph/tensor.js';
import {
  binary,
  id,
  num,
  printExpr,
  printStmts,
  forRange,
  assign,
  index,
  unary,
} from '../../src/runtime/js/ast.js';
import { compiledKernelCount, generateSource, jsExecutor, kernelPlan } from '../../src/runtime/js/index.js';
import { lower } from '../../src/runtime/lower.js';
import type { Program } from '../../src/runtime/program.js';
import { runOnExecutor } from './run-program.js';

const sourceOf = (p: Program, k = 0) =>
  generateSource(kernelPlan(p.kernels[k], (b) => p.buffers[b].dtype)).body;

describe('JavaScript code generation', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints numbers exactly and parenthesizes every compound expression', () => {
    expect(printExpr(binary('-', num(-0), unary('-', num(Number.NaN))))).toBe('((-0) - (-NaN))');
    expect(printExpr(binary('*', num(-2.5), num(Number.NEGATIVE_INFINITY)))).toBe('((-2.5) * (-Infinity))');
    expect(printStmts([forRange('i', num(0), num(3), [assign(index(id('o'), id('i')), num(0.1))])])).toBe(
      'for (let i = 0; i < 3; i++) {\n  o[i] = 0.1;\n}',
    );
  });

  it('a contiguous elementwise kernel is one flat loop; a broadcast scalar is loaded once', () => {
    const x = T.tensor('cx', 'f32', [3, 4]);
    const s = T.scalar('cs', 'f32');
    const p = lower({ outputs: [T.exp(T.mul(x, s))], params: [], updates: [], sizes: new Map() });
    expect(sourceOf(p)).toBe(
      [
        'const x1 = a1[0];',
        'for (let i0 = 0; i0 < 12; i0++) {',
        '  const x0 = a0[i0];',
        '  const t0 = Math.fround((x0 * x1));',
        '  const t1 = Math.exp(t0);',
        '  out[i0] = t1;',
        '}',
      ].join('\n'),
    );
  });

  it('a row-broadcast operand is loaded per row, outside the inner loop', () => {
    const x = T.tensor('rx', 'f64', [3, 4]);
    const r = T.tensor('rr', 'f64', [3, 1]);
    const p = lower({ outputs: [T.sub(x, r)], params: [], updates: [], sizes: new Map() });
    expect(sourceOf(p)).toBe(
      [
        'for (let i0 = 0; i0 < 3; i0++) {',
        '  const p0_1 = (i0 * 4);',
        '  const p1_1 = (i0 * 4);',
        '  const p2_1 = i0;',
        '  const x1 = a1[p2_1];',
        '  for (let i1 = 0; i1 < 4; i1++) {',
        '    const x0 = a0[(p1_1 + i1)];',
        '    const t0 = (x0 - x1);',
        '    out[(p0_1 + i1)] = t0;',
        '  }',
        '}',
      ].join('\n'),
    );
  });

  it('a sum over the outer axis walks rows, accumulating a row of partial sums', async () => {
    const x = T.tensor('ox', 'f32', [5, 3]);
    const outputs = [T.sum(x, { axis: 0 })];
    const p = lower({ outputs, params: [], updates: [], sizes: new Map() });
    expect(sourceOf(p)).toBe(
      [
        'for (let q = 0; q < 3; q++) {',
        '  scratch[q] = 0;',
        '}',
        'for (let i0 = 0; i0 < 5; i0++) {',
        '  const p1_1 = (i0 * 3);',
        '  for (let i1 = 0; i1 < 3; i1++) {',
        '    const x0 = a0[(p1_1 + i1)];',
        '    scratch[i1] += x0;',
        '  }',
        '}',
        'for (let q = 0; q < 3; q++) {',
        '  const acc = scratch[q];',
        '  out[q] = acc;',
        '}',
      ].join('\n'),
    );
    const values = {
      ox: Tensor.from(
        Array.from({ length: 15 }, (_, i) => Math.sqrt(i)),
        [5, 3],
        'f32',
      ),
    };
    const ran = await runOnExecutor(
      jsExecutor,
      { outputs, params: [], updates: [], sizes: new Map() },
      values,
    );
    expect(Array.from(ran.outputs[0].data)).toEqual(Array.from(evaluate(outputs, values)[0].data));
  });

  it('kernels with equal specs share one compiled function', () => {
    const build = (name: string) => {
      const x = T.vector(name, 'f32', 'n');
      return lower({
        outputs: [T.tanh(T.add(x, 0.25))],
        params: [],
        updates: [],
        sizes: new Map([['n', 77]]),
      });
    };
    jsExecutor.prepare(build('share_a'));
    const before = compiledKernelCount();
    jsExecutor.prepare(build('share_b'));
    expect(compiledKernelCount()).toBe(before);
    const other = lower({
      outputs: [T.tanh(T.add(T.vector('share_c', 'f32', 'n'), 0.25))],
      params: [],
      updates: [],
      sizes: new Map([['n', 78]]),
    });
    jsExecutor.prepare(other);
    expect(compiledKernelCount()).toBe(before + 1);
  });

  it('debug prints each kernel source', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const x = T.vector('dbg', 'f64', 'n');
    jsExecutor.prepare(
      lower({ outputs: [T.sum(T.exp(x))], params: [], updates: [], sizes: new Map([['n', 2]]) }),
      {
        debug: true,
      },
    );
    expect(log).toHaveBeenCalledTimes(1);
    expect(String(log.mock.calls[0][0])).toMatch(
      /^\/\/ kernel reduce_0\nfunction \(out, a0, h, scratch\) \{\nlet acc = 0;/,
    );
  });

  it('i32 arithmetic wraps and f32 rounds after every op, as the interpreter does', async () => {
    const i = T.vector('wrap', 'i32', 'n');
    const f = T.vector('round', 'f32', 'n');
    const outputs = [T.add(T.mul(i, 65536), 2 ** 30), T.sub(T.add(f, 1e8), 1e8)];
    const values = {
      wrap: Tensor.from([40000, -40000, 7], [3], 'i32'),
      round: Tensor.from([0.1, 3.7, -5.5], [3], 'f32'),
    };
    const ran = await runOnExecutor(
      jsExecutor,
      { outputs, params: [], updates: [], sizes: new Map([['n', 3]]) },
      values,
    );
    const reference = evaluate(outputs, values);
    expect(Array.from(ran.outputs[0].data)).toEqual(Array.from(reference[0].data));
    expect(Array.from(ran.outputs[1].data)).toEqual(Array.from(reference[1].data));
    expect(Array.from(ran.outputs[0].data)).toEqual([-599785472, -1547698176, 1074200576]);
    // In float64 these would be 0.1, 3.7 and -5.5; float32 keeps 8-unit steps near 1e8.
    expect(Array.from(reference[1].data)).toEqual([0, 0, -8]);
  });
});
