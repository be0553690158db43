/**
 * The optimizer's contract on random graphs, under every mode: values preserved, cost never raised,
 * limits respected, and optimize(optimize(g)) no costlier than optimize(g). Bounded runs with fixed
 * seeds (a failure prints the seed and the fast-check path); `npm run fuzz` runs the same for longer.
 */
import { describe, expect, it } from 'vitest';
import { scale } from '../scale.js';
import { T } from '../../src/graph/index.js';
import { loadLibrary, readRuleDir, SHIPPED_RULES_DIR } from '../../src/rules/load.js';
import { arbGraph, checkGraph, checkOptimizer, findCounterexample } from '../../src/testing/index.js';
import { defaultLibrary } from '../../src/rules/load.js';

const graphs = arbGraph({ maxSteps: 8, maxDepth: 5 });

describe('optimize keeps its contract on random graphs', () => {
  // The shipped canonicalize rules are identities on the reals (x - x = 0, x * 0 = 0), so the modes
  // that run them are checked where the original is finite; `none` must be exact, NaN included.
  it.each(['fast_run', 'fast_compile'])('%s (finite semantics)', (mode) => {
    checkOptimizer(graphs, { mode, numRuns: scale(50, 150), seed: 20261123, finiteOnly: true });
  });

  it('none (IEEE semantics)', () => {
    checkOptimizer(graphs, { mode: 'none', numRuns: 100, seed: 20261123 });
  });

  it('fast_compile without unsafe rules keeps NaN and Inf on graphs without cancellation', () => {
    // sub and the comparisons are left out: `x - x => zeros_like(x)` is not tagged unsafe (reported).
    const ops = [
      'exp',
      'log',
      'sqrt',
      'mul',
      'div',
      'add',
      'sum',
      'max',
      'softplus',
      'sigmoid',
      'tanh',
      'dot',
    ];
    checkOptimizer(arbGraph({ ops, maxSteps: 8 }), {
      mode: 'fast_compile',
      exclude: ['unsafe'],
      numRuns: 60,
      seed: 7,
    });
  });
});

describe('checkOptimizer', () => {
  const shipped = readRuleDir(SHIPPED_RULES_DIR);
  const broken = loadLibrary([
    ...shipped,
    { text: 'rule bad [canonicalize]: tanh(?x) => sin(?x)', file: 'bad.rules' },
  ]);

  it('finds a wrong rule and shrinks the graph to the rule itself', () => {
    expect(broken.errors).toEqual([]);
    const failure = findCounterexample(arbGraph({ maxSteps: 6 }), {
      library: broken.library,
      mode: 'fast_compile',
      numRuns: 300,
      seed: 1,
    });
    expect(failure).toBeDefined();
    const message = failure!.message;
    expect(message).toMatch(
      /^checkOptimizer \(mode fast_compile\) failed after \d+ graphs \(seed 1, path "[\d:]+"/,
    );
    expect(message).toMatch(/values differ at output 0 element 0: expected -?[\d.e-]+, got -?[\d.e-]+/);
    expect(message).toMatch(/graph:\n {2}(g\d+_\d+): f64\n {2}tanh\(\1\)\noptimized:\n {2}sin\(\1\)/);
    expect(message).toContain('rules applied: bad×1');
    expect(message).toMatch(/inputs:\n {2}g\d+_\d+ = f64\[\] /);
    expect(message).toContain('original values:');
    expect(message).toContain('optimized values:');
    // Replaying with the printed seed and path gives the same shrunk case at once.
    const again = findCounterexample(arbGraph({ maxSteps: 6 }), {
      library: broken.library,
      mode: 'fast_compile',
      seed: 1,
      path: failure!.path,
    });
    expect(again?.message.split('\n').slice(1, 2)).toEqual(message.split('\n').slice(1, 2));
  });

  it('throws the same report', () => {
    expect(() =>
      checkOptimizer(arbGraph({ ops: ['tanh'], maxSteps: 2 }), {
        library: broken.library,
        mode: 'fast_compile',
        seed: 3,
        numRuns: 20,
      }),
    ).toThrow(/rules applied: bad×1/);
  });

  it('checks one graph directly', () => {
    const x = T.scalar('x', 'f64');
    const library = defaultLibrary();
    expect(checkGraph({ output: T.log(T.exp(x)) }, library, 1)).toBeUndefined();
    expect(checkGraph({ output: T.tanh(x) }, broken.library, 1, { mode: 'fast_compile' })?.what).toMatch(
      /^values differ/,
    );
  });

  it('reports phases that overrun their node limit', () => {
    const x = T.vector('x', 'f64');
    let sum = x;
    for (let i = 0; i < 12; i++) sum = T.add(sum, T.mul(x, i + 2));
    const violation = checkGraph({ output: sum }, defaultLibrary(), 1, {
      mode: 'fast_run',
      limits: { nodes: 10 },
      nodeOvershoot: 1,
      idempotent: false,
    });
    // A phase may add `nodes` e-nodes to the graph it starts from: the limit printed is that sum.
    expect(violation?.what).toMatch(/^phase .* ended with (\d+) e-nodes \(limit (\d+), 1× allowed\)/);
    const [, enodes, limit] = /ended with (\d+) e-nodes \(limit (\d+)/.exec(violation?.what ?? '') ?? [];
    expect(Number(enodes)).toBeGreaterThan(Number(limit));
  });
});
