import { describe, expect, it } from 'vitest';
import { productRewrites } from '../../src/egraph/ac-products.js';
import { Runner } from '../../src/egraph/run.js';
import { addGraph, buildGraph, createTensorEGraph } from '../../src/egraph/tensor/index.js';
import { extractTree } from '../../src/extract/tree.js';
import { nodeCountCost } from '../../src/extract/node-cost.js';
import { evaluate, formatExpr, parseExpr, topoSort } from '../../src/graph/index.js';
import type { Node } from '../../src/graph/node.js';
import { logisticRegression } from '../../src/models.js';
import { countOps, optimize } from '../../src/optimize.js';
import { defaultLibrary } from '../../src/rules/load.js';

const DECLS = 'a: f64[n]; b: f64[n]; c: f64[n]; d: f64[n]; s: f64[]';

/** Saturates `source` with the product rewrites alone and extracts the fewest ops. */
function canonical(source: string): Node {
  const t = createTensorEGraph();
  const [root] = addGraph(t.egraph, t.lang, [parseExpr(`${DECLS}; ${source}`)]);
  const report = new Runner(t.egraph, { iterLimit: 10, checkInvariants: true }).run(productRewrites());
  expect(report.stopReason.kind).toBe('saturated');
  const { choice } = extractTree(t.egraph, [root], nodeCountCost);
  return buildGraph(t.egraph, t.lang, [root], (c) => choice.get(t.egraph.find(c))!)[0];
}

/** Whether two graphs agree on a few inputs (the rewrites are exact on the reals). */
function sameValues(x: Node, y: Node): void {
  const all: Record<string, number | number[]> = {
    a: [1.5, -2, 3],
    b: [0.5, 4, -1.25],
    c: [2, 0.25, -3],
    d: [-1, 2, 5],
    s: 0.75,
  };
  const of = (n: Node) => {
    const used = new Set(
      topoSort([n])
        .filter((m) => m.op === 'input')
        .map((m) => String(m.attrs.name)),
    );
    return Object.fromEntries(Object.entries(all).filter(([k]) => used.has(k)));
  };
  const [vx] = evaluate([x], of(x));
  const [vy] = evaluate([y], of(y));
  for (let i = 0; i < vx.size; i++) expect(vy.data[i]).toBeCloseTo(vx.data[i], 12);
}

describe('products as multisets (mul-canon)', () => {
  it('cancels a factor against its reciprocal anywhere in the chain', () => {
    const out = canonical('((a / b) * c) * (d * b)');
    expect(countOps([out])).toBe(2);
    expect(formatExpr(out)).not.toContain('b');
    sameValues(out, parseExpr(`${DECLS}; a * c * d`));
  });

  it('reads signs: -(a * -b) / a is b', () => {
    const out = canonical('-(a * -b) / a');
    expect(formatExpr(out)).toBe('b');
  });

  it('distributes only where a factor then cancels: b * (a / b - c) is a - c * b', () => {
    const out = canonical('b * (a / b - c)');
    expect(countOps([out])).toBe(2);
    sameValues(out, parseExpr(`${DECLS}; b * (a / b - c)`));
    // Nothing cancels in (a - c) * b: it stays one product of a difference.
    expect(countOps([canonical('(a - c) * b')])).toBe(2);
    expect(formatExpr(canonical('(a - c) * b'))).toMatch(/\(a - c\)|\(c - a\)/);
  });

  it('moves a sign into a difference: -(s * (a - b)) is s * (b - a)', () => {
    const out = canonical('-(s * (a - b))');
    expect(countOps([out])).toBe(2);
    sameValues(out, parseExpr(`${DECLS}; s * (b - a)`));
  });

  it('does not cancel a factor that carries the broadcast shape', () => {
    // (s * a) / a would be s, a scalar where the product is a vector: the class keeps its type.
    const out = canonical('(s * a) / a');
    expect(formatExpr(out)).toContain('a');
  });

  it('leaves integer products alone', () => {
    const out = canonical('i: i32[n]; j: i32[n]; (i * j) * i');
    expect(countOps([out])).toBe(2);
  });

  it('runs in fast_run, and not with unsafe rules excluded (float regrouping is unsafe)', () => {
    const library = defaultLibrary();
    const { outputs } = logisticRegression();
    expect(optimize(outputs, { library }).report.rules['mul-canon']).toBeGreaterThan(0);
    expect(optimize(outputs, { library, exclude: ['unsafe'] }).report.rules['mul-canon']).toBeUndefined();
  });
});
