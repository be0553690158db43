/**
 * The value of a graph node while it is being lowered: an expression over strided views not yet
 * written to any buffer. Elementwise ops build these up, layout ops remap their views, and a kernel is
 * emitted only when fusion decides the value must be materialized. A materialized value is a lone view.
 */
import type { DType } from '../graph/dtype.js';
import type { ScalarExpr, View } from './program.js';
import { viewKey } from './views.js';

/** A matmul whose output is not written yet: its elementwise consumers become its epilogue. */
export interface PendingMatmul {
  /** `[batch, m, k]` */
  readonly a: View;
  /** `[batch, k, n]` */
  readonly b: View;
  readonly batch: number;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  /** The shape of the node's value (e.g. `[m]` for matrix · vector). */
  readonly shape: readonly number[];
}

export type ValueExpr =
  | { readonly kind: 'leaf'; readonly view: View }
  | { readonly kind: 'const'; readonly value: number; readonly dtype: DType }
  | { readonly kind: 'acc'; readonly matmul: PendingMatmul }
  | {
      readonly kind: 'op';
      readonly op: string;
      readonly args: readonly ValueExpr[];
      readonly dtype: DType;
      readonly attrs?: Readonly<Record<string, unknown>>;
    };

/** A node's lowered value: every leaf view has the value's shape. `ops` are the graph ops it computes. */
export interface Value {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly expr: ValueExpr;
  readonly ops: readonly string[];
}

/** The distinct leaf views of an expression, in first-read order. */
export function leavesOf(expr: ValueExpr, out = new Map<string, View>()): Map<string, View> {
  if (expr.kind === 'leaf') {
    const key = viewKey(expr.view);
    if (!out.has(key)) out.set(key, expr.view);
  } else if (expr.kind === 'op') for (const a of expr.args) leavesOf(a, out);
  return out;
}

/** The pending matmuls an expression reads. */
export function matmulsOf(expr: ValueExpr, out = new Set<PendingMatmul>()): Set<PendingMatmul> {
  if (expr.kind === 'acc') out.add(expr.matmul);
  else if (expr.kind === 'op') for (const a of expr.args) matmulsOf(a, out);
  return out;
}

/**
 * Maps every leaf view; undefined when `fn` cannot map one, or on a pending matmul unless `keepAcc`
 * (the caller materializes first).
 */
export function mapLeaves(
  expr: ValueExpr,
  fn: (view: View) => View | undefined,
  keepAcc = false,
): ValueExpr | undefined {
  switch (expr.kind) {
    case 'leaf': {
      const view = fn(expr.view);
      return view && { kind: 'leaf', view };
    }
    case 'const':
      return expr;
    case 'acc':
      return keepAcc ? expr : undefined;
    case 'op': {
      const args: ValueExpr[] = [];
      for (const a of expr.args) {
        const mapped = mapLeaves(a, fn, keepAcc);
        if (!mapped) return undefined;
        args.push(mapped);
      }
      return { ...expr, args };
    }
  }
}

/**
 * The kernel body for an expression: leaves become operands numbered from `first` in first-read order
 * (the views, in that order, are the kernel's operands), `acc` becomes the accumulator.
 */
export function toScalarExpr(expr: ValueExpr, operands: View[], first = 0): ScalarExpr {
  const index = new Map<string, number>();
  operands.forEach((v, i) => index.set(viewKey(v), i + first));
  const walk = (e: ValueExpr): ScalarExpr => {
    switch (e.kind) {
      case 'leaf': {
        const key = viewKey(e.view);
        let i = index.get(key);
        if (i === undefined) {
          i = operands.length + first;
          operands.push(e.view);
          index.set(key, i);
        }
        return { kind: 'operand', index: i, dtype: e.view.dtype };
      }
      case 'const':
        return { kind: 'const', value: e.value, dtype: e.dtype };
      case 'acc':
        return { kind: 'acc', dtype: 'f64' };
      case 'op':
        return {
          kind: 'op',
          op: e.op,
          args: e.args.map(walk),
          dtype: e.dtype,
          ...(e.attrs ? { attrs: e.attrs } : {}),
        };
    }
  };
  return walk(expr);
}

/** `cast(expr)` to `dtype`, or `expr` itself when it already has that dtype. */
export function castTo(expr: ValueExpr, from: DType, dtype: DType): ValueExpr {
  return from === dtype ? expr : { kind: 'op', op: 'cast', args: [expr], dtype, attrs: { dtype } };
}
