/**
 * Scalar expressions (the bodies of fused kernels) as JavaScript, one op per line: each op's float64
 * meaning, then rounding to the dtype it computes in, exactly as the reference interpreter does
 * (`Math.fround` for f32, 32-bit wrap for i32, 0/1 for bool). The table below is the whole mapping;
 * ops JavaScript's Math lacks call the interpreter's own scalar functions, so results agree bit for bit.
 */
import type { DType } from '../../graph/dtype.js';
import {
  erf,
  erfc,
  floorMod,
  log1mexp,
  roundHalfEven,
  sigmoid,
  softplus,
} from '../../graph/ops/scalar-math.js';
import type { ScalarExpr } from '../program.js';
import { binary, call, cond, constDecl, id, type JsExpr, type JsStmt, math, num, unary } from './ast.js';

/** Functions generated code may call, passed to every kernel as `h`. */
export const HELPERS = {
  erf,
  erfc,
  floorMod,
  log1mexp,
  roundHalfEven,
  sigmoid,
  softplus,
  /** castValue(v, 'i64'): truncation, 0 for NaN and infinities. */
  castI64: (v: number) => (Number.isFinite(v) ? Math.trunc(v) + 0 : 0),
} as const;

export type HelperName = keyof typeof HELPERS;

/** What the generated expression may read. */
export interface ScalarScope {
  /** The expression reading operand `index` at the current point (an identifier or a load). */
  operand(index: number): JsExpr;
  /** The accumulator, in epilogues. */
  readonly acc?: JsExpr;
  /** A fresh local name. */
  fresh(): string;
  /** Records a helper the kernel calls. */
  useHelper(name: HelperName): JsExpr;
}

const b01 = (test: JsExpr) => cond(test, num(1), num(0));
const nonzero = (x: JsExpr) => binary('!==', x, num(0));

type OpEmitter = (args: readonly JsExpr[], scope: ScalarScope) => JsExpr;
const mathOp =
  (name: string): OpEmitter =>
  ([x]) =>
    math(name, x);
const helper =
  (name: HelperName): OpEmitter =>
  (args, scope) =>
    call(scope.useHelper(name), ...args);

/** Each elementwise op's float64 meaning (args are identifiers or literals, so repeats are free). */
const OPS: Readonly<Record<string, OpEmitter>> = {
  neg: ([x]) => unary('-', x),
  abs: mathOp('abs'),
  sign: mathOp('sign'),
  exp: mathOp('exp'),
  log: mathOp('log'),
  log1p: mathOp('log1p'),
  expm1: mathOp('expm1'),
  sqrt: mathOp('sqrt'),
  sqr: ([x]) => binary('*', x, x),
  reciprocal: ([x]) => binary('/', num(1), x),
  sin: mathOp('sin'),
  cos: mathOp('cos'),
  tan: mathOp('tan'),
  tanh: mathOp('tanh'),
  sinh: mathOp('sinh'),
  cosh: mathOp('cosh'),
  arcsinh: mathOp('asinh'),
  sigmoid: helper('sigmoid'),
  softplus: helper('softplus'),
  erf: helper('erf'),
  erfc: helper('erfc'),
  log1mexp: helper('log1mexp'),
  // x > 0 ? x : (x === 0 || x < 0 ? 0 : x): NaN passes through.
  relu: ([x]) => cond(binary('>', x, num(0)), x, cond(binary('!==', x, x), x, num(0))),
  floor: mathOp('floor'),
  ceil: mathOp('ceil'),
  round: helper('roundHalfEven'),
  not: ([x]) => b01(binary('===', x, num(0))),
  add: ([a, b]) => binary('+', a, b),
  sub: ([a, b]) => binary('-', a, b),
  mul: ([a, b]) => binary('*', a, b),
  div: ([a, b]) => binary('/', a, b),
  int_div: ([a, b]) => math('floor', binary('/', a, b)),
  mod: helper('floorMod'),
  pow: ([a, b]) => math('pow', a, b),
  maximum: ([a, b]) => cond(binary('||', binary('>=', a, b), binary('!==', a, a)), a, b),
  minimum: ([a, b]) => cond(binary('||', binary('<=', a, b), binary('!==', a, a)), a, b),
  lt: ([a, b]) => b01(binary('<', a, b)),
  le: ([a, b]) => b01(binary('<=', a, b)),
  gt: ([a, b]) => b01(binary('>', a, b)),
  ge: ([a, b]) => b01(binary('>=', a, b)),
  eq: ([a, b]) => b01(binary('===', a, b)),
  neq: ([a, b]) => b01(binary('!==', a, b)),
  and: ([a, b]) => b01(binary('&&', nonzero(a), nonzero(b))),
  or: ([a, b]) => b01(binary('||', nonzero(a), nonzero(b))),
  xor: ([a, b]) => b01(binary('!==', nonzero(a), nonzero(b))),
  switch: ([c, a, b]) => cond(nonzero(c), a, b),
  cast: ([x]) => x,
};

