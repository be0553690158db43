/** grad against central finite differences in float64: every op with a vjp, then random expressions. */
import { UNARY_NAMES } from '../../src/graph/ops/elementwise.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { T } from '../../src/graph/builders.js';
import { OpError, ShapeError } from '../../src/graph/errors.js';
import { grad } from '../../src/graph/grad.js';
import { evaluate } from '../../src/graph/interpret.js';
import type { Node } from '../../src/graph/node.js';
import { OPS } from '../../src/graph/op-table.js';
import { Tensor } from '../../src/graph/tensor.js';
import { arbGraph, prng } from '../../src/testing/random-graphs.js';

const H = 1e-6;
const RTOL = 1e-5;
// Central differences err by ~h²·f''' (truncation) plus ~eps·|f|/h (rounding): the absolute slack
// scales with the cost's magnitude.
const ATOL = 1e-6;

/** A fixed random weighting, so that cost = sum(w * y) sees every element of y with its own weight. */
function weighted(y: Node, seed = 7): Node {
  const random = prng(seed);
  const shape = y.shape as number[];
  const size = shape.reduce((a, b) => a * b, 1);
  const w = T.constant(
    Tensor.from(
      Array.from({ length: size }, () => 0.5 + random()),
      shape,
      'f64',
    ),
  );
  return T.sum(T.mul(T.cast(y, 'f64'), w));
}

/** Asserts grad(cost, inputs) equals central finite differences of `cost` at `values`. */
function checkGrad(cost: Node, inputs: readonly Node[], values: Record<string, Tensor>): void {
  const grads = evaluate(grad(cost, inputs), values);
  const f0 = evaluate(cost, values).item();
  expect(Number.isFinite(f0)).toBe(true);
  inputs.forEach((x, k) => {
    const name = x.inputName!;
    const base = values[name];
    expect(grads[k].shape).toEqual(base.shape);
    for (let i = 0; i < base.size; i++) {
      const at = (delta: number) => {
        const data = Float64Array.from(base.data);
        data[i] += delta;
        return evaluate(cost, { ...values, [name]: Tensor.from(data, base.shape, base.dtype) }).item();
      };
      const h = H * Math.max(1, Math.abs(base.data[i]));
      const numeric = (at(h) - at(-h)) / (2 * h);
      const analytic = grads[k].data[i];
      const tol = ATOL * Math.max(1, Math.abs(f0)) + RTOL * Math.max(Math.abs(numeric), Math.abs(analytic));
      if (!(Math.abs(numeric - analytic) <= tol))
        expect.fail(`d/d${name}[${i}]: grad ${analytic}, finite difference ${numeric} (cost ${f0})`);
    }
  });
}

type Domain = readonly [number, number];
const ANY: Domain = [-2, 2];
const POS: Domain = [0.5, 2];
const NEG: Domain = [-2, -0.5];

/** A gradient case: input shapes with domains, and the function of the inputs (weighted to a scalar). */
interface GradCase {
  readonly what: string;
  readonly inputs: readonly (readonly [readonly number[], Domain])[];
  readonly f: (...xs: Node[]) => Node;
}
const g = (what: string, inputs: GradCase['inputs'], f: GradCase['f']): GradCase => ({ what, inputs, f });
const S: readonly number[] = [];

let caseCount = 0;
/** Builds inputs and values for a case, and checks it. */
function runCase(c: GradCase, seed: number): void {
  const random = prng(seed);
  const tag = `c${caseCount++}_`;
  const values: Record<string, Tensor> = {};
  const xs = c.inputs.map(([shape, [lo, hi]], i) => {
    const name = `${tag}${i}`;
    const size = shape.reduce((a, b) => a * b, 1);
    values[name] = Tensor.from(
      Array.from({ length: size }, () => lo + (hi - lo) * random()),
      shape,
      'f64',
    );
    return T.tensor(name, 'f64', shape);
  });
  checkGrad(weighted(c.f(...xs)), xs, values);
}

const unaryDomain: Record<string, Domain> = {
  log: POS,
  sqrt: POS,
  reciprocal: POS,
  log1p: POS,
  log1mexp: NEG,
  tan: [-1, 1],
};
const UNARY = UNARY_NAMES.filter((name) => name !== 'not');

