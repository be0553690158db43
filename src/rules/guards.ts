/**
 * Guards: the `when` part of a rule. A guard is an expression over named, registered functions of the
 * bound classes (`positive(?x)`, `rank(?x) == 2`, `dtype(?x) == f32`), combined with `and`, `or`, `not`
 * and comparisons. The functions read the e-graph's analyses (type, value, range); nothing else.
 *
 * Exact or computed values. The range guards (`positive`, `nonneg`, `nonzero`, `negative`, `nonpos`,
 * `lo`, `hi`, `finite`) reason about the exact real value of each element: `positive(exp(x))` holds
 * although e^-800 rounds to 0. That is what a rule whose right side is exact wherever its left side's
 * exact value is defined needs (`sign(exp(x)) => 1` makes the answer closer to the exact one). For
 * integer dtypes the exact value is the wrapped one: the range analysis widens any range that could
 * wrap to the whole dtype. `normal` and `moderate` reason about computed values: they bound what a
 * float holds after rounding, for rules whose right side computes something the left side did not
 * (1/c).
 */
import type { EGraph } from '../egraph/egraph.js';
import type { ClassId } from '../egraph/ids.js';
import { isNonZero, TOP } from '../egraph/interval.js';
import type { Guard, Subst } from '../egraph/rewrite.js';
import { type TensorEGraph, tensorOf } from '../egraph/tensor/index.js';
import { isFloat, isInteger } from '../graph/dtype.js';
import { isConcrete } from '../graph/shape.js';
import type { Span } from '../graph/syntax/ast.js';

/** A guard expression as parsed from a rule's `when` clause. */
export type GuardExpr =
  | { readonly kind: 'and' | 'or'; readonly args: readonly GuardExpr[] }
  | { readonly kind: 'not'; readonly arg: GuardExpr }
  | { readonly kind: 'compare'; readonly op: CompareOp; readonly left: GuardExpr; readonly right: GuardExpr }
  | {
      readonly kind: 'call';
      readonly name: string;
      readonly args: readonly GuardExpr[];
      readonly span?: Span;
    }
  | { readonly kind: 'var'; readonly name: string; readonly span?: Span }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'word'; readonly value: string; readonly span?: Span };

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

type GuardValue = boolean | number | string;

/** What a guard function sees: the tensor e-graph and the classes of its arguments. */
type GuardFn = (t: TensorEGraph, ...classes: ClassId[]) => GuardValue;

/** A registered guard function: its arity (all args are class variables), result kind and doc. */
export interface GuardFunction {
  readonly arity: number;
  readonly returns: 'bool' | 'number' | 'string';
  readonly doc: string;
  readonly fn: GuardFn;
}

const range = (t: TensorEGraph, c: ClassId) => t.egraph.data(t.ranges, c) ?? TOP;
const type = (t: TensorEGraph, c: ClassId) => t.egraph.data(t.types, c);
const pred = (doc: string, fn: (t: TensorEGraph, c: ClassId) => boolean): GuardFunction => ({
  arity: 1,
  returns: 'bool',
  doc,
  fn: (t, c) => fn(t, c),
});

const F64_MIN_NORMAL = 2.2250738585072014e-308;
const F32_MIN_NORMAL = 1.1754943508222875e-38;
/** Room for rounding between an exact bound and the computed value (a few f32 ulps). */
const SLACK = 1 + 1e-6;

