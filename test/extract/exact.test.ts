import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EGraph } from '../../src/egraph/egraph.js';
import type { ClassId } from '../../src/egraph/ids.js';
import { parseRewrite } from '../../src/egraph/rewrite.js';
import { Runner } from '../../src/egraph/run.js';
import { parseTerm } from '../../src/egraph/term.js';
import { extractDag } from '../../src/extract/dag.js';
import { extractExact, extractExactWith, loadSolver } from '../../src/extract/exact.js';
import { type NodeCost, nodeCountCost } from '../../src/extract/node-cost.js';
import { buildProblem } from '../../src/extract/problem.js';
import { extractTree } from '../../src/extract/tree.js';
import { opsArb, replay, smallLanguage } from '../egraph/helpers.js';
import { crossExample, expectValid, sharedExample, weighted } from './helpers.js';

/** The least DAG cost over every pick of one node per reachable class, or undefined past `limit` picks. */
function bruteForce(
  eg: EGraph,
  roots: readonly ClassId[],
  cost: NodeCost,
  limit: number,
): number | undefined {
  const p = buildProblem(eg, roots, cost);
  let count = 1;
  for (let c = 0; c < p.classes.length; c++) count *= p.classStart[c + 1] - p.classStart[c];
  if (count > limit) return undefined;
  let best = Number.POSITIVE_INFINITY;
  const pick = new Int32Array(p.classes.length);
  const evaluate = (): number => {
    const state = new Uint8Array(p.classes.length);
    let total = 0;
    const visit = (c: number): boolean => {
      if (state[c] === 2) return true;
      if (state[c] === 1) return false;
      state[c] = 1;
      const e = p.classStart[c] + pick[c];
      total += p.cost[e];
      for (let j = p.kidStart[e]; j < p.kidStart[e + 1]; j++) if (!visit(p.kids[j])) return false;
      state[c] = 2;
      return true;
    };
    return p.roots.every(visit) ? total : Number.POSITIVE_INFINITY;
  };
  const loop = (c: number): void => {
    if (c === p.classes.length) {
      best = Math.min(best, evaluate());
      return;
    }
    for (let i = 0; i < p.classStart[c + 1] - p.classStart[c]; i++) {
      pick[c] = i;
      loop(c + 1);
    }
  };
  loop(0);
  return best;
}

describe('exact extraction', () => {
  it('finds sharing across classes that the greedy heuristics miss', async () => {
    const { eg, root } = crossExample();
    const exact = await extractExact(eg, [root], nodeCountCost);
    expect(exact.optimal).toBe(true);
    expect(exact.fallback).toBeUndefined();
    expect(exact.cost).toBe(5);
    expect(extractTree(eg, [root], nodeCountCost).cost).toBeGreaterThan(5);
    expectValid(eg, [root], exact, nodeCountCost);
  });

  it('agrees with the DAG extractor where that one is optimal', async () => {
    const { eg, root } = sharedExample();
    expect((await extractExact(eg, [root], nodeCountCost)).cost).toBe(6);
  });

  it('is acyclic on e-graphs full of x = x * 1 cycles', async () => {
    const { lang } = smallLanguage();
    const eg = new EGraph(lang);
    const root = eg.addTerm(parseTerm(lang, '(* (+ (sin a) 0) (+ (sin a) 1))'));
    new Runner(eg).run([
      parseRewrite(lang, 'mul-one', '?x', '(* ?x 1)'),
      parseRewrite(lang, 'one-mul', '(* ?x 1)', '?x'),
      parseRewrite(lang, 'zero-add', '(+ ?x 0)', '?x'),
    ]);
    const exact = await extractExact(eg, [root], nodeCountCost);
    expect(exact.optimal).toBe(true);
    expect(exact.cost).toBe(3);
    expectValid(eg, [root], exact, nodeCountCost);
  });

  it('is optimal (brute force agrees) and exact ≤ DAG ≤ tree on random small e-graphs', async () => {
    const solver = await loadSolver();
    let checked = 0;
    fc.assert(
      fc.property(
        opsArb,
        fc.array(fc.nat(), { minLength: 1, maxLength: 2 }),
        fc.nat(100),
        (ops, picks, seed) => {
          const { lang } = smallLanguage();
          const eg = new EGraph(lang);
          const ids = replay(eg, ops.slice(0, 30));
          const roots = picks.map((i) => eg.find(ids[i % ids.length]));
          for (const cost of [nodeCountCost, weighted(lang, seed)]) {
            const exact = extractExactWith(solver, eg, roots, cost);
            const dag = extractDag(eg, roots, cost);
            const tree = extractTree(eg, roots, cost);
            expect(exact.optimal).toBe(true);
            expectValid(eg, roots, exact, cost);
            expect(exact.cost).toBeLessThanOrEqual(dag.cost + 1e-9);
            expect(dag.cost).toBeLessThanOrEqual(tree.cost + 1e-9);
            const brute = bruteForce(eg, roots, cost, 20_000);
            if (brute !== undefined) {
              expect(exact.cost).toBeCloseTo(brute, 9);
              checked++;
            }
          }
        },
      ),
      { numRuns: 150 },
    );
    expect(checked).toBeGreaterThan(50);
  });

  it('falls back to the DAG answer, flagged, past the size bound', async () => {
    const { eg, root } = crossExample();
    const r = await extractExact(eg, [root], nodeCountCost, { maxNodes: 3 });
    expect(r.optimal).toBe(false);
    expect(r.fallback).toMatch(/^size: \d+ e-nodes > bound 3$/);
    expect(r.cost).toBe(extractDag(eg, [root], nodeCountCost).cost);
  });

  it('falls back to the DAG answer, flagged, on a tiny time limit', async () => {
    // A saturated e-graph big enough that the solver cannot finish in a microsecond.
    const { lang } = smallLanguage();
    const eg = new EGraph(lang);
    const root = eg.addTerm(parseTerm(lang, '(* (+ (* a b) (* c a)) (+ (* b c) (* a (+ b c))))'));
    new Runner(eg, { nodeLimit: 3000, iterLimit: 4 }).run([
      parseRewrite(lang, 'comm-add', '(+ ?a ?b)', '(+ ?b ?a)'),
      parseRewrite(lang, 'comm-mul', '(* ?a ?b)', '(* ?b ?a)'),
      parseRewrite(lang, 'distribute', '(* ?a (+ ?b ?c))', '(+ (* ?a ?b) (* ?a ?c))'),
      parseRewrite(lang, 'factor', '(+ (* ?a ?b) (* ?a ?c))', '(* ?a (+ ?b ?c))'),
    ]);
    const r = await extractExact(eg, [root], nodeCountCost, { timeLimitMs: 0.001 });
    expect(r.optimal).toBe(false);
    expect(r.fallback).toBe('timeout');
    expect(r.cost).toBe(extractDag(eg, [root], nodeCountCost).cost);
    expectValid(eg, [root], r, nodeCountCost);
  });
});
