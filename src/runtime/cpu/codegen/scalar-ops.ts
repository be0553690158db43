/**
 * Scalar expressions in WebAssembly, one element at a time, with the reference interpreter's meaning:
 * every op computes in float64 on its arguments and rounds to its dtype (`castValue`). Where that is
 * exactly a native float32 instruction (+ − × ÷ √ on float32 arguments: float64 then rounding gives
 * the same bits), the native one is used. Values live as f32, f64, or i32 (i32 and bool, 0/1).
 */
import type { DType } from '../../../graph/dtype.js';
import type { ScalarExpr } from '../../program.js';
import { type Expr, f32, f64, i32, op, select } from '../wasm/expr.js';
import type { ValType } from '../wasm/opcodes.js';
import type { KernelContext } from './context.js';

/** The WebAssembly type holding a value of `dtype`. */
export function wasmTypeOf(dtype: DType): ValType {
  switch (dtype) {
    case 'f32':
      return 'f32';
    case 'f64':
    case 'i64':
      // i64 is held as float64, exact to 2^53, as the interpreter holds it.
      return 'f64';
    case 'i32':
    case 'bool':
      return 'i32';
  }
}

/** A value as float64 (its wasm type tells how: bool and i32 both live in i32). */
export function toF64(x: Expr, _dtype: DType): Expr {
  if (x.type === 'f64') return x;
  if (x.type === 'f32') return op('f64.promote_f32', x);
  return op('f64.convert_i32_s', x);
}

/** A float64 rounded to `dtype` as `castValue` does (i32: truncate and wrap; NaN/Inf → 0). */
export function fromF64(ctx: KernelContext, v: Expr, dtype: DType): Expr {
  switch (dtype) {
    case 'f64':
      return v;
    case 'f32':
      return op('f32.demote_f64', v);
    case 'bool':
      return op('f64.ne', v, f64(0));
    case 'i32': {
      const t = ctx.fn.let(op('f64.trunc', v));
      // t mod 2^32 in [0, 2^32), then into the signed range; Inf and NaN become NaN, which saturates to 0.
      const m = ctx.fn.let(
        op('f64.sub', t, op('f64.mul', op('f64.floor', op('f64.mul', t, f64(2 ** -32))), f64(2 ** 32))),
      );
      const signed = select(op('f64.sub', m, f64(2 ** 32)), m, op('f64.ge', m, f64(2 ** 31)));
      return op('i32.trunc_sat_f64_s', signed);
    }
    case 'i64': {
      // Truncation toward zero, 0 for NaN and ±Inf, and no −0.
      const t = ctx.fn.let(op('f64.trunc', v));
      return select(op('f64.add', t, f64(0)), f64(0), op('f64.lt', op('f64.abs', t), f64(Infinity)));
    }
  }
}

/** A value converted from `from` to `to` (the reference's cast). */
export function convert(ctx: KernelContext, x: Expr, from: DType, to: DType): Expr {
  if (from === to || (from === 'bool' && to === 'i32')) return x;
  return fromF64(ctx, ctx.fn.let(toF64(x, from)), to);
}

const b = (test: Expr): Expr => select(f64(1), f64(0), test);
const nz = (x: Expr): Expr => op('f64.ne', x, f64(0));

type F64Op = (ctx: KernelContext, args: readonly Expr[]) => Expr;

const imp =
  (
    name:
      | 'exp'
      | 'log'
      | 'log1p'
      | 'expm1'
      | 'sin'
      | 'cos'
      | 'tan'
      | 'tanh'
      | 'sinh'
      | 'cosh'
      | 'asinh'
      | 'erf'
      | 'erfc'
      | 'log1mexp',
  ): F64Op =>
  (ctx, [x]) =>
    ctx.imports.call(name, x);

