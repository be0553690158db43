/** The reference interpreter against hand-computed values, op by op, and its input checking. */
import { describe, expect, it } from 'vitest';
import { T } from '../../src/graph/builders.js';
import { InputError, ShapeError } from '../../src/graph/errors.js';
import { evaluate } from '../../src/graph/interpret.js';
import type { Node } from '../../src/graph/node.js';
import { OPS } from '../../src/graph/op-table.js';
import { Tensor } from '../../src/graph/tensor.js';
import { topoSort } from '../../src/graph/topo.js';

const c = (v: unknown, dtype: 'f64' | 'f32' | 'i32' | 'i64' | 'bool' = 'f64') =>
  T.constant(v as number[], dtype);
const I = Number.POSITIVE_INFINITY;

/** Flat numbers of a nested array, for tolerant comparison. */
const flat = (v: unknown): unknown[] => (Array.isArray(v) ? v.flatMap(flat) : [v]);

/** Same nesting, and each number equal to 1e-12 relative (NaN matches NaN, infinities exactly, bools exactly). */
function expectClose(actual: unknown, expected: unknown): void {
  expect(JSON.stringify(actual, (_k, v) => (typeof v === 'number' ? 0 : v))).toBe(
    JSON.stringify(expected, (_k, v) => (typeof v === 'number' ? 0 : v)),
  );
  const a = flat(actual);
  const e = flat(expected);
  e.forEach((x, i) => {
    const y = a[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) expect(y).toBe(x);
    else expect(Math.abs((y as number) - x)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(x)));
  });
}

