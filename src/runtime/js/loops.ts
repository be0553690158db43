/**
 * Strided loop nests for generated kernels. Several arrays are walked together over one iteration
 * shape, each with its own offset and strides; axes that every array steps through evenly are merged
 * first, so contiguous data becomes one flat loop (the fast path) and broadcast operands are loaded
 * once at the outermost loop where they change.
 */
import { add, constDecl, forRange, id, index, type JsExpr, type JsStmt, mul, num } from './ast.js';

/** One array walked by a loop nest. */
export interface Walk {
  readonly offset: number;
  readonly strides: readonly number[];
}

/** A loop nest over `shape` walking several arrays; the output is usually walk 0. */
export interface NestSpec {
  readonly shape: readonly number[];
  readonly walks: readonly Walk[];
}

/**
 * Drops size-1 axes and merges neighbouring axes that every walk steps through evenly. Axes in
 * different groups (`groups[i]` numbers axis i's group, e.g. kept vs reduced) never merge.
 *
 * @example collapse({ shape: [2, 3], walks: [{ offset: 0, strides: [3, 1] }] }).spec.shape // [6]
 */
export function collapse(spec: NestSpec, groups?: readonly number[]): { spec: NestSpec; groups: number[] } {
  const axes = spec.shape.map((_, i) => i).filter((i) => spec.shape[i] !== 1);
  const shape: number[] = [];
  const strides: number[][] = spec.walks.map(() => []);
  const outGroups: number[] = [];
  for (const a of axes) {
    const last = shape.length - 1;
    const group = groups?.[a] ?? 0;
    const mergeable =
      last >= 0 &&
      outGroups[last] === group &&
      spec.walks.every((w, k) => strides[k][last] === w.strides[a] * spec.shape[a]);
    if (mergeable) {
      shape[last] *= spec.shape[a];
      spec.walks.forEach((w, k) => (strides[k][last] = w.strides[a]));
    } else {
      shape.push(spec.shape[a]);
      outGroups.push(group);
      spec.walks.forEach((w, k) => strides[k].push(w.strides[a]));
    }
  }
  return {
    spec: { shape, walks: spec.walks.map((w, k) => ({ offset: w.offset, strides: strides[k] })) },
    groups: outGroups,
  };
}

/** What the nest's caller puts inside it. */
export interface NestHooks {
  /** Statements at the start of the body of level `depth` (depth = rank: the innermost body). */
  prelude?(depth: number, positions: readonly JsExpr[]): JsStmt[];
  /** The innermost statements, given each walk's position. */
  body(positions: readonly JsExpr[]): JsStmt[];
  /** Wraps the statements of level `depth` (its loop, or the body at depth = rank), e.g. an accumulator. */
  around?(depth: number, positions: readonly JsExpr[], inner: JsStmt[]): JsStmt[];
}

/**
 * The loop nest: `for (let i0 …) { const p0_1 = …; for (let i1 …) { body } }`, positions folded to
 * literals where strides are zero.
 */
export function loopNest(spec: NestSpec, hooks: NestHooks): JsStmt[] {
  const rank = spec.shape.length;
  const level = (depth: number, positions: readonly JsExpr[]): JsStmt[] => {
    const pre = hooks.prelude?.(depth, positions) ?? [];
    let inner: JsStmt[];
    if (depth === rank) inner = hooks.body(positions);
    else {
      const i = `i${depth}`;
      const steps: JsStmt[] = [];
      const next = positions.map((p, k) => {
        const s = spec.walks[k].strides[depth];
        if (s === 0) return p;
        const stepped = add(p, mul(id(i), num(s)));
        if (depth === rank - 1) return stepped;
        const name = `p${k}_${depth + 1}`;
        steps.push(constDecl(name, stepped));
        return id(name);
      });
      inner = [forRange(i, num(0), num(spec.shape[depth]), [...steps, ...level(depth + 1, next)])];
    }
    return [...pre, ...(hooks.around ? hooks.around(depth, positions, inner) : inner)];
  };
  if (spec.shape.some((d) => d === 0)) return [];
  return level(
    0,
    spec.walks.map((w) => num(w.offset)),
  );
}

/** The depth at which a walk's position stops changing: loads of it go in that level's prelude. */
export function loadDepth(walk: Walk): number {
  for (let d = walk.strides.length - 1; d >= 0; d--) if (walk.strides[d] !== 0) return d + 1;
  return 0;
}

/** `array[position]` */
export const load = (array: string, position: JsExpr): JsExpr => index(id(array), position);
