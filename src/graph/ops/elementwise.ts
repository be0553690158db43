/**
 * Elementwise ops: unary math, binary arithmetic, comparisons, logic, `switch` and `cast`. Each is a
 * scalar float64 function lifted over numpy broadcasting, with its dtype rule and its gradient.
 */
import { apply } from '../apply.js';
import { type DType, floatOf, promoteAll } from '../dtype.js';
import { DTypeError } from '../errors.js';
import type { Node } from '../node.js';
import type { Attrs, OpDef, OpSyntax, TypeInfo, VjpContext } from '../op-def.js';
import { broadcastShapes, type Shape, shapesEqual } from '../shape.js';
import { mapElementwise } from './kernels.js';
import { erf, erfc, floorMod, log1mexp, roundHalfEven, sigmoid, softplus } from './scalar-math.js';

/** How an elementwise op's dtype follows from its args'. */
type DTypeRule = 'same' | 'float' | 'bool';

interface ElementwiseSpec {
  readonly name: string;
  readonly arity: number;
  readonly doc: string;
  readonly fn: (...xs: number[]) => number;
  readonly dtype: DTypeRule;
  readonly cost: number;
  readonly vjp?: (ctx: VjpContext) => readonly (Node | null)[];
  readonly syntax?: OpSyntax;
  /** Refuse all-bool args, as numpy does for `-` (negating a bool is no arithmetic at all). */
  readonly refusesBool?: boolean;
}

const A = (op: string, ...args: (Node | number)[]): Node => apply(op, args);

function outDType(rule: DTypeRule, dtypes: readonly DType[], refusingBool?: string): DType {
  if (refusingBool && dtypes.every((d) => d === 'bool'))
    throw new DTypeError(
      `${refusingBool}: not defined on bool tensors (use not, xor or cast to an integer first)`,
    );
  if (rule === 'bool') return 'bool';
  const joined = promoteAll(dtypes);
  return rule === 'float' ? floatOf(joined) : joined;
}

/**
 * i32 products wrap modulo 2³², as numpy's: the float64 product of two i32 values past 2⁵³ has lost its
 * low bits before the wrap, so these use the exact 32-bit multiply.
 */
const I32_EXACT: Readonly<Record<string, (...xs: number[]) => number>> = {
  mul: Math.imul,
  sqr: (x) => Math.imul(x, x),
};

/**
 * The shape all args have, when they have one: what broadcasting them gives, without a new array (most
 * elementwise applications in a graph meet equal shapes, and a 100k-op graph is inferred op by op).
 */
function equalShape(args: readonly TypeInfo[]): Shape | undefined {
  const first = args[0]?.shape;
  if (first === undefined) return undefined;
  for (let k = 1; k < args.length; k++) {
    const shape = args[k].shape;
    if (shape !== first && !shapesEqual(shape, first)) return undefined;
  }
  return first;
}

/** Lifts a scalar spec to an OpDef over broadcast tensors. */
function elementwise(spec: ElementwiseSpec): OpDef {
  return {
    name: spec.name,
    arity: spec.arity,
    kind: 'elementwise',
    attrs: {},
    doc: spec.doc,
    infer: (args: readonly TypeInfo[]) => ({
      dtype: outDType(
        spec.dtype,
        args.map((a) => a.dtype),
        spec.refusesBool ? spec.name : undefined,
      ),
      shape:
        equalShape(args) ??
        broadcastShapes(
          spec.name,
          args.map((a) => a.shape),
        ),
    }),
    evaluate: (args, _attrs, out) =>
      mapElementwise(args, out.shape, out.dtype, (out.dtype === 'i32' && I32_EXACT[spec.name]) || spec.fn),
    vjp: spec.vjp,
    scalar: spec.fn,
    syntax: spec.syntax,
    elementCost: spec.cost,
  };
}

/** Gradient g·f'(x) for unary ops, with f' written in terms of x and the output y. */
const unaryVjp =
  (derivative: (x: Node, y: Node) => Node) =>
  ({ node, args, g }: VjpContext) => [A('mul', g, derivative(args[0], node))];

const noGrad = (ctx: VjpContext) => ctx.args.map(() => null);

const unary = (
  name: string,
  doc: string,
  fn: (x: number) => number,
  cost: number,
  derivative?: (x: Node, y: Node) => Node,
  dtype: DTypeRule = 'float',
  syntax?: OpSyntax,
): ElementwiseSpec => ({
  name,
  arity: 1,
  doc,
  fn,
  dtype,
  cost,
  vjp: derivative ? unaryVjp(derivative) : noGrad,
  syntax,
});