/** op ⇒ gradient cases. Every op with a vjp must appear (zero-gradient ops check that they give 0). */
const CASES: Record<string, GradCase[]> = {
  ...Object.fromEntries(
    UNARY.map((op) => [op, [g('[2,3]', [[[2, 3], unaryDomain[op] ?? ANY]], (x) => T.apply(op, [x]))]]),
  ),
  not: [g('zero gradient', [[[3], ANY]], (x) => T.not(T.gt(x, 0)))],
  add: [
    g(
      'broadcast [2,3]+[3]',
      [
        [[2, 3], ANY],
        [[3], ANY],
      ],
      T.add,
    ),
    g(
      '[2,1]+[1,3]',
      [
        [[2, 1], ANY],
        [[1, 3], ANY],
      ],
      T.add,
    ),
  ],
  sub: [
    g(
      'scalar - matrix',
      [
        [S, ANY],
        [[2, 2], ANY],
      ],
      T.sub,
    ),
  ],
  mul: [
    g(
      '[3,1]*[2]',
      [
        [[3, 1], ANY],
        [[2], ANY],
      ],
      T.mul,
    ),
    g('x*x uses x twice', [[[3], ANY]], (x) => T.mul(x, x)),
  ],
  div: [
    g(
      '[2,3]/[2,1]',
      [
        [[2, 3], ANY],
        [[2, 1], POS],
      ],
      T.div,
    ),
  ],
  int_div: [
    g(
      'zero gradient',
      [
        [[3], POS],
        [[3], POS],
      ],
      T.int_div,
    ),
  ],
  mod: [
    g(
      'away from jumps',
      [
        [[3], [0.1, 0.9]],
        [[3], [1.1, 2]],
      ],
      T.mod,
    ),
  ],
  pow: [
    g(
      'positive base',
      [
        [[2, 2], POS],
        [[2], ANY],
      ],
      T.pow,
    ),
  ],
  maximum: [
    g(
      'no ties',
      [
        [[4], ANY],
        [[4], ANY],
      ],
      T.maximum,
    ),
  ],
  minimum: [
    g(
      'no ties',
      [
        [[4], ANY],
        [[2, 1], ANY],
      ],
      T.minimum,
    ),
  ],
  // An index is piecewise constant: the gradient through it is zero, beside x's own path.
  argmax: [
    g('zero gradient', [[[2, 3], ANY]], (x) => T.add(T.cast(T.argmax(x, 1, { keepdims: true }), 'f64'), x)),
  ],
  argmin: [g('zero gradient', [[[2, 3], ANY]], (x) => T.mul(T.cast(T.argmin(x), 'f64'), x))],
  ...Object.fromEntries(
    ['lt', 'le', 'gt', 'ge', 'eq', 'neq', 'and', 'or', 'xor'].map((op) => [
      op,
      [
        g(
          'zero gradient',
          [
            [[3], ANY],
            [[3], ANY],
          ],
          (a, b) => T.apply(op, [a, b]),
        ),
      ],
    ]),
  ),
  switch: [
    g(
      'by a comparison',
      [
        [[3], ANY],
        [[3], ANY],
        [[2, 3], ANY],
      ],
      (a, b, c) => T.switch(T.gt(a, 0), T.mul(b, c), T.sin(c)),
    ),
  ],
  cast: [
    g('f64 → f64 passes g', [[[3], ANY]], (x) => T.cast(T.sqr(x), 'f64')),
    g('to i32 stops g', [[[3], ANY]], (x) => T.add(T.cast(T.cast(x, 'i32'), 'f64'), x)),
  ],
  sum: [
    g('all', [[[2, 3], ANY]], (x) => T.sum(x)),
    g('axis -1 keepdims', [[[2, 3], ANY]], (x) => T.sum(x, { axis: -1, keepdims: true })),
    g('axes [0, 2]', [[[2, 3, 2], ANY]], (x) => T.sum(x, { axis: [0, 2] })),
  ],
  prod: [
    g('axis 1, no zeros', [[[2, 3], ANY]], (x) => T.prod(x, { axis: 1 })),
    g('keepdims', [[[2, 3], ANY]], (x) => T.prod(x, { axis: 0, keepdims: true })),
  ],
  max: [
    g('axis 0', [[[3, 2], ANY]], (x) => T.max(x, { axis: 0 })),
    g('all', [[[2, 2], ANY]], (x) => T.max(x)),
  ],
  min: [g('axis -1 keepdims', [[[3, 2], ANY]], (x) => T.min(x, { axis: -1, keepdims: true }))],
  mean: [
    g('axis 1', [[[2, 3], ANY]], (x) => T.mean(x, { axis: 1 })),
    g('of an unknown-dim input', [[[2, 3], ANY]], (x) => T.mean(T.reshape(x, [-1, 2]))),
  ],
  all: [g('zero gradient', [[[3], ANY]], (x) => T.all(T.gt(x, 0)))],
  any: [g('zero gradient', [[[3], ANY]], (x) => T.any(T.gt(x, 0)))],
  logsumexp: [
    g('axis 1', [[[2, 3], ANY]], (x) => T.logsumexp(x, { axis: 1 })),
    g('axes all keepdims', [[[2, 3], ANY]], (x) => T.logsumexp(x, { keepdims: true })),
  ],
  softmax: [
    g('axis 0', [[[3, 2], ANY]], (x) => T.softmax(x, 0)),
    g('axis -1', [[[2, 3], ANY]], (x) => T.softmax(x)),
  ],
  log_softmax: [
    g('axis 0', [[[3, 2], ANY]], (x) => T.log_softmax(x, 0)),
    g('axis -1', [[[4], ANY]], (x) => T.log_softmax(x)),
  ],
  dot: [
    g(
      'vv',
      [
        [[3], ANY],
        [[3], ANY],
      ],
      T.dot,
    ),
    g(
      'mv',
      [
        [[2, 3], ANY],
        [[3], ANY],
      ],
      T.dot,
    ),
    g(
      'vm',
      [
        [[2], ANY],
        [[2, 3], ANY],
      ],
      T.dot,
    ),
    g(
      'mm',
      [
        [[2, 3], ANY],
        [[3, 4], ANY],
      ],
      T.dot,
    ),
    g('xᵀx', [[[3, 2], ANY]], (x) => T.dot(x.T, x)),
  ],
  gemm: [
    g(
      'all five args',
      [
        [[2, 4], ANY],
        [S, ANY],
        [[2, 3], ANY],
        [[3, 4], ANY],
        [S, ANY],
      ],
      T.gemm,
    ),
    g(
      'broadcast z, vector y',
      [
        [[1], ANY],
        [S, ANY],
        [[2, 3], ANY],
        [[3], ANY],
        [S, ANY],
      ],
      T.gemm,
    ),
  ],
  transpose: [g('perm [2, 0, 1]', [[[2, 3, 2], ANY]], (x) => T.transpose(x, [2, 0, 1]))],
  reshape: [g('-1', [[[2, 3], ANY]], (x) => T.reshape(x, [3, -1]))],
  broadcast_to: [g('stretched and new axes', [[[3, 1], ANY]], (x) => T.broadcast_to(x, [2, 3, 4]))],
  expand_dims: [g('axis 1', [[[3], ANY]], (x) => T.expand_dims(x, 1))],
  squeeze: [g('all', [[[1, 3, 1], ANY]], (x) => T.squeeze(x))],
  concat: [
    g(
      'three args axis 1',
      [
        [[2, 1], ANY],
        [[2, 3], ANY],
        [[2, 2], ANY],
      ],
      (a, b, c) => T.concat([a, b, c], 1),
    ),
  ],
  slice: [
    g('x[1::2]', [[[5], ANY]], (x) => T.slice(x, { begin: [1], step: [2] })),
    g('x[::-1, -2:]', [[[2, 3], ANY]], (x) => T.slice(x, { begin: [-1, -2], step: [-1] })),
  ],
  slice_update: [
    g(
      'x[:, 1:] = v broadcast',
      [
        [[2, 3], ANY],
        [[2], ANY],
      ],
      (x, v) => T.slice_update(x, v, { begin: [0, 1] }),
    ),
    g(
      'x[::-2] = v',
      [
        [[5], ANY],
        [[3], ANY],
      ],
      (x, v) => T.slice_update(x, v, { step: [-2] }),
    ),
  ],
  fill: [g('zero gradient', [[[3], ANY]], (x) => T.add(T.fill(x, 2), x))],
  zeros_like: [g('zero gradient', [[[3], ANY]], (x) => T.add(T.zeros_like(x), x))],
  ones_like: [g('zero gradient', [[[3], ANY]], (x) => T.mul(T.ones_like(x), x))],
  size: [g('zero gradient', [[[3], ANY]], (x) => T.mul(T.size(x), x))],
};

