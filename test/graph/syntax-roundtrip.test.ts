import fc from 'fast-check';
import { expect, test } from 'vitest';
import {
  formatDecls,
  formatExpr,
  type Node,
  parseExpr,
  parseExprs,
  SaturnError,
  T,
  type TensorLike,
} from '../../src/graph/index.js';

const INPUTS = [
  T.tensor('x', 'f32', ['n']),
  T.tensor('y', 'f32', ['n']),
  T.tensor('m', 'f32', ['n', 3]),
  T.tensor('k', 'f64', [3, 3]),
  T.tensor('u', 'f64', ['?', 3]),
  T.scalar('a', 'f64'),
  T.scalar('i', 'i64'),
  T.tensor('c', 'bool', ['n']),
];
const UNARY = [
  'neg',
  'abs',
  'exp',
  'log',
  'sqrt',
  'sin',
  'tanh',
  'sigmoid',
  'softplus',
  'relu',
  'floor',
  'log1p',
];
const BINARY = [
  'add',
  'sub',
  'mul',
  'div',
  'pow',
  'int_div',
  'mod',
  'maximum',
  'lt',
  'le',
  'gt',
  'ge',
  'eq',
  'neq',
];
const REDUCE = ['sum', 'mean', 'max', 'min', 'prod', 'logsumexp'];
const NUMBERS = [0, 1, 2, -1, 0.5, -2.25, 1e-7, 3e21, Infinity, -Infinity, Number.NaN, -0];
const DTYPES = ['f32', 'f64', 'i32', 'i64', 'bool'] as const;

/** One construction step: which builder, which operands (indices into the pool), and a parameter. */
type Step = readonly [number, number, number, number];

/**
 * Builds a graph from steps over a growing pool of nodes. Each builder picks operands whose types
 * fit (same shape, or a scalar); the few combinations the op table still refuses are skipped.
 */
function build(steps: readonly Step[]): Node {
  const pool: Node[] = [...INPUTS];
  const pick = (i: number, fits: (n: Node) => boolean = () => true): Node | undefined => {
    const ok = pool.filter(fits);
    return ok.length ? ok[i % ok.length] : undefined;
  };
  const num = (p: number) => NUMBERS[p % NUMBERS.length];
  const builders: ((i: number, j: number, p: number) => Node | undefined)[] = [
    (i, _j, p) => T.apply(UNARY[p % UNARY.length], [pick(i)!]),
    (i, j, p) => {
      const lhs = pick(i)!;
      const rhs = pick(j, (n) => n.rank === 0 || n.shape.join() === lhs.shape.join());
      return T.apply(BINARY[p % BINARY.length], p % 3 ? [lhs, rhs!] : [lhs, num(p)]);
    },
    (i, _j, p) => T.apply(BINARY[p % BINARY.length], [num(p), pick(i)!]),
    (i, _j, p) => {
      const x = pick(i, (n) => n.rank > 0)!;
      const axis = p % 3 === 0 ? null : (p % (2 * x.rank)) - x.rank;
      return T.apply(REDUCE[p % REDUCE.length], [x], { axis, keepdims: p % 2 === 0 });
    },
    (i, j) => {
      const lhs = pick(i, (n) => n.rank >= 1 && n.shape[n.rank - 1] === 3)!;
      const rhs = pick(j, (n) => n.rank >= 1 && n.shape[0] === 3);
      return rhs && T.dot(lhs, rhs);
    },
    (i, _j, p) => {
      const x = pick(i, (n) => n.rank === 2)!;
      return p % 2 ? T.transpose(x) : T.reshape(x, [3, p % 4 ? -1 : x.shape[0]]);
    },
    (i, _j, p) => T.cast(pick(i)!, DTYPES[p % DTYPES.length]),
    (i, j) => {
      const x = pick(i)!;
      const cond = pick(j, (n) => n.dtype === 'bool' && n.shape.join() === x.shape.join());
      return cond && T.switch(cond, x, 0);
    },
    (_i, _j, p) => T.constant(num(p), DTYPES[p % DTYPES.length]),
    (_i, _j, p) => T.constant([[num(p), num(p + 1), 1.5]], DTYPES[(p >> 2) % DTYPES.length]),
    (i, _j, p) => {
      const x = pick(i, (n) => n.rank === 2)!;
      return p % 2 ? T.concat([x, x], 1) : T.softmax(x, p % 3 === 0 ? 0 : -1);
    },
    (i, _j, p) => {
      const x = pick(i, (n) => n.rank === 2 && n.shape[1] === 3)!;
      return p % 2 ? T.slice(x, { begin: [0, 1], end: [null, 3] }) : T.expand_dims(x, p % 3);
    },
    (i, _j, p) => (p % 2 ? T.fill(pick(i)!, num(p)) : T.zeros_like(pick(i)!)),
  ];
  for (const [b, i, j, p] of steps) {
    try {
      const node = builders[b % builders.length](i, j, p);
      if (node) pool.push(node);
    } catch (e) {
      if (!(e instanceof SaturnError)) throw e;
    }
  }
  return pool[pool.length - 1];
}

const steps = fc.array(fc.tuple(fc.nat(1000), fc.nat(1000), fc.nat(1000), fc.nat(1000)), {
  minLength: 1,
  maxLength: 30,
});

test('parseExpr(formatExpr(e)) === e for random graphs', () => {
  fc.assert(
    fc.property(steps, (s) => {
      const e = build(s);
      const text = formatExpr(e);
      const back = parseExpr(text, { vars: formatDecls(e) });
      expect(back, text).toBe(e);
      expect(formatExpr(back)).toBe(text);
    }),
    { numRuns: 500 },
  );
});

test('several outputs round-trip with parseExprs', () => {
  fc.assert(
    fc.property(steps, steps, (s1, s2) => {
      const outs = [build(s1), build(s2)];
      expect(parseExprs(formatExpr(outs), { vars: formatDecls(outs) })).toEqual(outs);
    }),
    { numRuns: 100 },
  );
});

test('numbers are printed so that they read back exactly', () => {
  const x = INPUTS[0];
  fc.assert(
    fc.property(fc.double(), (v) => {
      const e: TensorLike = T.add(x, v);
      expect(parseExpr(formatExpr(e), { vars: formatDecls(e) })).toBe(e);
    }),
  );
});
