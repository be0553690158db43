/**
 * Pieces every WGSL kernel generator shares: the linear workgroup and thread ids of a 2-D dispatch
 * (a dimension holds at most 65,535 workgroups), unravelling a linear index into coordinates read from
 * the uniform block, and the dispatch size for a count of workgroups.
 */
import {
  at,
  binary,
  call,
  type Expr,
  ident,
  let_,
  lit,
  member,
  param,
  type Stmt,
  var_,
  assign,
} from '../wgsl.js';

/** Most workgroups one dispatch dimension may hold (WebGPU's default limit, which all adapters offer). */
export const MAX_GROUPS_PER_DIM = 65535;

/** `wid.y * nwg.x + wid.x` as i32: the workgroup's index in a 2-D dispatch. */
export function groupIndex(): Expr {
  const wid = ident('wid', 'vec3<u32>');
  const nwg = ident('nwg', 'vec3<u32>');
  return call(
    'i32',
    [binary('+', binary('*', member(wid, 'y', 'u32'), member(nwg, 'x', 'u32')), member(wid, 'x', 'u32'))],
    'i32',
  );
}

/** The local invocation index along x, as i32. */
export function localIndex(): Expr {
  return call('i32', [member(ident('lid', 'vec3<u32>'), 'x', 'u32')], 'i32');
}

/** `group * size + local`: the thread's linear index in a 1-D kernel spread over a 2-D dispatch. */
export function threadIndex(workgroupSize: number): Expr {
  return binary('+', binary('*', groupIndex(), lit(workgroupSize, 'i32')), localIndex());
}

/** Workgroup counts for `groups` workgroups: x up to the per-dimension limit, y the rest. */
export function dispatchSize(groups: number): [number, number, number] {
  if (groups <= MAX_GROUPS_PER_DIM) return [Math.max(groups, 1), 1, 1];
  const y = Math.ceil(groups / MAX_GROUPS_PER_DIM);
  return [Math.ceil(groups / y), y, 1];
}

/**
 * Statements unravelling `index` into `rank` coordinates named `${prefix}0…`, the dims read from
 * uniform parameters `shapeAt[k]` (row-major: the last coordinate varies fastest).
 */
export function unravel(
  index: Expr,
  shapeAt: readonly number[],
  prefix: string,
): { readonly stmts: Stmt[]; readonly coords: Expr[] } {
  const rank = shapeAt.length;
  const coords = shapeAt.map((_, k) => ident(`${prefix}${k}`, 'i32'));
  if (rank === 0) return { stmts: [], coords };
  if (rank === 1) return { stmts: [let_(`${prefix}0`, index)], coords };
  const rem = ident(`${prefix}_rem`, 'i32');
  const stmts: Stmt[] = [var_(`${prefix}_rem`, 'i32', index)];
  for (let k = rank - 1; k >= 1; k--) {
    stmts.push(let_(`${prefix}${k}`, binary('%', rem, param(shapeAt[k]))));
    stmts.push(assign(rem, binary('/', rem, param(shapeAt[k]))));
  }
  stmts.push(let_(`${prefix}0`, rem));
  return { stmts, coords };
}

/** `offset + Σ coords[k] * stride[k]` with the offset and strides read from uniform parameters. */
export function stridedIndex(coords: readonly Expr[], offsetAt: number, stridesAt: readonly number[]): Expr {
  let e: Expr = param(offsetAt);
  coords.forEach((c, k) => {
    e = binary('+', e, binary('*', c, param(stridesAt[k])));
  });
  return e;
}

/** `name[index]` for a storage binding of scalars. */
export function load(name: string, index: Expr, type: 'f32' | 'i32' | 'u32'): Expr {
  return at(name, index, type);
}

/** Consecutive uniform slots handed out in order, so generation and upload agree on the layout. */
export class ParamLayout {
  private next = 0;
  /** Reserves `count` slots and returns their indices. */
  take(count: number): number[] {
    const slots = Array.from({ length: count }, (_, i) => this.next + i);
    this.next += count;
    return slots;
  }
  one(): number {
    return this.take(1)[0];
  }
  /** vec4 slots the block needs (at least one: WGSL has no empty arrays). */
  get vec4s(): number {
    return Math.max(1, Math.ceil(this.next / 4));
  }
}