const UNARY: ElementwiseSpec[] = [
  {
    ...unary('neg', '-x', (x) => -x, 1, undefined, 'same', { kind: 'prefix', symbol: '-', precedence: 30 }),
    refusesBool: true,
    vjp: ({ g }) => [A('neg', g)],
  },
  unary('abs', '|x|', Math.abs, 1, (x) => A('sign', x), 'same'),
  unary('sign', '-1, 0 or 1 by the sign of x (zero gradient)', Math.sign, 1, undefined, 'same'),
  unary('exp', 'e^x', Math.exp, 10, (_x, y) => y),
  unary('log', 'natural logarithm', Math.log, 10, (x) => A('reciprocal', x)),
  unary('log1p', 'log(1 + x), accurate for small x', Math.log1p, 10, (x) => A('reciprocal', A('add', 1, x))),
  unary('expm1', 'e^x - 1, accurate for small x', Math.expm1, 10, (_x, y) => A('add', y, 1)),
  unary('sqrt', 'square root', Math.sqrt, 4, (_x, y) => A('div', 0.5, y)),
  unary(
    'sqr',
    'x * x',
    (x) => x * x,
    1,
    (x) => A('mul', 2, x),
    'same',
  ),
  unary(
    'reciprocal',
    '1 / x',
    (x) => 1 / x,
    4,
    (_x, y) => A('neg', A('sqr', y)),
  ),
  unary('sin', 'sine', Math.sin, 10, (x) => A('cos', x)),
  unary('cos', 'cosine', Math.cos, 10, (x) => A('neg', A('sin', x))),
  unary('tan', 'tangent', Math.tan, 12, (_x, y) => A('add', 1, A('sqr', y))),
  unary('tanh', 'hyperbolic tangent', Math.tanh, 12, (_x, y) => A('sub', 1, A('sqr', y))),
  unary('sinh', 'hyperbolic sine', Math.sinh, 12, (x) => A('cosh', x)),
  unary('cosh', 'hyperbolic cosine', Math.cosh, 12, (x) => A('sinh', x)),
  unary('arcsinh', 'inverse hyperbolic sine', Math.asinh, 14, (x) =>
    A('reciprocal', A('sqrt', A('add', A('sqr', x), 1))),
  ),
  unary('sigmoid', '1 / (1 + e^-x)', sigmoid, 12, (_x, y) => A('mul', y, A('sub', 1, y))),
  unary('softplus', 'log(1 + e^x), without overflow', softplus, 14, (x) => A('sigmoid', x)),
  unary('erf', 'the error function', erf, 20, (x) =>
    A('mul', 2 / Math.sqrt(Math.PI), A('exp', A('neg', A('sqr', x)))),
  ),
  unary('erfc', '1 - erf(x), accurate in the tail', erfc, 20, (x) =>
    A('mul', -2 / Math.sqrt(Math.PI), A('exp', A('neg', A('sqr', x)))),
  ),
  // -1 / expm1(0 - x): at x = 0 the one-sided limit -inf, as PyTensor (-x would give expm1(-0) = -0, +inf).
  unary('log1mexp', 'log(1 - e^x) for x ≤ 0, accurate everywhere', log1mexp, 16, (x) =>
    A('neg', A('reciprocal', A('expm1', A('sub', 0, x)))),
  ),
  unary('relu', 'max(x, 0)', (x) => (x > 0 ? x : x === 0 || x < 0 ? 0 : x), 1, undefined, 'same'),
  unary('floor', 'round down (zero gradient)', Math.floor, 1, undefined, 'same'),
  unary('ceil', 'round up (zero gradient)', Math.ceil, 1, undefined, 'same'),
  unary('round', 'round half to even, as numpy (zero gradient)', roundHalfEven, 1, undefined, 'same'),
  unary('not', 'logical not: true where x is 0', (x) => (x === 0 ? 1 : 0), 1, undefined, 'bool'),
];

// relu's gradient passes g where x > 0: written with switch so the graph stays differentiable elsewhere.
const RELU = UNARY.find((s) => s.name === 'relu')!;
Object.assign(RELU, { vjp: ({ args, g }: VjpContext) => [A('switch', A('gt', args[0], 0), g, 0)] });

const infix = (symbol: string, precedence: number, rightAssoc = false): OpSyntax => ({
  kind: 'infix',
  symbol,
  precedence,
  rightAssoc,
});

const binary = (
  name: string,
  doc: string,
  fn: (a: number, b: number) => number,
  cost: number,
  dtype: DTypeRule,
  vjp?: (ctx: VjpContext) => readonly (Node | null)[],
  syntax?: OpSyntax,
): ElementwiseSpec => ({ name, arity: 2, doc, fn, dtype, cost, vjp: vjp ?? noGrad, syntax });