describe('grad of every op matches finite differences', () => {
  it('every op with a vjp has a case', () => {
    const missing = [...OPS.values()].filter((op) => op.vjp && !CASES[op.name]?.length).map((op) => op.name);
    expect(missing).toEqual([]);
  });
  const rows = Object.entries(CASES).flatMap(([op, cases]) =>
    cases.map((c) => [`${op} ${c.what}`, c] as const),
  );
  it.each(rows)('%s', (_name, c) => {
    runCase(c, 1);
    runCase(c, 2);
  });
});

describe('grad of composed expressions', () => {
  it('matches finite differences on random smooth graphs', () => {
    fc.assert(
      fc.property(arbGraph({ smooth: true, maxSteps: 6, maxDepth: 4, maxDim: 3 }), (graph) => {
        checkGrad(weighted(graph.output), graph.inputs, graph.values as Record<string, Tensor>);
      }),
      { seed: 20240611, numRuns: 150 },
    );
  });

  it('adds the adjoints of a node used several times', () => {
    runCase(
      g(
        'shared subexpression',
        [
          [[3], ANY],
          [[3], ANY],
        ],
        (x, y) => {
          const s = T.sin(T.mul(x, y));
          return T.add(T.mul(s, s), T.dot(s, x));
        },
      ),
      3,
    );
  });

  it('max of copies gives the true derivative (ties from broadcasting are split)', () => {
    const x = T.vector('x', 'f64', 2);
    const [gx] = grad(T.sum(T.max(T.broadcast_to(T.expand_dims(x, 0), [3, 2]), { axis: 0 })), [x]);
    expect(evaluate(gx, { x: [1, 2] }).toArray()).toEqual([1, 1]);
  });

  it('prod is exact where a reduced element is zero', () => {
    const x = T.tensor('x', 'f64', [2, 3]);
    const [gx] = grad(T.sum(T.prod(x, { axis: 1 })), [x]);
    expect(
      evaluate(gx, {
        x: [
          [2, 0, 3],
          [0, 5, 0],
        ],
      }).toArray(),
    ).toEqual([
      [0, 6, 0],
      [0, 0, 0],
    ]);
  });
});

