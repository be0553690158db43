/** Constructors that read only their argument's type fold when that type is static; size reads shapes. */
import { describe, expect, it } from 'vitest';
import { evaluate, T } from '../../src/graph/index.js';
import { foldConstants } from '../../src/graph/fold.js';
import { grad } from '../../src/graph/grad.js';
import { topoSort } from '../../src/graph/topo.js';

describe('shape-only constructors', () => {
  it('ones_like of a static-shape value folds to a constant, whatever computes the value', () => {
    const a = T.vector('a', 'f32', 4);
    const [out] = foldConstants([T.ones_like(T.sum(T.exp(a)))]);
    expect(out.op).toBe('constant');
    expect(evaluate(out, {}).toArray()).toBe(1);
  });

  it('size folds where the counted dims are known, and stays where one is symbolic', () => {
    const x = T.matrix('x', 'f32', [2, 3]);
    const y = T.matrix('y', 'f32', ['n', 3]);
    const [cols, rows] = foldConstants([T.size(x, { axis: 1 }), T.size(y, { axis: 0 })]);
    expect(cols.op).toBe('constant');
    expect(evaluate(cols, {}).toArray()).toEqual([3, 3]);
    expect(rows.op).toBe('size');
    expect(
      evaluate(rows, {
        y: [
          [1, 2, 3],
          [4, 5, 6],
        ],
      }).toArray(),
    ).toEqual([2, 2, 2]);
  });

  it('mean divides by the size read from the shape', () => {
    const x = T.vector('x', 'f64', 'n');
    const [g] = grad(T.mean(x), [x]);
    expect(topoSort([g]).map((n) => n.op)).toContain('size');
    expect(evaluate(g, { x: [1, 2, 3, 4] }).toArray()).toEqual([0.25, 0.25, 0.25, 0.25]);
  });
});