/** Every guard function a rule may call, by name. */
export const GUARD_FUNCTIONS: Readonly<Record<string, GuardFunction>> = {
  nonzero: pred('no element is 0', (t, c) => isNonZero(range(t, c))),
  positive: pred('every element is > 0', (t, c) => range(t, c).lo > 0),
  nonneg: pred('every element is >= 0', (t, c) => range(t, c).lo >= 0),
  negative: pred('every element is < 0', (t, c) => range(t, c).hi < 0),
  nonpos: pred('every element is <= 0', (t, c) => range(t, c).hi <= 0),
  finite: pred(
    'every element is finite',
    (t, c) => Number.isFinite(range(t, c).lo) && Number.isFinite(range(t, c).hi),
  ),
  normal: pred(
    'computed values: every element and its reciprocal are normal floats (|x| within [m, 1/m], m the least normal of the dtype)',
    (t, c) => {
      const dtype = type(t, c).dtype;
      const least = dtype === 'f32' ? F32_MIN_NORMAL : dtype === 'f64' ? F64_MIN_NORMAL : undefined;
      const r = range(t, c);
      const inside = (lo: number, hi: number) => lo >= least! * SLACK && hi <= 1 / (least! * SLACK);
      return least !== undefined && (inside(r.lo, r.hi) || inside(-r.hi, -r.lo));
    },
  ),
  moderate: pred(
    'computed values: every element is 0 or of magnitude within [2^-64, 2^64]: products with it neither overflow nor underflow where the other factor does not',
    (t, c) => {
      const r = range(t, c);
      if (r.lo === 0 && r.hi === 0) return true;
      const inside = (lo: number, hi: number) => lo >= 2 ** -64 && hi <= 2 ** 64;
      return inside(r.lo, r.hi) || inside(-r.hi, -r.lo);
    },
  ),
  is_const: pred('the value is a known constant', (t, c) => t.egraph.data(t.values, c) !== undefined),
  is_uniform: pred('every element has the same known value', (t, c) => range(t, c).lo === range(t, c).hi),
  is_scalar: pred('rank 0', (t, c) => type(t, c).shape.length === 0),
  is_float: pred('a float dtype', (t, c) => isFloat(type(t, c).dtype)),
  is_int: pred('an integer dtype', (t, c) => isInteger(type(t, c).dtype)),
  is_bool: pred('the bool dtype', (t, c) => type(t, c).dtype === 'bool'),
  is_integral: pred('every element is a whole number', (t, c) => {
    const r = range(t, c);
    return r.lo === r.hi && Number.isInteger(r.lo);
  }),
  same_shape: {
    arity: 2,
    returns: 'bool',
    doc: 'the two shapes are the same',
    fn: (t, a, b) => {
      const [x, y] = [type(t, a).shape, type(t, b).shape];
      return x.length === y.length && x.every((d, i) => d === y[i]);
    },
  },
  rank: { arity: 1, returns: 'number', doc: 'the number of axes', fn: (t, c) => type(t, c).shape.length },
  size: {
    arity: 1,
    returns: 'number',
    doc: 'the number of elements (NaN when a dim is symbolic)',
    fn: (t, c) => {
      const s = type(t, c).shape;
      return isConcrete(s) ? s.reduce((n: number, d: number) => n * d, 1) : Number.NaN;
    },
  },
  dtype: { arity: 1, returns: 'string', doc: 'the dtype name', fn: (t, c) => type(t, c).dtype },
  value: {
    arity: 1,
    returns: 'number',
    doc: 'the value every element has (NaN unless uniform)',
    fn: (t, c) => {
      const r = range(t, c);
      return r.lo === r.hi ? r.lo : Number.NaN;
    },
  },
  lo: { arity: 1, returns: 'number', doc: 'a lower bound of the elements', fn: (t, c) => range(t, c).lo },
  hi: { arity: 1, returns: 'number', doc: 'an upper bound of the elements', fn: (t, c) => range(t, c).hi },
};

/** A guard that could not be compiled; `span` points at the offending call when known. */
export class GuardCompileError extends Error {
  constructor(
    message: string,
    readonly span?: Span,
  ) {
    super(message);
  }
}

/** The class variables a guard reads. */
export function guardVars(g: GuardExpr): string[] {
  switch (g.kind) {
    case 'and':
    case 'or':
      return [...new Set(g.args.flatMap(guardVars))];
    case 'not':
      return guardVars(g.arg);
    case 'compare':
      return [...new Set([...guardVars(g.left), ...guardVars(g.right)])];
    case 'call':
      return [...new Set(g.args.flatMap(guardVars))];
    case 'var':
      return [g.name];
    default:
      return [];
  }
}

/** Where a variable first appears in a guard, for errors that point at it. */
export function guardVarSpan(g: GuardExpr, name: string): Span | undefined {
  switch (g.kind) {
    case 'var':
      return g.name === name ? g.span : undefined;
    case 'and':
    case 'or':
    case 'call':
      for (const a of g.args) {
        const found = guardVarSpan(a, name);
        if (found) return found;
      }
      return undefined;
    case 'not':
      return guardVarSpan(g.arg, name);
    case 'compare':
      return guardVarSpan(g.left, name) ?? guardVarSpan(g.right, name);
    default:
      return undefined;
  }
}

