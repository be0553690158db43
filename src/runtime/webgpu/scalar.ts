/**
 * Scalar expressions (`ScalarExpr` of the program) as WGSL expression trees. Each op of the op table
 * that a fused kernel may contain has one entry here, per computing type; values are WGSL `f32`, `i32`
 * or `bool` (booleans become u32 only in buffers). An op's arguments are converted to the type the op
 * computes in, as the interpreter promotes them.
 *
 * @example
 * scalarToWgsl({ kind: 'op', op: 'exp', dtype: 'f32', args: [{ kind: 'operand', index: 0, dtype: 'f32' }] },
 *   { operand: () => ident('a0', 'f32'), helpers: new Set() }); // exp(a0)
 */
import type { DType } from '../../graph/dtype.js';
import type { ScalarExpr } from '../program.js';
import { WebGpuUnsupportedError } from './errors.js';
import { binary, call, convert, type Expr, lit, neg, not, type ScalarType, select } from './wgsl.js';

/** Where an expression's leaves come from, and the set collecting the helper functions it calls. */
export interface ScalarScope {
  operand(index: number): Expr;
  acc?: Expr;
  readonly helpers: Set<string>;
}

/** The WGSL type a dtype computes in; f64 and i64 have none (refused, never downcast). */
export function wgslType(dtype: DType): ScalarType {
  switch (dtype) {
    case 'f32':
    case 'i32':
    case 'bool':
      return dtype;
    case 'f64':
    case 'i64':
      throw new WebGpuUnsupportedError(`WebGPU has no ${dtype}: this program needs the cpu or js executor`);
  }
}

/**
 * The type an expression node computes in. Buffers of f64 or i64 are refused before any code is
 * generated; what remains here are intermediates the lowering widened for accuracy (f64 accumulators
 * and epilogues of f32 data), which WebGPU computes in f32 and i32, the width of the data itself.
 */
export function computeType(dtype: DType): ScalarType {
  if (dtype === 'f64') return 'f32';
  if (dtype === 'i64') return 'i32';
  return dtype;
}

/** The element type a dtype is stored as in a buffer. */
export function storageType(dtype: DType): 'f32' | 'i32' | 'u32' {
  const t = wgslType(dtype);
  return t === 'bool' ? 'u32' : t;
}

/** A value loaded from a buffer of `dtype`, as the type expressions compute in. */
export function fromStorage(e: Expr, dtype: DType): Expr {
  return dtype === 'bool' ? binary('!=', e, lit(0, 'u32')) : e;
}

/** A computed value as stored in a buffer of `dtype`. */
export function toStorage(e: Expr, dtype: DType): Expr {
  return dtype === 'bool'
    ? select(lit(0, 'u32'), lit(1, 'u32'), convert(e, 'bool'))
    : convert(e, wgslType(dtype));
}

export function scalarToWgsl(e: ScalarExpr, scope: ScalarScope): Expr {
  switch (e.kind) {
    case 'operand':
      return scope.operand(e.index);
    case 'acc':
      if (scope.acc === undefined)
        throw new WebGpuUnsupportedError('an accumulator read outside an epilogue');
      return convert(scope.acc, computeType(e.dtype));
    case 'const':
      return lit(e.value, computeType(e.dtype));
    case 'op':
      return opToWgsl(
        e.op,
        e.args.map((a) => scalarToWgsl(a, scope)),
        computeType(e.dtype),
        e.attrs,
        scope.helpers,
      );
  }
}

/** The type two or more values are compared in: f32 over i32 over bool (as i32). */
function comparisonType(args: readonly Expr[]): ScalarType {
  if (args.some((a) => a.type === 'f32')) return 'f32';
  return 'i32';
}

/** Ops whose WGSL form takes or gives `bool` directly. */
const BOOLEAN_NATIVE = new Set([
  'not',
  'lt',
  'le',
  'gt',
  'ge',
  'eq',
  'neq',
  'and',
  'or',
  'xor',
  'switch',
  'cast',
]);

