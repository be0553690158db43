import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EGraph, type ENode } from '../../src/egraph/egraph.js';
import { Language } from '../../src/egraph/language.js';
import type { ClassId } from '../../src/egraph/ids.js';
import { parseRewrite } from '../../src/egraph/rewrite.js';
import { Runner } from '../../src/egraph/run.js';
import { parseTerm } from '../../src/egraph/term.js';
import { dagCost, findPickCycle } from '../../src/extract/choice.js';
import { breakCycles, extractDag } from '../../src/extract/dag.js';
import { nodeCountCost } from '../../src/extract/node-cost.js';
import { buildProblem } from '../../src/extract/problem.js';
import { extractTree, treePick } from '../../src/extract/tree.js';
import { opsArb, replay, smallLanguage } from '../egraph/helpers.js';
import { crossExample, expectValid, sharedExample, weighted } from './helpers.js';

describe('DAG extraction', () => {
  it('prefers a shared sub-term where the tree-cost greedy does not', () => {
    const { lang, eg, root } = sharedExample();
    const tree = extractTree(eg, [root], nodeCountCost);
    const dag = extractDag(eg, [root], nodeCountCost);
    expect(lang.op((tree.choice.get(root) as ENode).symbol)).toBe('sqrt');
    expect(lang.op((dag.choice.get(root) as ENode).symbol)).toBe('+');
    expect(tree.cost).toBe(7);
    expect(dag.cost).toBe(6); // + sin cos and the three * of S, once
    expectValid(eg, [root], dag, nodeCountCost);
    expectValid(eg, [root], tree, nodeCountCost);
  });

  it('gives each chosen node as an object and as its store index, the same object on every get', () => {
    const { eg, root } = sharedExample();
    const { choice } = extractDag(eg, [root], nodeCountCost);
    for (const [cls, node] of choice) {
      const e = choice.nodeIndex(cls);
      expect(e).toBeGreaterThanOrEqual(0);
      expect(eg.enode(e)).toEqual(node);
      expect(choice.get(cls)).toBe(node);
    }
    const unreached = eg.classIds().find((c) => !choice.has(c));
    expect(unreached).toBeDefined();
    expect(choice.nodeIndex(unreached!)).toBe(-1);
    expect(choice.get(unreached!)).toBeUndefined();
  });

  it('counts a sub-term shared by two roots once', () => {
    const { lang } = smallLanguage();
    const eg = new EGraph(lang);
    const a = eg.addTerm(parseTerm(lang, '(sin (* a b))'));
    const b = eg.addTerm(parseTerm(lang, '(cos (* a b))'));
    eg.rebuild();
    expect(extractDag(eg, [a, b], nodeCountCost).cost).toBe(3);
  });

  it('never returns a cyclic choice on e-graphs full of x = x * 1 cycles', () => {
    const { lang } = smallLanguage();
    const eg = new EGraph(lang);
    const root = eg.addTerm(parseTerm(lang, '(* (+ (sin a) 0) (+ (sin a) 1))'));
    new Runner(eg).run([
      parseRewrite(lang, 'add-zero', '?x', '(+ ?x 0)'),
      parseRewrite(lang, 'mul-one', '?x', '(* ?x 1)'),
      parseRewrite(lang, 'zero-add', '(+ ?x 0)', '?x'),
      parseRewrite(lang, 'one-mul', '(* ?x 1)', '?x'),
    ]);
    const ex = extractDag(eg, [root], nodeCountCost);
    expectValid(eg, [root], ex, nodeCountCost);
    expect(ex.cost).toBe(3); // (* s (+ s 1)) with s = (sin a) shared
  });

  it('breaks a cyclic pick by falling back to tree-cost nodes', () => {
    // Class A = {a, (* B 1)}, class B = {b, (+ A 0)}: picking the op in both is a cycle.
    const { lang } = smallLanguage();
    const eg = new EGraph(lang);
    const a = eg.addTerm(parseTerm(lang, 'a'));
    const b = eg.addTerm(parseTerm(lang, 'b'));
    const one = eg.addTerm(parseTerm(lang, '1'));
    const zero = eg.addTerm(parseTerm(lang, '0'));
    const ma = eg.add(lang.resolve('*', 2), [b, one]);
    const pb = eg.add(lang.resolve('+', 2), [a, zero]);
    eg.union(a, ma);
    eg.union(b, pb);
    eg.rebuild();
    const root = eg.add(lang.resolve('sin', 1), [a]);
    eg.rebuild();
    const p = buildProblem(eg, [root], nodeCountCost);
    const opOf = (c: ClassId) => {
      const dense = p.indexOf.get(eg.find(c)) as number;
      for (let e = p.classStart[dense]; e < p.classStart[dense + 1]; e++)
        if (p.nodes[e].children.length > 0) return e;
      throw new Error('no op node');
    };
    const pick = treePick(p).pick.slice();
    pick[p.indexOf.get(eg.find(a)) as number] = opOf(a);
    pick[p.indexOf.get(eg.find(b)) as number] = opOf(b);
    expect(findPickCycle(p, pick)).toBeGreaterThanOrEqual(0);
    const moved = breakCycles(p, pick, treePick(p).pick);
    expect(moved).toBeGreaterThanOrEqual(1);
    expect(findPickCycle(p, pick)).toBe(-1);
  });

  it('is acyclic, covers the reachable classes, and is no worse than the tree choice on random e-graphs', () => {
    fc.assert(
      fc.property(
        opsArb,
        fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
        fc.nat(100),
        (ops, picks, seed) => {
          const { lang } = smallLanguage();
          const eg = new EGraph(lang);
          const ids = replay(eg, ops);
          const roots = picks.map((i) => eg.find(ids[i % ids.length]));
          for (const cost of [nodeCountCost, weighted(lang, seed)]) {
            const dag = extractDag(eg, roots, cost);
            const tree = extractTree(eg, roots, cost);
            expectValid(eg, roots, dag, cost);
            expectValid(eg, roots, tree, cost);
            expect(dag.cost).toBeLessThanOrEqual(tree.cost);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('finds sharing across classes that a per-class greedy misses, by trying other nodes on the whole DAG', () => {
    // The greedy pass alone picks (+ (sin x) (cos x)) for the shared class (cost 6); the local improvement
    // sees that (sqrt (ln y)) is not cheaper below but (sin x) and (cos x) are paid by the product anyway.
    const { eg, root } = crossExample();
    const ex = extractDag(eg, [root], nodeCountCost);
    expect(ex.cost).toBe(5);
    expectValid(eg, [root], ex, nodeCountCost);
  });

  it('dagCost refuses a missing choice and a cycle', () => {
    const { lang, eg, root } = sharedExample();
    expect(() => dagCost(eg, [root], new Map(), nodeCountCost)).toThrow(/no node chosen/);
    const x = eg.addTerm(parseTerm(lang, 'x'));
    const one = eg.addTerm(parseTerm(lang, '1'));
    const mx = eg.add(lang.resolve('*', 2), [x, one]);
    eg.union(x, mx);
    eg.rebuild();
    const self = eg.nodesOf(x).find((n) => n.children.length > 0) as ENode;
    expect(() => dagCost(eg, [x], new Map([[eg.find(x), self]]), nodeCountCost)).toThrow(/cycle/);
  });

  it('refuses costs that are NaN, negative, or zero on an op', () => {
    const { eg, root } = sharedExample();
    expect(() => extractDag(eg, [root], () => Number.NaN)).toThrow(/must be/);
    expect(() => extractDag(eg, [root], () => 0)).toThrow(/positive/);
  });

  it('extracts a deep 4k-class chain with sharing, the heuristic worst case, exactly', () => {
    const { lang } = smallLanguage();
    const eg = new EGraph(lang);
    // A chain with sharing, t_{i+1} = (+ t_i (* t_i t_{i-1})): each class's set holds everything below it,
    // the heuristic's worst case (quadratic memory).
    let prev = eg.addTerm(parseTerm(lang, 'a'));
    let cur = eg.addTerm(parseTerm(lang, 'b'));
    for (let i = 0; i < 2000; i++) {
      const m = eg.add(lang.resolve('*', 2), [cur, prev]);
      const next = eg.add(lang.resolve('+', 2), [cur, m]);
      prev = cur;
      cur = next;
    }
    eg.rebuild();
    expect(eg.classCount).toBeGreaterThan(4000);
    const ex = extractDag(eg, [cur], nodeCountCost);
    expect(ex.cost).toBe(4000);
  });
});

describe('tree extraction on heavily shared DAGs', () => {
  it('picks a finite term even when tree costs overflow', () => {
    const lang = new Language('shared');
    const x = lang.intern({ op: 'x', arity: 0 });
    const y = lang.intern({ op: 'y', arity: 0 });
    const plus = lang.intern({ op: '+', arity: 2 });
    const times = lang.intern({ op: '*', arity: 2 });
    const eg = new EGraph(lang);
    // a' = a + b, b' = a * b: each level's tree cost doubles, past Number.MAX_VALUE after ~1,030 levels.
    let a = eg.add(x, []);
    let b = eg.add(y, []);
    for (let i = 0; i < 1100; i++) [a, b] = [eg.add(plus, [a, b]), eg.add(times, [a, b])];
    eg.rebuild();
    const { choice, cost } = extractTree(eg, [a], nodeCountCost);
    expect(choice.size).toBe(2 * 1100 + 1);
    expect(cost).toBe(2 * 1100 - 1);
  });
});