const BINARY: ElementwiseSpec[] = [
  binary(
    'add',
    'a + b',
    (a, b) => a + b,
    1,
    'same',
    ({ g }) => [g, g],
    infix('+', 10),
  ),
  {
    ...binary(
      'sub',
      'a - b',
      (a, b) => a - b,
      1,
      'same',
      ({ g }) => [g, A('neg', g)],
      infix('-', 10),
    ),
    refusesBool: true,
  },
  binary(
    'mul',
    'a * b',
    (a, b) => a * b,
    1,
    'same',
    ({ args: [a, b], g }) => [A('mul', g, b), A('mul', g, a)],
    infix('*', 20),
  ),
  binary(
    'div',
    'a / b (true division: integers give floats)',
    (a, b) => a / b,
    4,
    'float',
    ({ node, args: [, b], g }) => [A('div', g, b), A('neg', A('div', A('mul', g, node), b))],
    infix('/', 20),
  ),
  binary('int_div', 'floor(a / b)', (a, b) => Math.floor(a / b), 4, 'same', undefined, infix('//', 20)),
  binary(
    'mod',
    'a mod b, with the sign of b (as Python)',
    floorMod,
    4,
    'same',
    ({ args: [a, b], g }) => [g, A('neg', A('mul', g, A('floor', A('div', a, b))))],
    infix('%', 20),
  ),
  binary(
    'pow',
    'a ** b',
    Math.pow,
    15,
    'same',
    ({ node, args: [a, b], g }) => [
      A('mul', g, A('mul', b, A('pow', a, A('sub', b, 1)))),
      // d/db a^b = a^b log a, taken as 0 at a = 0 as PyTensor does (0 · log 0 would be NaN).
      A('mul', g, A('switch', A('eq', a, 0), 0, A('mul', node, A('log', a)))),
    ],
    infix('**', 40, true),
  ),
  binary(
    'maximum',
    'the larger of a and b (NaN wins)',
    (a, b) => (a >= b || Number.isNaN(a) ? a : b),
    1,
    'same',
    ({ args: [a, b], g }) => [A('switch', A('ge', a, b), g, 0), A('switch', A('ge', a, b), 0, g)],
  ),
  binary(
    'minimum',
    'the smaller of a and b (NaN wins)',
    (a, b) => (a <= b || Number.isNaN(a) ? a : b),
    1,
    'same',
    ({ args: [a, b], g }) => [A('switch', A('le', a, b), g, 0), A('switch', A('le', a, b), 0, g)],
  ),
  binary('lt', 'a < b', (a, b) => +(a < b), 1, 'bool', undefined, infix('<', 5)),
  binary('le', 'a <= b', (a, b) => +(a <= b), 1, 'bool', undefined, infix('<=', 5)),
  binary('gt', 'a > b', (a, b) => +(a > b), 1, 'bool', undefined, infix('>', 5)),
  binary('ge', 'a >= b', (a, b) => +(a >= b), 1, 'bool', undefined, infix('>=', 5)),
  binary('eq', 'a == b', (a, b) => +(a === b), 1, 'bool', undefined, infix('==', 5)),
  binary('neq', 'a != b', (a, b) => +(a !== b), 1, 'bool', undefined, infix('!=', 5)),
  binary('and', 'logical and', (a, b) => +(a !== 0 && b !== 0), 1, 'bool'),
  binary('or', 'logical or', (a, b) => +(a !== 0 || b !== 0), 1, 'bool'),
  binary('xor', 'logical exclusive or', (a, b) => +((a !== 0) !== (b !== 0)), 1, 'bool'),
];

const SWITCH: OpDef = {
  name: 'switch',
  arity: 3,
  kind: 'elementwise',
  attrs: {},
  doc: 'switch(cond, a, b): a where cond is true, else b (numpy.where)',
  infer: ([c, a, b]) => ({
    dtype: promoteAll([a.dtype, b.dtype]),
    shape: broadcastShapes('switch', [c.shape, a.shape, b.shape]),
  }),
  evaluate: (args, _attrs, out) => mapElementwise(args, out.shape, out.dtype, (c, a, b) => (c !== 0 ? a : b)),
  vjp: ({ args: [c], g }) => [null, A('switch', c, g, 0), A('switch', c, 0, g)],
  scalar: (c, a, b) => (c !== 0 ? a : b),
  elementCost: 1,
};

const CAST: OpDef = {
  name: 'cast',
  arity: 1,
  kind: 'elementwise',
  attrs: { dtype: { type: 'dtype' } },
  doc: 'cast(x, dtype=f32): convert elements (floats to ints truncate toward zero)',
  infer: ([x], attrs: Attrs) => ({ dtype: attrs.dtype as DType, shape: x.shape }),
  evaluate: (args, _attrs, out) => mapElementwise(args, out.shape, out.dtype, (x) => x),
  vjp: ({ args: [x], node, g }) =>
    floatOf(x.dtype) === x.dtype && floatOf(node.dtype) === node.dtype
      ? [apply('cast', [g], { dtype: x.dtype })]
      : [null],
  scalar: (x) => x,
  elementCost: 1,
};

/** Every elementwise op. */
export const ELEMENTWISE_OPS: readonly OpDef[] = [
  ...UNARY.map(elementwise),
  ...BINARY.map(elementwise),
  SWITCH,
  CAST,
];

/** Names of the unary elementwise ops, for the graph API and random graph generators. */
export const UNARY_NAMES = UNARY.map((s) => s.name);

/** Names of the binary elementwise ops. */
export const BINARY_NAMES = BINARY.map((s) => s.name);