function opToWgsl(
  op: string,
  raw: readonly Expr[],
  type: ScalarType,
  attrs: Readonly<Record<string, unknown>> | undefined,
  helpers: Set<string>,
): Expr {
  // Arithmetic on booleans (add of two bools is an or) computes in f32, as the interpreter does in
  // float64, and converts back: false // false is NaN there, which is true.
  if (type === 'bool' && !BOOLEAN_NATIVE.has(op))
    return convert(opToWgsl(op, raw, 'f32', attrs, helpers), 'bool');
  const args = raw.map((a) => convert(a, type));
  const [x, y] = args;
  const helper = (name: string, fnArgs: readonly Expr[]): Expr => {
    helpers.add(name);
    return call(name, fnArgs, type);
  };
  const builtin = (name: string): Expr => call(name, args, type);
  const isFloat = type === 'f32';
  const zero = lit(0, type === 'bool' ? 'i32' : type);
  const one = lit(1, type === 'bool' ? 'i32' : type);
  switch (op) {
    case 'neg':
      return neg(x);
    case 'abs':
      return builtin(op);
    case 'sign':
      // WGSL's sign may take NaN to 0 (lavapipe does); the reference keeps NaN, decided from the bits.
      if (!isFloat) return builtin(op);
      helpers.add('is_nan_f32');
      return select(builtin(op), x, call('is_nan_f32', [x], 'bool'));
    case 'exp':
    case 'log':
    case 'sqrt':
    case 'sin':
    case 'cos':
    case 'tan':
    case 'tanh':
    case 'sinh':
    case 'cosh':
      return builtin(op);
    case 'arcsinh':
      return builtin('asinh');
    case 'log1p':
    case 'expm1':
    case 'sigmoid':
    case 'softplus':
    case 'erf':
    case 'erfc':
    case 'log1mexp':
      return helper(`${op}_f32`, [x]);
    case 'sqr':
      return binary('*', x, x);
    case 'reciprocal':
      return binary('/', one, x);
    case 'relu':
      return isFloat ? helper('relu_f32', [x]) : select(x, zero, binary('<', x, zero));
    case 'floor':
    case 'ceil':
    case 'round':
      return isFloat ? builtin(op) : x;
    case 'not':
      return not(convert(raw[0], 'bool'));
    case 'add':
      return binary('+', x, y);
    case 'sub':
      return binary('-', x, y);
    case 'mul':
      return binary('*', x, y);
    case 'div':
      return binary('/', x, y);
    case 'int_div':
      return isFloat ? call('floor', [binary('/', x, y)], type) : helper('int_div_i32', [x, y]);
    case 'mod':
      return helper(isFloat ? 'mod_f32' : 'mod_i32', [x, y]);
    case 'pow':
      return helper(isFloat ? 'pow_f32' : 'pow_i32', [x, y]);
    case 'maximum':
    case 'minimum':
      return isFloat
        ? helper(`${op === 'maximum' ? 'max' : 'min'}_nan_f32`, [x, y])
        : builtin(op.slice(0, 3));
    case 'lt':
    case 'le':
    case 'gt':
    case 'ge':
    case 'eq':
    case 'neq': {
      const t = comparisonType(raw);
      const symbol = { lt: '<', le: '<=', gt: '>', ge: '>=', eq: '==', neq: '!=' }[op];
      const [a, b] = [convert(raw[0], t), convert(raw[1], t)];
      if (t !== 'f32') return binary(symbol, a, b);
      // A NaN compares unequal to everything: decided from the bits (see is_nan_f32).
      helpers.add('is_nan_f32');
      const nan = binary('||', call('is_nan_f32', [a], 'bool'), call('is_nan_f32', [b], 'bool'));
      return op === 'neq'
        ? binary('||', nan, binary(symbol, a, b))
        : binary('&&', not(nan), binary(symbol, a, b));
    }
    case 'and':
      return binary('&&', convert(raw[0], 'bool'), convert(raw[1], 'bool'));
    case 'or':
      return binary('||', convert(raw[0], 'bool'), convert(raw[1], 'bool'));
    case 'xor':
      return binary('!=', convert(raw[0], 'bool'), convert(raw[1], 'bool'));
    case 'switch':
      return select(convert(raw[2], type), convert(raw[1], type), convert(raw[0], 'bool'));
    case 'cast': {
      const to = computeType(attrs?.dtype as DType);
      return convert(raw[0], to);
    }
    default:
      throw new WebGpuUnsupportedError(`the WebGPU executor has no kernel for elementwise op '${op}'`);
  }
}
