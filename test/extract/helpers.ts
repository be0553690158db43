import { expect } from 'vitest';
import { EGraph, type ENode } from '../../src/egraph/egraph.js';
import type { ClassId } from '../../src/egraph/ids.js';
import type { Language } from '../../src/egraph/language.js';
import { parseTerm } from '../../src/egraph/term.js';
import { dagCost, type Extraction } from '../../src/extract/choice.js';
import { type NodeCost, symbolWeightCost } from '../../src/extract/node-cost.js';
import { smallLanguage } from '../egraph/helpers.js';

/**
 * The classic case: a class with choices f(a, b) = `(+ (sin S) (cos S))`, where `a` and `b` share the
 * three-op `S`, and g(c) = a chain of seven unary ops. Tree cost: f 9, g 7. DAG cost: f 6, g 7.
 */
export function sharedExample() {
  const { lang } = smallLanguage();
  const eg = new EGraph(lang);
  const f = eg.addTerm(parseTerm(lang, '(+ (sin (* (* x y) (* y z))) (cos (* (* x y) (* y z))))'));
  const g = eg.addTerm(parseTerm(lang, '(sqrt (ln (sin (cos (sqrt (ln (sin y)))))))'));
  eg.union(f, g);
  eg.rebuild();
  return { lang, eg, root: eg.find(f) };
}

/**
 * Sharing across classes: the second argument of `pow` may be `(+ A B)`, reusing the `A` and `B` of the
 * first argument, or the smaller tree `(sqrt (ln y))`. Greedy per-class choices (tree or DAG) take the
 * latter (DAG cost 6); the optimum takes the former (5).
 */
export function crossExample() {
  const { lang } = smallLanguage();
  const eg = new EGraph(lang);
  const root = eg.addTerm(parseTerm(lang, '(pow (* (sin x) (cos x)) (+ (sin x) (cos x)))'));
  const f = eg.addTerm(parseTerm(lang, '(+ (sin x) (cos x))'));
  const g = eg.addTerm(parseTerm(lang, '(sqrt (ln y))'));
  eg.union(f, g);
  eg.rebuild();
  return { lang, eg, root: eg.find(root), shared: eg.find(f) };
}

/** Checks that an extraction is acyclic, covers every class reachable through chosen nodes, and costs right. */
export function expectValid(eg: EGraph, roots: readonly ClassId[], ex: Extraction, cost: NodeCost): void {
  const reached = new Set<ClassId>();
  const stack = roots.map((r) => eg.find(r));
  for (let c = stack.pop(); c !== undefined; c = stack.pop()) {
    if (reached.has(c)) continue;
    reached.add(c);
    const node = ex.choice.get(c);
    expect(node, `class ${c} has a choice`).toBeDefined();
    expect(eg.nodesOf(c).some((n) => sameNode(n, node as ENode))).toBe(true);
    stack.push(...(node as ENode).children);
  }
  expect(new Set(ex.choice.keys())).toEqual(reached);
  expect(dagCost(eg, roots, ex.choice, cost)).toBeCloseTo(ex.cost, 9); // throws on a cycle
}

const sameNode = (a: ENode, b: ENode) =>
  a.symbol === b.symbol &&
  a.children.length === b.children.length &&
  a.children.every((c, i) => c === b.children[i]);

/** Random symbol weights in 1..9 for ops, 0 for leaves. */
export function weighted(lang: Language, seed: number): NodeCost {
  return symbolWeightCost((s) => (lang.arity(s) === 0 ? 0 : 1 + ((s * 7919 + seed) % 9)));
}