/** Prints a guard the way it is written. */
export function formatGuard(g: GuardExpr): string {
  switch (g.kind) {
    case 'and':
    case 'or':
      return g.args
        .map((a) => (a.kind === 'and' || a.kind === 'or' ? `(${formatGuard(a)})` : formatGuard(a)))
        .join(` ${g.kind} `);
    case 'not':
      return `not ${formatGuard(g.arg)}`;
    case 'compare':
      return `${formatGuard(g.left)} ${g.op} ${formatGuard(g.right)}`;
    case 'call':
      return `${g.name}(${g.args.map(formatGuard).join(', ')})`;
    case 'var':
      return g.name;
    case 'number':
      return String(g.value);
    case 'word':
      return g.value;
  }
}

type Evaluator = (t: TensorEGraph, s: Subst) => GuardValue;

/**
 * Compiles a guard expression against the registry, checking names and arities, into a `Guard` for a
 * rewrite over the tensor e-graph `t`.
 *
 * @example compileGuard(parsed, t).check(eg, subst)
 */
export function compileGuard(g: GuardExpr, t: TensorEGraph): Guard {
  const run = compileExpr(g);
  return {
    name: formatGuard(g),
    vars: guardVars(g),
    check: (_eg: EGraph, s: Subst) => run(t, s) === true,
  };
}

/**
 * A guard for any tensor e-graph: compiled once, reading the e-graph it is checked on (compiling it per
 * e-graph was ~3% of a warm optimize).
 *
 * @example new Rewrite('r', lhs, applier, [sharedGuard(parseGuard('positive(?x)'))])
 */
export function sharedGuard(g: GuardExpr): Guard {
  const run = compileExpr(g);
  return {
    name: formatGuard(g),
    vars: guardVars(g),
    check: (eg: EGraph, s: Subst) => run(tensorOf(eg), s) === true,
  };
}

/** Checks a guard's names and arities without an e-graph; throws GuardCompileError. */
export function validateGuard(g: GuardExpr): void {
  compileExpr(g);
}

function compileExpr(g: GuardExpr): Evaluator {
  switch (g.kind) {
    case 'and': {
      const parts = g.args.map(compileExpr);
      return (t, s) => parts.every((p) => p(t, s) === true);
    }
    case 'or': {
      const parts = g.args.map(compileExpr);
      return (t, s) => parts.some((p) => p(t, s) === true);
    }
    case 'not': {
      const inner = compileExpr(g.arg);
      return (t, s) => inner(t, s) !== true;
    }
    case 'compare': {
      const [l, r] = [compileExpr(g.left), compileExpr(g.right)];
      const cmp = COMPARE[g.op];
      return (t, s) => cmp(l(t, s), r(t, s));
    }
    case 'number':
      return () => g.value;
    case 'word':
      return () => g.value;
    case 'var':
      throw new GuardCompileError(
        `a bare variable ${g.name} is not a condition; call a guard on it, e.g. positive(${g.name})`,
        g.span,
      );
    case 'call': {
      const f = GUARD_FUNCTIONS[g.name];
      if (!f)
        throw new GuardCompileError(
          `unknown guard '${g.name}' (guards: ${Object.keys(GUARD_FUNCTIONS).join(', ')})`,
          g.span,
        );
      if (g.args.length !== f.arity)
        throw new GuardCompileError(
          `guard '${g.name}' takes ${f.arity} argument${f.arity === 1 ? '' : 's'}, got ${g.args.length}`,
          g.span,
        );
      const names = g.args.map((a) => {
        if (a.kind !== 'var')
          throw new GuardCompileError(`guard '${g.name}' takes pattern variables (?x) as arguments`, g.span);
        return a.name;
      });
      return (t, s) => f.fn(t, ...names.map((n) => s.get(n)));
    }
  }
}

const COMPARE: Record<CompareOp, (a: GuardValue, b: GuardValue) => boolean> = {
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};