/** op ⇒ cases of [what, graph, hand-computed value]. Every op of the table must appear here. */
const CASES: Record<string, [string, () => Node, unknown][]> = {
  input: [['a bound input', () => T.vector('x', 'f64'), [1, 2]]],
  constant: [
    [
      'nested arrays',
      () =>
        c([
          [1, 2],
          [3, 4],
        ]),
      [
        [1, 2],
        [3, 4],
      ],
    ],
  ],
  zeros: [['i32 zeros', () => T.zeros([2], 'i32'), [0, 0]]],
  ones: [
    [
      'ones with a named dim bound by x',
      () => T.add(T.ones(['n'], 'f64'), T.vector('x', 'f64', 'n')),
      [2, 3],
    ],
  ],
  fill: [['like x', () => T.fill(T.vector('x', 'f64'), 7), [7, 7]]],
  zeros_like: [['bool', () => T.zeros_like(c([1, 0], 'bool')), [false, false]]],
  ones_like: [['i32', () => T.ones_like(c([[5, 6]], 'i32')), [[1, 1]]]],
  size: [
    ['every axis', () => T.size(c([[5, 6, 7]])), 3],
    [
      'axis 1 kept, f64',
      () => T.size(c([[5, 6, 7]], 'i32'), { axis: 1, keepdims: true, dtype: 'f64' }),
      [[3]],
    ],
    ['of an input', () => T.size(T.vector('x', 'f64')), 2],
  ],
  neg: [['with -0', () => T.neg(c([1, 0, -I])), [-1, -0, I]]],
  abs: [['', () => T.abs(c([-2, 3, -I])), [2, 3, I]]],
  sign: [['NaN stays NaN', () => T.sign(c([-2, 0, 5, Number.NaN])), [-1, 0, 1, Number.NaN]]],
  exp: [['', () => T.exp(c([0, 1, -I])), [1, Math.E, 0]]],
  log: [['log 0 is -inf, log -1 NaN', () => T.log(c([1, Math.E, 0, -1])), [0, 1, -I, Number.NaN]]],
  log1p: [['', () => T.log1p(c([0, 1e-20, -1])), [0, 1e-20, -I]]],
  expm1: [['', () => T.expm1(c([0, 1e-20])), [0, 1e-20]]],
  sqrt: [['', () => T.sqrt(c([4, 0, -1, I])), [2, 0, Number.NaN, I]]],
  sqr: [['i32 stays i32', () => T.sqr(c([-3, 4], 'i32')), [9, 16]]],
  reciprocal: [['1/0 is inf, 1/-0 -inf', () => T.reciprocal(c([2, 0, -0])), [0.5, I, -I]]],
  sin: [['', () => T.sin(c([0, Math.PI / 2])), [0, 1]]],
  cos: [['', () => T.cos(c([0, Math.PI])), [1, -1]]],
  tan: [['', () => T.tan(c([0, Math.PI / 4])), [0, 0.9999999999999999]]],
  tanh: [['saturates', () => T.tanh(c([0, 1000, -1000])), [0, 1, -1]]],
  sinh: [['', () => T.sinh(c([0, 1])), [0, (Math.E - 1 / Math.E) / 2]]],
  cosh: [['', () => T.cosh(c([0, 1])), [1, (Math.E + 1 / Math.E) / 2]]],
  arcsinh: [['', () => T.arcsinh(c([0, 1])), [0, Math.log(1 + Math.SQRT2)]]],
  sigmoid: [['no overflow', () => T.sigmoid(c([0, 800, -800])), [0.5, 1, 0]]],
  softplus: [['no overflow', () => T.softplus(c([0, 800, -800])), [Math.LN2, 800, 0]]],
  erf: [
    [
      'tables (A&S 7.1)',
      () => T.erf(c([0, 0.5, 1, 2, 3, -1, I])),
      [
        0, 0.5204998778130465, 0.8427007929497149, 0.9953222650189527, 0.9999779095030014,
        -0.8427007929497149, 1,
      ],
    ],
  ],
  erfc: [
    [
      'tail keeps digits',
      () => T.erfc(c([0, 1, 5, -I])),
      [1, 0.15729920705028513, 1.5374597944280349e-12, 2],
    ],
  ],
  log1mexp: [
    [
      'both branches',
      () => T.log1mexp(c([-1e-10, -1, -50, 0])),
      [Math.log(1e-10 - 5e-21), Math.log(1 - Math.exp(-1)), -Math.exp(-50), -I],
    ],
  ],
  relu: [['NaN passes', () => T.relu(c([-1, 0, 2, Number.NaN])), [0, 0, 2, Number.NaN]]],
  floor: [['', () => T.floor(c([1.5, -1.5])), [1, -2]]],
  ceil: [['', () => T.ceil(c([1.2, -1.5])), [2, -1]]],
  round: [['half to even', () => T.round(c([0.5, 1.5, 2.5, -0.5, -1.5, 2.4])), [0, 2, 2, -0, -2, 2]]],
  not: [['NaN is true', () => T.not(c([0, 2, Number.NaN])), [true, false, false]]],
  add: [
    [
      'broadcast [2,1]+[3]',
      () => T.add(c([[1], [2]]), c([10, 20, 30])),
      [
        [11, 21, 31],
        [12, 22, 32],
      ],
    ],
  ],
  sub: [['inf - inf is NaN', () => T.sub(c([I, 3]), c([I, 1])), [Number.NaN, 2]]],
  mul: [['0 * inf is NaN', () => T.mul(c([0, 2]), c([I, 3])), [Number.NaN, 6]]],
  div: [
    ['ints give floats, x/0', () => T.div(c([1, -1, 0], 'i32'), c([2, 0, 0], 'i32')), [0.5, -I, Number.NaN]],
  ],
  int_div: [['floors toward -inf', () => T.int_div(c([7, -7, 7], 'i32'), c([2, 2, -2], 'i32')), [3, -4, -4]]],
  mod: [['sign of the divisor', () => T.mod(c([7, -7, 7, 5.5]), c([3, 3, -3, 2])), [1, 2, -2, 1.5]]],
  pow: [['', () => T.pow(c([2, 4, 0, -8]), c([3, 0.5, 0, 1 / 3])), [8, 2, 1, Number.NaN]]],
  maximum: [
    [
      'NaN wins',
      () => T.maximum(c([1, 5, Number.NaN, 1]), c([2, 3, 1, Number.NaN])),
      [2, 5, Number.NaN, Number.NaN],
    ],
  ],
  minimum: [
    [
      'NaN wins',
      () => T.minimum(c([1, 5, Number.NaN, 1]), c([2, 3, 1, Number.NaN])),
      [1, 3, Number.NaN, Number.NaN],
    ],
  ],
  lt: [['NaN compares false', () => T.lt(c([1, 2, Number.NaN]), c([2, 2, 1])), [true, false, false]]],
  le: [['', () => T.le(c([1, 2, 3]), 2), [true, true, false]]],
  gt: [['', () => T.gt(c([1, 2, 3]), 2), [false, false, true]]],
  ge: [['', () => T.ge(c([1, 2, 3]), 2), [false, true, true]]],
  eq: [
    ['NaN != NaN, 0 == -0', () => T.eq(c([Number.NaN, 0, 1]), c([Number.NaN, -0, 2])), [false, true, false]],
  ],
  neq: [['', () => T.neq(c([Number.NaN, 1]), c([Number.NaN, 1])), [true, false]]],
  and: [['truthiness', () => T.and(c([1, 0, 2, Number.NaN]), c([1, 1, 0, 1])), [true, false, false, true]]],
  or: [['', () => T.or(c([0, 0, 3]), c([0, 1, 0])), [false, true, true]]],
  xor: [['', () => T.xor(c([0, 1, 1]), c([1, 1, 0])), [true, false, true]]],
  switch: [
    [
      'broadcast cond',
      () => T.switch(c([[1], [0]], 'bool'), c([1, 2]), c([10, 20])),
      [
        [1, 2],
        [10, 20],
      ],
    ],
  ],
  cast: [
    ['f64 → i32 truncates', () => T.cast(c([1.7, -1.7, 2 ** 31]), 'i32'), [1, -1, -(2 ** 31)]],
    ['f64 → f32 rounds', () => T.cast(c([0.1]), 'f32'), [Math.fround(0.1)]],
    [
      'f64 → bool: NaN is true',
      () => T.cast(c([0, -0, Number.NaN, 0.1]), 'bool'),
      [false, false, true, true],
    ],
    ['non-finite → i64 is 0', () => T.cast(c([I, Number.NaN]), 'i64'), [0, 0]],
  ],
  sum: [
    [
      'axis 0',
      () =>
        T.sum(
          c([
            [1, 2, 3],
            [4, 5, 6],
          ]),
          { axis: 0 },
        ),
      [5, 7, 9],
    ],
    [
      'axis -1 keepdims',
      () =>
        T.sum(
          c([
            [1, 2, 3],
            [4, 5, 6],
          ]),
          { axis: -1, keepdims: true },
        ),
      [[6], [15]],
    ],
    ['of bools counts', () => T.sum(c([1, 0, 1], 'bool')), 2],
    ['inf - inf', () => T.sum(c([I, -I])), Number.NaN],
  ],
  prod: [['axes [0, 2]', () => T.prod(c([[[1, 2]], [[3, 4]]]), { axis: [0, 2] }), [24]]],
  max: [
    [
      'NaN propagates',
      () =>
        T.max(
          c([
            [1, Number.NaN],
            [3, 2],
          ]),
          { axis: 1 },
        ),
      [Number.NaN, 3],
    ],
    [
      'all axes',
      () =>
        T.max(
          c([
            [1, 7],
            [3, 2],
          ]),
        ),
      7,
    ],
  ],
  min: [
    [
      'axis 0',
      () =>
        T.min(
          c([
            [1, 7],
            [3, -2],
          ]),
          { axis: 0 },
        ),
      [1, -2],
    ],
  ],
  mean: [['of i32 is f64', () => T.mean(c([1, 2], 'i32')), 1.5]],
  all: [
    [
      '',
      () =>
        T.all(
          c([
            [1, 1],
            [0, 1],
          ]),
          { axis: 1 },
        ),
      [true, false],
    ],
  ],
  any: [
    [
      '',
      () =>
        T.any(
          c([
            [0, 0],
            [0, 1],
          ]),
          { axis: 1 },
        ),
      [false, true],
    ],
  ],
  argmax: [
    [
      'first of ties, along an axis',
      () =>
        T.argmax(
          c([
            [1, 5, 5],
            [7, 7, 2],
          ]),
          1,
        ),
      [1, 0],
    ],
    [
      'flattened',
      () =>
        T.argmax(
          c([
            [1, 5],
            [9, 9],
          ]),
        ),
      2,
    ],
    ['first NaN wins', () => T.argmax(c([1, Number.NaN, I, Number.NaN])), 1],
    ['+inf and -inf', () => T.argmax(c([-I, 3, I]), 0), 2],
    [
      'axis 0 kept',
      () =>
        T.argmax(
          c([
            [1, 5],
            [4, 2],
          ]),
          0,
          { keepdims: true },
        ),
      [[1, 0]],
    ],
    ['ints', () => T.argmax(c([3, -2, 7], 'i32')), 2],
  ],
  argmin: [
    [
      'first of ties',
      () =>
        T.argmin(
          c([
            [4, 1, 1],
            [0, 2, 0],
          ]),
          -1,
        ),
      [1, 0],
    ],
    ['first NaN wins', () => T.argmin(c([-I, 0, Number.NaN])), 2],
    ['a size-1 axis', () => T.argmin(c([[4], [2]]), 1), [0, 0]],
  ],
  logsumexp: [
    ['no overflow', () => T.logsumexp(c([1000, 1000])), 1000 + Math.LN2],
    ['all -inf stays -inf', () => T.logsumexp(c([-I, -I])), -I],
    ['+inf', () => T.logsumexp(c([I, 0])), I],
  ],
  softmax: [['no overflow, axis 0', () => T.softmax(c([[1000], [1000]]), 0), [[0.5], [0.5]]]],
  log_softmax: [['', () => T.log_softmax(c([0, 0])), [-Math.LN2, -Math.LN2]]],
  dot: [
    ['vv', () => T.dot(c([1, 2, 3]), c([4, 5, 6])), 32],
    [
      'mv',
      () =>
        T.dot(
          c([
            [1, 2],
            [3, 4],
          ]),
          c([1, 1]),
        ),
      [3, 7],
    ],
    [
      'vm',
      () =>
        T.dot(
          c([1, 1]),
          c([
            [1, 2],
            [3, 4],
          ]),
        ),
      [4, 6],
    ],
    [
      'mm',
      () =>
        T.dot(
          c([
            [1, 2],
            [3, 4],
          ]),
          c([
            [0, 1],
            [1, 0],
          ]),
        ),
      [
        [2, 1],
        [4, 3],
      ],
    ],
  ],
  gemm: [
    [
      'b*z + a*x·y',
      () =>
        T.gemm(
          c([1, 1]),
          2,
          c([
            [1, 2],
            [3, 4],
          ]),
          c([1, 1]),
          3,
        ),
      [9, 17],
    ],
  ],
  transpose: [
    [
      'perm [1, 2, 0]',
      () => T.transpose(c([[[1, 2, 3]], [[4, 5, 6]]]), [1, 2, 0]),
      [
        [
          [1, 4],
          [2, 5],
          [3, 6],
        ],
      ],
    ],
  ],
  reshape: [
    [
      '-1',
      () =>
        T.reshape(
          c([
            [1, 2, 3],
            [4, 5, 6],
          ]),
          [3, -1],
        ),
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
    ],
  ],
  broadcast_to: [
    [
      '',
      () => T.broadcast_to(c([[1], [2]]), [2, 2, 2]),
      [
        [
          [1, 1],
          [2, 2],
        ],
        [
          [1, 1],
          [2, 2],
        ],
      ],
    ],
  ],
  expand_dims: [['', () => T.expand_dims(c([1, 2]), 1), [[1], [2]]]],
  squeeze: [['', () => T.squeeze(c([[[1], [2]]])), [1, 2]]],
  concat: [
    [
      'axis 1',
      () =>
        T.concat(
          [
            c([[1], [2]]),
            c([
              [3, 4],
              [5, 6],
            ]),
          ],
          1,
        ),
      [
        [1, 3, 4],
        [2, 5, 6],
      ],
    ],
    ['axis 0, three args', () => T.concat([c([1]), c([2, 3]), c([4])]), [1, 2, 3, 4]],
  ],
  slice: [
    ['x[1::2]', () => T.slice(c([0, 1, 2, 3, 4, 5]), { begin: [1], step: [2] }), [1, 3, 5]],
    ['x[::-1]', () => T.slice(c([0, 1, 2, 3]), { step: [-1] }), [3, 2, 1, 0]],
    ['x[-2:0:-2]', () => T.slice(c([0, 1, 2, 3, 4, 5]), { begin: [-2], end: [0], step: [-2] }), [4, 2]],
    ['x[-100:2]', () => T.slice(c([0, 1, 2, 3]), { begin: [-100], end: [2] }), [0, 1]],
    ['x[5:-100:-1]', () => T.slice(c([0, 1, 2, 3]), { begin: [5], end: [-100], step: [-1] }), [3, 2, 1, 0]],
    [
      'x[:, -1]',
      () =>
        T.slice(
          c([
            [1, 2],
            [3, 4],
          ]),
          { begin: [0, -1] },
        ),
      [[2], [4]],
    ],
    ['x[3:1] is empty', () => T.slice(c([0, 1, 2, 3]), { begin: [3], end: [1] }), []],
  ],
  slice_update: [
    ['x[::2] = v', () => T.slice_update(c([0, 0, 0, 0]), c([1, 2]), { step: [2] }), [1, 0, 2, 0]],
    [
      'x[:, 1:] = 9 broadcast',
      () =>
        T.slice_update(
          c([
            [1, 2, 3],
            [4, 5, 6],
          ]),
          9,
          { begin: [0, 1] },
        ),
      [
        [1, 9, 9],
        [4, 9, 9],
      ],
    ],
    ['x[::-1] = v', () => T.slice_update(c([0, 0, 0]), c([1, 2, 3]), { step: [-1] }), [3, 2, 1]],
  ],
};

