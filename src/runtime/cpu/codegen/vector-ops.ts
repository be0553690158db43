/**
 * Scalar expressions over four float32 lanes at once (f32x4). Booleans inside an expression are lane
 * masks (all ones = true), so comparisons, logic and `switch` stay in registers; boolean operands are
 * loaded as 0/1 lanes and turned into masks. Ops with no vector form (pow, mod, erf, …) fall back per
 * lane to the float64 scalar meaning, which is the reference's own: correct, only slower.
 */
import type { DType } from '../../../graph/dtype.js';
import type { ScalarExpr } from '../../program.js';
import { sel } from '../math/f32x4-math.js';
import { type Expr, f32x4, i32x4, lane, op } from '../wasm/expr.js';
import type { KernelContext } from './context.js';
import { dtypeOf, F64_OPS } from './scalar-ops.js';

const MASK_OPS: Readonly<Record<string, (a: Expr, b: Expr) => Expr>> = {
  lt: (a, b) => op('f32x4.lt', a, b),
  le: (a, b) => op('f32x4.le', a, b),
  gt: (a, b) => op('f32x4.gt', a, b),
  ge: (a, b) => op('f32x4.ge', a, b),
  eq: (a, b) => op('f32x4.eq', a, b),
  neq: (a, b) => op('f32x4.ne', a, b),
};
const LOGIC_OPS = new Set(['and', 'or', 'xor', 'not']);

type VecOp = (ctx: KernelContext, args: readonly Expr[]) => Expr;

/** Float32 lane ops with a vector form; their results equal the scalar meaning or are within the math tests' ulp bounds. */
const F32X4_OPS: Readonly<Record<string, VecOp>> = {
  add: (_c, [a, b]) => op('f32x4.add', a, b),
  sub: (_c, [a, b]) => op('f32x4.sub', a, b),
  mul: (_c, [a, b]) => op('f32x4.mul', a, b),
  div: (_c, [a, b]) => op('f32x4.div', a, b),
  neg: (_c, [a]) => op('f32x4.neg', a),
  abs: (_c, [a]) => op('f32x4.abs', a),
  sqrt: (_c, [a]) => op('f32x4.sqrt', a),
  sqr: (_c, [a]) => op('f32x4.mul', a, a),
  reciprocal: (_c, [a]) => op('f32x4.div', f32x4(1), a),
  floor: (_c, [a]) => op('f32x4.floor', a),
  ceil: (_c, [a]) => op('f32x4.ceil', a),
  round: (_c, [a]) => op('f32x4.nearest', a),
  sign: (_c, [a]) =>
    sel(op('f32x4.gt', a, f32x4(0)), f32x4(1), sel(op('f32x4.lt', a, f32x4(0)), f32x4(-1), a)),
  // x where x > 0, NaN stays NaN, everything else (−0 included) is +0, as the reference.
  relu: (_c, [a]) => op('v128.and', a, op('v128.or', op('f32x4.gt', a, f32x4(0)), op('f32x4.ne', a, a))),
  maximum: (_c, [a, b]) => sel(op('v128.or', op('f32x4.ge', a, b), op('f32x4.ne', a, a)), a, b),
  minimum: (_c, [a, b]) => sel(op('v128.or', op('f32x4.le', a, b), op('f32x4.ne', a, a)), a, b),
  exp: (c, [a]) => c.math.exp(a),
  log: (c, [a]) => c.math.log(a),
  log1p: (c, [a]) => c.math.log1p(a),
  expm1: (c, [a]) => c.math.expm1(a),
  tanh: (c, [a]) => c.math.tanh(a),
  sigmoid: (c, [a]) => c.math.sigmoid(a),
  softplus: (c, [a]) => c.math.softplus(a),
  sin: (c, [a]) => c.math.sin(a),
  cos: (c, [a]) => c.math.cos(a),
  tan: (c, [a]) => c.math.tan(a),
};

/** Ops evaluated per lane through their float64 meaning (rare in hot loops). */
export const PER_LANE_OPS = Object.keys(F64_OPS).filter(
  (o) => !(o in F32X4_OPS) && !(o in MASK_OPS) && !LOGIC_OPS.has(o) && o !== 'switch' && o !== 'cast',
);