/** Ops whose result is 0 or 1 already. */
const BOOLEAN_OPS = new Set(['not', 'lt', 'le', 'gt', 'ge', 'eq', 'neq', 'and', 'or', 'xor']);
/** Ops whose result is one of their args or an integer-valued function of one: exact in any dtype. */
const SELECTING_OPS = new Set(['sign', 'floor', 'ceil', 'round', 'relu', 'maximum', 'minimum', 'switch']);
/** Ops exact in a float dtype (but not in i32, where -(-2^31) wraps). */
const SIGN_OPS = new Set(['neg', 'abs']);

/** A value rounded to `dtype` as `castValue` does. */
export function roundTo(x: JsExpr, dtype: DType, scope: ScalarScope): JsExpr {
  switch (dtype) {
    case 'f64':
      return x;
    case 'f32':
      return math('fround', x);
    case 'i32':
      return binary('|', x, num(0));
    case 'bool':
      return b01(nonzero(x));
    case 'i64':
      return call(scope.useHelper('castI64'), x);
  }
}

function needsRounding(e: Extract<ScalarExpr, { kind: 'op' }>, argDtypes: readonly DType[]): boolean {
  if (e.dtype === 'f64' || BOOLEAN_OPS.has(e.op) || SELECTING_OPS.has(e.op)) return false;
  if (SIGN_OPS.has(e.op)) return e.dtype !== 'f32';
  if (e.op === 'cast') {
    const from = argDtypes[0];
    return !(from === e.dtype || from === 'bool' || (from === 'i32' && e.dtype === 'i64'));
  }
  return true;
}

const dtypeOfScalar = (e: ScalarExpr): DType => (e.kind === 'acc' ? 'f64' : e.dtype);

/**
 * Emits the statements computing `expr` into `out` and returns the expression of its value (rounded
 * to the expression's dtype, except where `storedAs` says the value goes straight into an array of
 * that dtype whose store rounds the same way).
 *
 * @example emitScalar(expr, scope, stmts) // stmts gets `const t0 = Math.fround(x0 * x1);`, returns t0
 */
export function emitScalar(expr: ScalarExpr, scope: ScalarScope, out: JsStmt[], storedAs?: DType): JsExpr {
  switch (expr.kind) {
    case 'operand':
      return scope.operand(expr.index);
    case 'acc':
      if (!scope.acc) throw new Error('internal: accumulator read outside an epilogue');
      return scope.acc;
    case 'const':
      return num(expr.value);
    case 'op': {
      const emitter = OPS[expr.op];
      if (!emitter) throw new Error(`internal: no JavaScript for elementwise op '${expr.op}'`);
      const args = expr.args.map((a) => emitScalar(a, scope, out));
      let value = emitter(args, scope);
      // A Float32Array or Int32Array store rounds as fround and |0 do: the root's rounding is free.
      const storeRounds = storedAs === expr.dtype && (storedAs === 'f32' || storedAs === 'i32');
      const rounds = !storeRounds && needsRounding(expr, expr.args.map(dtypeOfScalar));
      if (rounds) value = roundTo(value, expr.dtype, scope);
      else if (expr.op === 'cast') return args[0];
      const name = scope.fresh();
      out.push(constDecl(name, value));
      return id(name);
    }
  }
}