/** Each op's float64 meaning; arguments are locals (reading them twice is free). */
export const F64_OPS: Readonly<Record<string, F64Op>> = {
  neg: (_c, [x]) => op('f64.neg', x),
  abs: (_c, [x]) => op('f64.abs', x),
  sign: (_c, [x]) => select(f64(1), select(f64(-1), x, op('f64.lt', x, f64(0))), op('f64.gt', x, f64(0))),
  exp: imp('exp'),
  log: imp('log'),
  log1p: imp('log1p'),
  expm1: imp('expm1'),
  sqrt: (_c, [x]) => op('f64.sqrt', x),
  sqr: (_c, [x]) => op('f64.mul', x, x),
  reciprocal: (_c, [x]) => op('f64.div', f64(1), x),
  sin: imp('sin'),
  cos: imp('cos'),
  tan: imp('tan'),
  tanh: imp('tanh'),
  sinh: imp('sinh'),
  cosh: imp('cosh'),
  arcsinh: imp('asinh'),
  erf: imp('erf'),
  erfc: imp('erfc'),
  log1mexp: imp('log1mexp'),
  // As scalar-math's sigmoid: 1/(1+e^-x) for x ≥ 0, e^x/(1+e^x) below (e^-|x| either way).
  sigmoid: (ctx, [x]) => {
    const e = ctx.fn.let(ctx.imports.call('exp', op('f64.neg', op('f64.abs', x))));
    const onePlus = op('f64.add', f64(1), e);
    return select(op('f64.div', f64(1), onePlus), op('f64.div', e, onePlus), op('f64.ge', x, f64(0)));
  },
  softplus: (ctx, [x]) => {
    const pos = op('f64.add', x, ctx.imports.call('log1p', ctx.imports.call('exp', op('f64.neg', x))));
    const neg = ctx.imports.call('log1p', ctx.imports.call('exp', x));
    return select(pos, neg, op('f64.gt', x, f64(0)));
  },
  relu: (_c, [x]) => select(x, select(x, f64(0), op('f64.ne', x, x)), op('f64.gt', x, f64(0))),
  floor: (_c, [x]) => op('f64.floor', x),
  ceil: (_c, [x]) => op('f64.ceil', x),
  round: (_c, [x]) => op('f64.nearest', x),
  not: (_c, [x]) => b(op('f64.eq', x, f64(0))),
  add: (_c, [x, y]) => op('f64.add', x, y),
  sub: (_c, [x, y]) => op('f64.sub', x, y),
  mul: (_c, [x, y]) => op('f64.mul', x, y),
  div: (_c, [x, y]) => op('f64.div', x, y),
  int_div: (_c, [x, y]) => op('f64.floor', op('f64.div', x, y)),
  // Python's modulo: the remainder takes the divisor's sign.
  mod: (ctx, [x, y]) => {
    const m = ctx.fn.let(ctx.imports.call('fmod', x, y));
    const fix = op(
      'i32.and',
      op('f64.ne', m, f64(0)),
      op('i32.ne', op('f64.lt', m, f64(0)), op('f64.lt', y, f64(0))),
    );
    return select(op('f64.add', m, y), m, fix);
  },
  pow: (ctx, [x, y]) => ctx.imports.call('pow', x, y),
  maximum: (_c, [x, y]) => select(x, y, op('i32.or', op('f64.ge', x, y), op('f64.ne', x, x))),
  minimum: (_c, [x, y]) => select(x, y, op('i32.or', op('f64.le', x, y), op('f64.ne', x, x))),
  lt: (_c, [x, y]) => b(op('f64.lt', x, y)),
  le: (_c, [x, y]) => b(op('f64.le', x, y)),
  gt: (_c, [x, y]) => b(op('f64.gt', x, y)),
  ge: (_c, [x, y]) => b(op('f64.ge', x, y)),
  eq: (_c, [x, y]) => b(op('f64.eq', x, y)),
  neq: (_c, [x, y]) => b(op('f64.ne', x, y)),
  and: (_c, [x, y]) => b(op('i32.and', nz(x), nz(y))),
  or: (_c, [x, y]) => b(op('i32.or', nz(x), nz(y))),
  xor: (_c, [x, y]) => b(op('i32.xor', nz(x), nz(y))),
  switch: (_c, [c, x, y]) => select(x, y, nz(c)),
  cast: (_c, [x]) => x,
};

/** float32 ops whose native instruction equals float64-then-round on float32 arguments. */
const NATIVE_F32: Readonly<Record<string, (args: readonly Expr[]) => Expr>> = {
  add: ([x, y]) => op('f32.add', x, y),
  sub: ([x, y]) => op('f32.sub', x, y),
  mul: ([x, y]) => op('f32.mul', x, y),
  div: ([x, y]) => op('f32.div', x, y),
  sqrt: ([x]) => op('f32.sqrt', x),
  neg: ([x]) => op('f32.neg', x),
  abs: ([x]) => op('f32.abs', x),
  sqr: ([x]) => op('f32.mul', x, x),
};

export interface ScalarScope {
  /** Operand `index` at the current point, in its dtype's wasm type. */
  operand(index: number): Expr;
  /** The accumulator (an f64) in epilogues. */
  readonly acc?: Expr;
}

export const dtypeOf = (e: ScalarExpr): DType => (e.kind === 'acc' ? 'f64' : e.dtype);

/** Compiles `expr` to a scalar value of its dtype's wasm type. */
export function compileScalar(ctx: KernelContext, expr: ScalarExpr, scope: ScalarScope): Expr {
  switch (expr.kind) {
    case 'operand':
      return scope.operand(expr.index);
    case 'acc':
      if (!scope.acc) throw new Error('cpu executor: accumulator read outside an epilogue');
      return scope.acc;
    case 'const':
      return constOf(expr.value, expr.dtype);
    case 'op': {
      const argDtypes = expr.args.map(dtypeOf);
      const args = expr.args.map((a) => ctx.fn.let(compileScalar(ctx, a, scope)));
      const native = NATIVE_F32[expr.op];
      if (native && expr.dtype === 'f32' && argDtypes.every((d) => d === 'f32')) return native(args);
      const meaning = F64_OPS[expr.op];
      if (!meaning) throw new Error(`cpu executor: no WebAssembly for elementwise op '${expr.op}'`);
      const value = meaning(
        ctx,
        args.map((a, i) => ctx.fn.let(toF64(a, argDtypes[i]))),
      );
      return fromF64(ctx, ctx.fn.let(value), expr.dtype);
    }
  }
}

/** A constant of `dtype` (already rounded to it by the lowering). */
export function constOf(value: number, dtype: DType): Expr {
  switch (wasmTypeOf(dtype)) {
    case 'f32':
      return f32(value);
    case 'f64':
      return f64(value);
    default:
      return i32(dtype === 'bool' ? +(value !== 0) : value | 0);
  }
}
