import { describe, expect, it } from 'vitest';
import { OpIndex } from '../../src/egraph/op-index.js';
import { addGraph, createTensorEGraph } from '../../src/egraph/tensor/index.js';
import { T } from '../../src/graph/index.js';
import { type GuardExpr, sharedGuards } from '../../src/rules/guards.js';
import type { RulePattern } from '../../src/rules/pattern.js';
import { CompiledRule } from '../../src/rules/rule.js';

const v = (name: string): RulePattern => ({ kind: 'var', name });
const op = (name: string, args: RulePattern[]): RulePattern => ({ kind: 'op', op: name, args, attrs: {} });
const call = (name: string, ...vars: string[]): GuardExpr => ({
  kind: 'call',
  name,
  args: vars.map((n) => ({ kind: 'var', name: n })),
});
const and = (...args: GuardExpr[]): GuardExpr => ({ kind: 'and', args });

describe('guards split for the search', () => {
  it('groups the one-variable conjuncts the caller allows by variable, and keeps the rest whole', () => {
    const guard = and(
      call('positive', '?y'),
      and(call('finite', '?y'), call('nonneg', '?x')),
      call('same_shape', '?x', '?y'),
    );
    const guards = sharedGuards(guard, (name) => name === '?y');
    expect(guards.map((g) => [g.name, g.vars, g.classCheck !== undefined])).toEqual([
      ['positive(?y) and finite(?y)', ['?y'], true],
      ['nonneg(?x) and same_shape(?x, ?y)', ['?x', '?y'], false],
    ]);
  });

  it('refuses in the search a match whose last-bound variable fails, and hands the others to the applier', () => {
    // ?x * exp(?y): ?y is bound after the pattern's last op, ?x before it.
    const lhs = op('mul', [v('?x'), op('exp', [v('?y')])]);
    const rule = (guard: GuardExpr) =>
      new CompiledRule({ name: 'r', tags: [], lhs, rhs: op('exp', [v('?y')]), guard });
    const t = createTensorEGraph();
    const a = T.vector('a', 'f32', 3);
    addGraph(t.egraph, t.lang, [T.mul(a, T.exp(T.neg(T.exp(a))))]);
    t.egraph.rebuild();
    const matches = (r: CompiledRule) =>
      r.rewrites(t).reduce((n, rw) => n + rw.search(t.egraph, OpIndex.of(t.egraph)).count, 0);
    // -exp(a) is negative, so positive(?y) fails there: the search drops that match itself.
    expect(matches(rule(call('positive', '?y')))).toBe(0);
    // A guard on ?x, bound before exp is matched, is checked on the match by the applier instead.
    expect(matches(rule(call('positive', '?x')))).toBe(1);
  });
});