const INPUTS = { x: [1, 2] };
const run = (node: Node) => evaluate(node, node.op === 'input' || needsX(node) ? INPUTS : {});
const needsX = (node: Node): boolean => node.inputName === 'x' || node.args.some(needsX);

describe('every op has a hand-computed case', () => {
  it('covers the whole op table', () => {
    const missing = [...OPS.keys()].filter((name) => !CASES[name]?.length);
    expect(missing).toEqual([]);
  });

  const rows = Object.entries(CASES).flatMap(([op, cases]) =>
    cases.map(([what, build, expected]) => [`${op} ${what}`, op, build, expected] as const),
  );
  it.each(rows)('%s', (_name, op, build, expected) => {
    const node = build();
    expect(topoSort([node]).map((n) => n.op)).toContain(op);
    expectClose(run(node).toArray(), expected);
  });
});

describe('dtype rounding and truncation', () => {
  it('f32 arithmetic rounds each result to f32', () => {
    const x = T.vector('x', 'f32');
    const y = evaluate(x.add(0.1), { x: new Float32Array([1]) });
    expect(y.data[0]).toBe(Math.fround(Math.fround(1) + Math.fround(0.1)));
    expect(y.data[0]).not.toBe(1.1);
  });
  it('f32 inputs from numbers are rounded', () => {
    expect(evaluate(T.vector('x', 'f32'), { x: [0.1] }).data[0]).toBe(Math.fround(0.1));
  });
  it('i32 arithmetic wraps like numpy', () => {
    expect(evaluate(T.vector('k', 'i32').add(1), { k: [2 ** 31 - 1] }).toArray()).toEqual([-(2 ** 31)]);
  });
  it('i32 int_div by zero gives 0 as numpy', () => {
    expect(evaluate(T.int_div(T.vector('k', 'i32'), 0), { k: [3] }).toArray()).toEqual([0]);
  });
  it('bool results print as booleans', () => {
    expect(evaluate(T.gt(T.vector('x', 'f64'), 0), { x: [1, -1] }).toArray()).toEqual([true, false]);
  });
  it('-0 survives f64 arithmetic', () => {
    expect(Object.is(evaluate(T.mul(T.scalar('s', 'f64'), -1), { s: 0 }).item(), -0)).toBe(true);
  });
  it('evaluates several outputs at once, sharing work', () => {
    const x = T.vector('x', 'f64');
    const [a, b] = evaluate([x.exp(), x.exp().sum()], { x: [0, 0] });
    expect(a.toArray()).toEqual([1, 1]);
    expect(b.item()).toBe(2);
  });
});

