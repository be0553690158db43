/** Unknown dims (`T.matrix('x')`) that a graph implies equal are merged before optimizing. */
import { describe, expect, it } from 'vitest';
import { compile, T } from '../../src/index.js';
import { impliedDimRenaming } from '../../src/graph/unknown-dims.js';
import { logisticRegression } from '../../src/models.js';
import { optimize } from '../../src/optimize.js';
import { defaultLibrary } from '../../src/rules/load.js';

describe('impliedDimRenaming', () => {
  it('merges the contracted dims of dot', () => {
    const x = T.matrix('x');
    const w = T.vector('w');
    expect([...impliedDimRenaming([T.dot(x, w)])]).toEqual([['?x1', '?w0']]);
  });

  it('takes a known size over an unknown dim', () => {
    const x = T.matrix('x', 'f32', ['?', 3]);
    const w = T.vector('w');
    expect([...impliedDimRenaming([T.dot(x, w)])]).toEqual([['?w0', 3]]);
  });

  it('merges the one unknown dim left on each side of a reshape', () => {
    const y = T.vector('y');
    const x = T.matrix('x', 'f32', ['?', 2]);
    expect([...impliedDimRenaming([T.reshape(y, [2, '?x0'])])]).toEqual([]); // [?y0] vs [2, ?x0]: not implied
    expect([...impliedDimRenaming([T.add(T.reshape(y, ['?x0']), T.sum(x, { axis: 1 }))])]).toEqual([
      ['?y0', '?x0'],
    ]);
  });

  it('leaves dims that only broadcast together apart (a 1 stretches)', () => {
    expect(impliedDimRenaming([T.add(T.vector('a'), T.vector('b'))]).size).toBe(0);
  });
});

describe('logistic regression with unknown dims', () => {
  const library = defaultLibrary();

  it('optimizes to as few ops as with named dims', () => {
    const named = optimize(logisticRegression('f64').outputs, { library }).report.nodesAfter;
    const unknown = optimize(logisticRegression('f64', 'unknown').outputs, { library }).report.nodesAfter;
    expect(unknown).toBeLessThanOrEqual(named);
  });

  it('compiles and runs the optimized graph with the inputs as declared', async () => {
    const model = logisticRegression('f64', 'unknown');
    const [x, w, b, y] = ['x', 'w', 'b', 'y'].map((name) =>
      [...model.params, ...collectInputs(model.outputs)].find((n) => n.inputName === name)!,
    );
    const inputs = {
      x: [
        [1, 2],
        [3, -1],
        [0.5, 0.5],
      ],
      w: [0.1, -0.2],
      b: 0.3,
      y: [1, 0, 1],
    };
    const run = async (mode: 'fast_run' | 'fast_compile') => {
      const f = await compile({ device: 'js', inputs: [x, w, b, y], outputs: [...model.outputs], mode });
      return f.runSync(inputs).map((t) => [t.toArray()].flat(2) as number[]);
    };
    const want = await run('fast_compile');
    const got = await run('fast_run');
    expect(got.map((g) => g.length)).toEqual(want.map((g) => g.length));
    got.forEach((g, i) => g.forEach((v, j) => expect(v).toBeCloseTo(want[i][j], 12)));
  });
});

function collectInputs(outputs: readonly import('../../src/graph/node.js').Node[]) {
  const seen = new Map<number, import('../../src/graph/node.js').Node>();
  const stack = [...outputs];
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n.id)) continue;
    seen.set(n.id, n);
    stack.push(...n.args);
  }
  return [...seen.values()].filter((n) => n.op === 'input');
}
