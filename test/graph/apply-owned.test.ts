/**
 * `applyOwned`, the path by which a graph is built back from an e-graph: it skips `apply`'s copy and
 * checks for ops without attributes, and must still give the very node `apply` gives, typed as `apply`
 * types it.
 */
import { describe, expect, it } from 'vitest';
import { apply, applyOwned, checkAttrs } from '../../src/graph/apply.js';
import { T } from '../../src/graph/builders.js';
import { OpError } from '../../src/graph/errors.js';
import { getOp } from '../../src/graph/op-table.js';

describe('applyOwned', () => {
  const x = T.matrix('x', 'f32', ['n', 3]);
  const y = T.matrix('y', 'f64', ['n', 1]);
  const b = T.vector('b', 'i32', 3);

  it('finds the node apply built', () => {
    expect(applyOwned(getOp('add'), [x, y], {})).toBe(apply('add', [x, y]));
    expect(applyOwned(getOp('exp'), [b], {})).toBe(T.exp(b));
  });

  it('builds the node apply then finds, frozen and typed as apply types it', () => {
    // Fresh inputs, so applyOwned builds each node; the twin over other inputs of the same types is
    // typed by apply.
    for (const [op, types] of [
      ['mul', ['f32', 'f64']],
      ['sub', ['i32', 'f32']],
      ['lt', ['f32', 'f32']],
      ['sigmoid', ['i32']],
    ] as const) {
      const shapes = [
        ['n', 3],
        ['n', 1],
      ] as const;
      const fresh = types.map((dt, i) => T.tensor(`owned_${op}_${i}`, dt, shapes[i]));
      const twin = types.map((dt, i) => T.tensor(`twin_${op}_${i}`, dt, shapes[i]));
      const built = applyOwned(getOp(op), [...fresh], {});
      expect(apply(op, fresh)).toBe(built);
      expect(Object.isFrozen(built)).toBe(true);
      const typed = apply(op, twin);
      expect([built.dtype, built.shape]).toEqual([typed.dtype, typed.shape]);
    }
  });

  it('normalizes attributes as apply does', () => {
    expect(applyOwned(getOp('sum'), [x], checkAttrs(getOp('sum'), { axis: 1 }))).toBe(T.sum(x, { axis: -1 }));
    expect(applyOwned(getOp('transpose'), [x], { perm: [1, 0] })).toBe(T.transpose(x));
  });

  it('checks the arity', () => {
    expect(() => applyOwned(getOp('add'), [x], {})).toThrow(OpError);
  });
});