describe('run-time shapes', () => {
  it('binds named dims and checks them across inputs', () => {
    const x = T.vector('x', 'f64', 'n');
    const y = T.vector('y', 'f64', 'n');
    expect(evaluate(x.add(y), { x: [1, 2], y: [3, 4] }).toArray()).toEqual([4, 6]);
    expect(() => evaluate(x.add(y), { x: [1, 2], y: [3, 4, 5] })).toThrow(
      new ShapeError("input 'y': got shape [3] where [n] is expected (n is 2 elsewhere)"),
    );
  });
  it('checks unknown dims once they meet a known size', () => {
    const m = T.matrix('m', 'f64');
    const out = T.dot(m, T.constant([1, 1, 1]));
    expect(out.shape).toEqual(['?m0']);
    expect(evaluate(out, { m: [[1, 2, 3]] }).toArray()).toEqual([6]);
    expect(() => evaluate(out, { m: [[1, 2]] })).toThrow(
      new ShapeError('dot: shapes [1, 2] and [3] do not align (2 vs 3)'),
    );
  });
  it('checks a declared size', () => {
    expect(() => evaluate(T.tensor('x', 'f64', [2]), { x: [1, 2, 3] })).toThrow(
      new ShapeError("input 'x': got shape [3] where [2] is expected (axis 0)"),
    );
  });
  it('checks rank', () => {
    expect(() => evaluate(T.vector('x', 'f64'), { x: [[1]] })).toThrow(
      new ShapeError("input 'x': got shape [1, 1] where [?x0] is expected (rank differs)"),
    );
  });
  it('broadcasting mismatch found at run time names the op', () => {
    const out = T.add(T.vector('x', 'f64'), T.constant([1, 2, 3]));
    expect(() => evaluate(out, { x: [1, 2] })).toThrow(
      new ShapeError('add: cannot broadcast shapes [2] and [3] (dimension 2 vs 3)'),
    );
  });
  // Limitation: an unknown dim is not a broadcastable one (as Theano's), so a run-time size of 1 does
  // not stretch to meet another unknown dim.
  it('an unknown dim of size 1 does not broadcast against another unknown dim', () => {
    const out = T.add(T.vector('p', 'f64'), T.vector('q', 'f64'));
    expect(() => evaluate(out, { p: [1], q: [1, 2, 3] })).toThrow(ShapeError);
  });
  it('a slice of a symbolic dim checks the dim is long enough', () => {
    const out = T.slice(T.vector('x', 'f64', 'n'), { begin: [0], end: [3] });
    expect(evaluate(out, { x: [1, 2, 3, 4] }).toArray()).toEqual([1, 2, 3]);
    expect(() => evaluate(out, { x: [1, 2] })).toThrow(ShapeError);
  });
  it('resolves reshape of unknown and symbolic dims at run time', () => {
    const y = T.tensor('y', 'f64', ['n', 3]);
    expect(
      evaluate(T.reshape(y, [-1]), {
        y: [
          [1, 2, 3],
          [4, 5, 6],
        ],
      }).toArray(),
    ).toEqual([1, 2, 3, 4, 5, 6]);
    expect(evaluate(T.reshape(T.matrix('m', 'f64'), [-1, 2]), { m: [[1, 2, 3, 4]] }).toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(() => evaluate(T.reshape(T.matrix('m', 'f64'), [-1, 3]), { m: [[1, 2, 3, 4]] })).toThrow(
      ShapeError,
    );
  });
  it('zeros with a named dim takes its size from an input', () => {
    const x = T.vector('x', 'f64', 'n');
    expect(evaluate(x.add(T.zeros(['n'], 'f64')), { x: [1, 2, 3] }).toArray()).toEqual([1, 2, 3]);
    expect(() => evaluate(T.zeros(['k'], 'f64'), {})).toThrow(
      /zeros \(node #\d+\): dimension 'k' is not bound by any input/,
    );
  });
});

describe('input errors', () => {
  const x = T.vector('x', 'f64');
  const k = T.vector('k', 'i32');
  const cases: [string, () => unknown, new (...a: never[]) => Error, string | RegExp][] = [
    [
      'missing input',
      () => evaluate(x.add(k), { x: [1] }),
      InputError,
      "missing value for input 'k' (i32[?k0])",
    ],
    [
      'extra input',
      () => evaluate(x, { x: [1], z: [2] }),
      InputError,
      "unknown input 'z' (the graph's inputs: x)",
    ],
    [
      'wrong typed array',
      () => evaluate(x, { x: new Float32Array([1]) }),
      InputError,
      "input 'x': expected f64 data, got a Float32Array",
    ],
    [
      'wrong tensor dtype',
      () => evaluate(x, { x: Tensor.from([1], [1], 'f32') }),
      InputError,
      "input 'x': expected f64, got a f32 tensor",
    ],
    [
      'ragged arrays',
      () => evaluate(T.matrix('m', 'f64'), { m: [[1, 2], [3]] }),
      InputError,
      "input 'm': ragged nested array",
    ],
    [
      'ragged depth',
      () => evaluate(T.matrix('m', 'f64'), { m: [[1, 2], 3] }),
      InputError,
      "input 'm': ragged nested array",
    ],
    ['not a number', () => evaluate(x, { x: ['a'] }), InputError, 'input \'x\': element "a" is not a number'],
    [
      'non-integer for i32',
      () => evaluate(k, { k: [1.5] }),
      InputError,
      "input 'k': 1.5 is not a valid i32 value",
    ],
    [
      'NaN for i32',
      () => evaluate(k, { k: [Number.NaN] }),
      InputError,
      "input 'k': NaN is not a valid i32 value",
    ],
    [
      'out of i32 range',
      () => evaluate(k, { k: [2 ** 31] }),
      InputError,
      "input 'k': 2147483648 is not a valid i32 value",
    ],
    [
      '2 for bool',
      () => evaluate(T.vector('b', 'bool'), { b: [2] }),
      InputError,
      "input 'b': 2 is not a valid bool value",
    ],
    [
      'flat data of two unknown dims',
      () => evaluate(T.matrix('m', 'f64'), { m: new Float64Array(4) }),
      InputError,
      "input 'm': cannot tell the shape [?m0, ?m1] from 4 flat values; pass { data, shape }",
    ],
    [
      'data does not fill shape',
      () => evaluate(x, { x: { data: [1, 2], shape: [3] } }),
      InputError,
      '2 values given for shape [3] (3 elements)',
    ],
    [
      'two inputs with one name',
      () => evaluate(T.add(T.vector('d', 'f64'), T.vector('d', 'f32')), { d: [1] }),
      InputError,
      "two different inputs are named 'd' (f64[?d0] and f32[?d0]); give them distinct names",
    ],
  ];
  it.each(cases)('%s', (_name, run, cls, message) => {
    expect(run).toThrow(cls);
    expect(run).toThrow(message);
  });

  it('accepts every value form', () => {
    const m = T.tensor('m', 'f64', [2, 2]);
    const want = [
      [1, 2],
      [3, 4],
    ];
    expect(evaluate(m, { m: want }).toArray()).toEqual(want);
    expect(evaluate(m, { m: [1, 2, 3, 4] }).toArray()).toEqual(want);
    expect(evaluate(m, { m: new Float64Array([1, 2, 3, 4]) }).toArray()).toEqual(want);
    expect(evaluate(m, { m: { data: [1, 2, 3, 4], shape: [2, 2] } }).toArray()).toEqual(want);
    expect(evaluate(m, { m: Tensor.from([1, 2, 3, 4], [2, 2], 'f64') }).toArray()).toEqual(want);
    expect(evaluate(T.vector('i', 'i64'), { i: new BigInt64Array([5n]) }).toArray()).toEqual([5]);
    expect(evaluate(T.scalar('b', 'bool'), { b: true }).toArray()).toBe(true);
    expect(evaluate(T.matrix('u', 'f64', ['?', 2]), { u: new Float64Array(6) }).shape).toEqual([3, 2]);
  });
});
