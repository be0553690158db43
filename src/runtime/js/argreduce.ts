/**
 * The JavaScript of argmax / argmin kernels: one pass per row keeping the best value and its index.
 * A NaN replaces any number and is replaced by nothing, so the row's first NaN wins as in the
 * reference; the comparison is strict, so the first of equal values wins.
 */
import type { ArgReduceKernel, View } from '../program.js';
import {
  add,
  assign,
  binary,
  cond,
  constDecl,
  forRange,
  id,
  index,
  type JsExpr,
  type JsStmt,
  letDecl,
  mul,
  num,
} from './ast.js';
import { load, type Walk } from './loops.js';

/** What an argreduce kernel's source depends on. */
export interface ArgReduceSpec {
  readonly kind: 'argreduce';
  readonly op: ArgReduceKernel['op'];
  readonly rows: number;
  readonly length: number;
  /** The [rows, length] input view's offset and strides. */
  readonly x: Walk;
}

/** The spec of an argreduce kernel (its one operand is the rows × length view). */
export function argReduceSpec(kernel: ArgReduceKernel, x: View): ArgReduceSpec {
  return {
    kind: 'argreduce',
    op: kernel.op,
    rows: kernel.rows,
    length: kernel.length,
    x: { offset: x.offset, strides: [...x.strides] },
  };
}

/**
 * The loop over rows writing each row's index to `out`, reading operand `a0`.
 *
 * @example printStmts(argReduceBody(spec)) // 'for (let r = 0; r < 4; r++) { let b = 0; … }'
 */
export function argReduceBody(spec: ArgReduceSpec): JsStmt[] {
  const [rs, ls] = spec.x.strides;
  const at = (l: JsExpr) => load('a0', add(add(num(spec.x.offset), mul(id('r'), num(rs))), mul(l, num(ls))));
  const [v, m] = [id('v'), id('m')];
  const better = binary(spec.op === 'argmax' ? '>' : '<', v, m);
  // m === m: once the best is a NaN nothing replaces it; v !== v: a NaN replaces any number.
  const take = binary('&&', binary('===', m, m), binary('||', binary('!==', v, v), better));
  return [
    forRange('r', num(0), num(spec.rows), [
      letDecl('b', num(0)),
      letDecl('m', at(num(0))),
      forRange('l', num(1), num(spec.length), [
        constDecl('v', at(id('l'))),
        constDecl('t', take),
        assign(id('b'), cond(id('t'), id('l'), id('b'))),
        assign(m, cond(id('t'), v, m)),
      ]),
      assign(index(id('out'), id('r')), id('b')),
    ]),
  ];
}
