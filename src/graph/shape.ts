import { ShapeError } from './errors.js';

/**
 * One dimension: a concrete size, a named symbolic size such as `'n'` bound when the graph runs, or an
 * *unknown* size whose name starts with `?` (what `T.matrix('x')` gets: `?x0`, `?x1`, as Theano's
 * matrices). Named dims must agree wherever they meet; unknown dims agree with anything at construction
 * and are checked when the graph runs, where every dim, unknown ones too, is bound by some input.
 */
export type Dim = number | string;

/** True for dims whose size is known only at run time (`?x0`). */
export function isUnknownDim(d: Dim): d is string {
  return typeof d === 'string' && d.startsWith('?');
}

/**
 * Whether two dims can be the same size, and the more informative of the two if so.
 *
 * @example unifyDims('?x0', 3) // 3
 */
export function unifyDims(a: Dim, b: Dim): Dim | undefined {
  if (a === b || isUnknownDim(b)) return a;
  if (isUnknownDim(a)) return b;
  return undefined;
}

/** Whether two shapes can be equal: same rank and every pair of dims unifies. */
export function shapesMatch(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => unifyDims(d, b[i]) !== undefined);
}

/** A tensor shape; `[]` is a scalar. */
export type Shape = readonly Dim[];

/**
 * Formats a shape the way declarations are written: `[n, 3]`.
 *
 * @example formatShape(['n', 3]) // '[n, 3]'
 */
export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  // A plain loop, no callback: type inference compares shapes for every op of a graph.
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function isConcrete(shape: Shape): shape is readonly number[] {
  return shape.every((d) => typeof d === 'number');
}

/**
 * numpy broadcasting of several shapes. Dimensions are aligned on the right; a dimension of 1
 * stretches to the other. A symbolic dimension is never assumed to be 1 (as Theano's broadcastable
 * flags), so `n` meets only `n`, `1` or an unknown dim; an unknown dim meeting a known one takes its size.
 *
 * @example broadcastShapes(['add', 'x'], [['n', 1], [3]]) // ['n', 3]
 */
export function broadcastShapes(op: string, shapes: readonly Shape[]): Shape {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    let dim: Dim = 1;
    for (const s of shapes) {
      const d = s[s.length - rank + i] ?? 1;
      if (d === 1 || d === dim) continue;
      if (dim === 1) dim = d;
      else if (unifyDims(dim, d) !== undefined) dim = unifyDims(dim, d)!;
      else
        throw new ShapeError(
          `${op}: cannot broadcast shapes ${shapes.map(formatShape).join(' and ')} (dimension ${String(dim)} vs ${String(d)})`,
        );
    }
    out.push(dim);
  }
  return out;
}

/**
 * Normalizes an `axis` attribute against a rank: `null` means every axis, negatives count from the
 * end; the result is sorted and unique.
 *
 * @example normalizeAxes('sum', -1, 3) // [2]
 */
export function normalizeAxes(
  op: string,
  axis: number | readonly number[] | null | undefined,
  rank: number,
): number[] {
  if (axis === null || axis === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : axis;
  const out = new Set<number>();
  for (const a of list) {
    if (!Number.isInteger(a) || a < -rank || a >= rank)
      throw new ShapeError(`${op}: axis ${a} is out of range for a tensor of rank ${rank}`);
    out.add(a < 0 ? a + rank : a);
  }
  return [...out].sort((x, y) => x - y);
}

/** A product of dimensions as a number times a sorted list of symbolic names: lets reshape check sizes. */
export interface DimProduct {
  readonly coefficient: number;
  readonly symbols: readonly string[];
}

export function dimProduct(dims: Shape): DimProduct {
  let coefficient = 1;
  const symbols: string[] = [];
  for (const d of dims) {
    if (typeof d === 'number') coefficient *= d;
    else symbols.push(d);
  }
  return { coefficient, symbols: symbols.sort() };
}

export function dimProductsEqual(a: DimProduct, b: DimProduct): boolean {
  return a.coefficient === b.coefficient && a.symbols.join('\u0000') === b.symbols.join('\u0000');
}

/** Number of elements of a concrete shape. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides of a concrete shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** Checks a dimension written by a user: a non-negative integer or an identifier. */
export function checkDim(where: string, d: unknown): Dim {
  if (typeof d === 'number' && Number.isSafeInteger(d) && d >= 0) return d;
  if (typeof d === 'string' && /^(\?[^\s,[\]]*|[A-Za-z_][A-Za-z0-9_]*)$/.test(d)) return d;
  throw new ShapeError(
    `${where}: dimension ${JSON.stringify(d)} must be a non-negative integer below 2^53, a name, or an unknown '?…'`,
  );
}