/**
 * True when every value of `expr` is f32 or bool and each bool is a comparison, logic, cast or
 * switch condition: then the kernel runs four lanes at a time.
 */
export function vectorizable(expr: ScalarExpr): boolean {
  if (expr.kind === 'acc') return false;
  if (expr.kind !== 'op') return expr.dtype === 'f32' || expr.dtype === 'bool';
  if (expr.dtype !== 'f32' && expr.dtype !== 'bool') return false;
  if (!expr.args.every(vectorizable)) return false;
  const args = expr.args.map(dtypeOf);
  if (expr.op === 'cast') return true;
  if (expr.op === 'switch') return expr.dtype === 'f32' && args[1] === 'f32' && args[2] === 'f32';
  if (expr.dtype === 'bool')
    return expr.op in MASK_OPS ? args.every((d) => d === 'f32') : LOGIC_OPS.has(expr.op);
  return expr.dtype === 'f32' && args.every((d) => d === 'f32') && expr.op in F64_OPS;
}

export interface VectorScope {
  /** Operand `index`'s four lanes: f32 lanes, or 0/1 int lanes for a bool operand. */
  operand(index: number): Expr;
}

/** A bool value as a lane mask from its f32 (nonzero, NaN true) or mask form. */
function truthy(value: Expr, dtype: DType): Expr {
  return dtype === 'bool' ? value : op('f32x4.ne', value, f32x4(0));
}

/** Compiles a vectorizable expression to a v128 of f32 lanes (or a mask for bool). */
export function compileVector(ctx: KernelContext, expr: ScalarExpr, scope: VectorScope): Expr {
  switch (expr.kind) {
    case 'operand': {
      const v = scope.operand(expr.index);
      return expr.dtype === 'bool' ? ctx.fn.let(op('i32x4.ne', v, i32x4(0))) : v;
    }
    case 'const':
      return expr.dtype === 'bool' ? i32x4(expr.value !== 0 ? -1 : 0) : f32x4(expr.value);
    case 'acc':
      throw new Error('cpu executor: accumulator in a vector expression');
    case 'op': {
      const argDtypes = expr.args.map(dtypeOf);
      const args = expr.args.map((a) => ctx.fn.let(compileVector(ctx, a, scope)));
      if (expr.op === 'cast') {
        const from = argDtypes[0];
        if (from === expr.dtype) return args[0];
        // bool → f32: 1.0 where the mask is set; f32 → bool: nonzero.
        return expr.dtype === 'f32' ? op('v128.and', args[0], f32x4(1)) : truthy(args[0], from);
      }
      if (expr.op === 'switch') return sel(truthy(args[0], argDtypes[0]), args[1], args[2]);
      const mask = MASK_OPS[expr.op];
      if (mask) return mask(args[0], args[1]);
      if (LOGIC_OPS.has(expr.op)) {
        const m = args.map((a, i) => truthy(a, argDtypes[i]));
        if (expr.op === 'not') return op('v128.not', m[0]);
        return op(expr.op === 'and' ? 'v128.and' : expr.op === 'or' ? 'v128.or' : 'v128.xor', m[0], m[1]);
      }
      const vec = F32X4_OPS[expr.op];
      if (vec) return vec(ctx, args);
      return perLane(ctx, expr.op, args);
    }
  }
}

/** Evaluates `name` lane by lane in float64 (the reference's meaning) and rounds each lane to f32. */
function perLane(ctx: KernelContext, name: string, args: readonly Expr[]): Expr {
  const meaning = F64_OPS[name];
  if (!meaning) throw new Error(`cpu executor: no WebAssembly for elementwise op '${name}'`);
  let out = f32x4(0);
  for (let l = 0; l < 4; l++) {
    const lanes = args.map((a) => ctx.fn.let(op('f64.promote_f32', lane('f32x4.extract_lane', l, a))));
    const value = op('f32.demote_f64', meaning(ctx, lanes));
    out = ctx.fn.let(lane('f32x4.replace_lane', l, out, value));
  }
  return out;
}