describe('grad contract', () => {
  const x = T.vector('x', 'f64');
  it('refuses a non-scalar cost', () => {
    expect(() => grad(x.exp(), [x])).toThrow(
      new ShapeError('grad: the cost must be a scalar, got shape [?x0]'),
    );
  });
  it('refuses an integer cost', () => {
    const k = T.vector('k', 'i32');
    expect(() => grad(T.sum(k), [x])).toThrow(new OpError('grad: the cost must be a float, got i64'));
  });
  it('refuses an int wrt', () => {
    const k = T.vector('k', 'i32');
    expect(() => grad(T.sum(T.mul(x, k)), [k])).toThrow(
      new OpError("grad: cannot differentiate with respect to a i32 input 'k'"),
    );
  });
  it('gives zeros for an input the cost does not depend on', () => {
    const y = T.tensor('y', 'f64', [2, 2]);
    const [gy] = grad(T.sum(x.exp()), [y]);
    expect(gy.shape).toEqual([2, 2]);
    expect(
      evaluate(gy, {
        y: [
          [1, 2],
          [3, 4],
        ],
      }).toArray(),
    ).toEqual([
      [0, 0],
      [0, 0],
    ]);
  });
  it('keeps the wrt dtype (f32 in, f32 gradient)', () => {
    const w = T.vector('w', 'f32');
    const [gw] = grad(T.sum(T.mul(T.cast(w, 'f64'), 3)), [w]);
    expect(gw.dtype).toBe('f32');
    expect(evaluate(gw, { w: new Float32Array([1, 2]) }).toArray()).toEqual([3, 3]);
  });
});

describe('logistic regression', () => {
  it('value and gradient equal the closed form', () => {
    const x = T.matrix('x', 'f64');
    const y = T.vector('y', 'f64');
    const w = T.vector('w', 'f64');
    const b = T.scalar('b', 'f64');
    const p = T.sigmoid(T.dot(x, w).add(b));
    const xent = T.sub(T.mul(T.neg(y), T.log(p)), T.mul(T.sub(1, y), T.log(T.sub(1, p))));
    const cost = T.add(T.mean(xent), T.mul(0.01, T.sum(w.pow(2))));
    const [gw, gb] = grad(cost, [w, b]);

    const random = prng(11);
    const n = 6;
    const d = 3;
    const X = Array.from({ length: n }, () => Array.from({ length: d }, () => random() * 2 - 1));
    const Y = Array.from({ length: n }, () => (random() < 0.5 ? 0 : 1));
    const W = [0.3, -0.2, 0.5];
    const B = 0.1;
    const [value, gwV, gbV] = evaluate([cost, gw, gb], { x: X, y: Y, w: W, b: B });

    const P = X.map((row) => 1 / (1 + Math.exp(-(row.reduce((s, v, j) => s + v * W[j], 0) + B))));
    const expectedCost =
      P.reduce((s, pi, i) => s - Y[i] * Math.log(pi) - (1 - Y[i]) * Math.log(1 - pi), 0) / n +
      0.01 * W.reduce((s, v) => s + v * v, 0);
    const expectedGw = W.map(
      (wj, j) => X.reduce((s, row, i) => s + row[j] * (P[i] - Y[i]), 0) / n + 0.02 * wj,
    );
    const expectedGb = P.reduce((s, pi, i) => s + pi - Y[i], 0) / n;

    expect(value.item()).toBeCloseTo(expectedCost, 12);
    (gwV.toArray() as number[]).forEach((v, j) => {
      expect(v).toBeCloseTo(expectedGw[j], 12);
    });
    expect(gbV.item()).toBeCloseTo(expectedGb, 12);
  });
});
