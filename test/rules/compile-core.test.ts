import { describe, expect, it } from 'vitest';
import { Runner } from '../../src/egraph/run.js';
import { addGraph, buildGraph, createTensorEGraph } from '../../src/egraph/tensor/index.js';
import { T } from '../../src/graph/index.js';
import type { RulePattern } from '../../src/rules/pattern.js';
import { CompiledRule, RuleCompileError, RuleSet } from '../../src/rules/rule.js';

const v = (name: string): RulePattern => ({ kind: 'var', name });
const lit = (value: number): RulePattern => ({ kind: 'literal', value });
const op = (name: string, args: RulePattern[], attrs: Record<string, unknown> = {}): RulePattern => ({
  kind: 'op',
  op: name,
  args,
  attrs: Object.fromEntries(
    Object.entries(attrs).map(([k, a]) =>
      typeof a === 'string' && a.startsWith('?')
        ? [k, { kind: 'var', name: a }]
        : [k, { kind: 'value', value: a }],
    ),
  ),
});

function saturate(rules: CompiledRule[], out: ReturnType<typeof T.exp>) {
  const t = createTensorEGraph();
  const [root] = addGraph(t.egraph, t.lang, [out]);
  const report = new Runner(t.egraph, { iterLimit: 10 }).run(new RuleSet(rules).source(t));
  return { t, root: t.egraph.find(root), report };
}

describe('compiled tensor rules', () => {
  const x = T.vector('x', 'f32', 'n');

  it('matches a literal through the range analysis and builds a typed right side', () => {
    const log1p = new CompiledRule({
      name: 'log1p',
      tags: [],
      lhs: op('log', [op('add', [lit(1), v('?x')])]),
      rhs: op('log1p', [v('?x')]),
    });
    const { t, root } = saturate([log1p], T.log(T.add(1, x)));
    expect(
      t.egraph.lookup(t.lang.symbol('log1p', {}, 1), [t.egraph.find(addGraph(t.egraph, t.lang, [x])[0])]),
    ).toBe(root);
    expect(log1p.counters.applied).toBeGreaterThan(0);
  });

  it('refuses a right side that would change the shape', () => {
    // x + ones(3, n)-shaped broadcast: dropping the add changes the shape.
    const m = T.matrix('m', 'f32', [3, 'n']);
    const addZero = new CompiledRule({
      name: 'add-zero',
      tags: [],
      lhs: op('add', [v('?x'), lit(0)]),
      rhs: v('?x'),
    });
    const { t, root } = saturate([addZero], T.add(x, T.zeros_like(m)));
    expect(t.egraph.nodesOf(root)).toHaveLength(1);
    expect(addZero.counters.rejected['type-changed']).toBeGreaterThan(0);
  });

  it('binds attribute variables and reuses them on the right side', () => {
    const c = T.scalar('c', 'f32');
    const m = T.matrix('m', 'f32', ['n', 4]);
    const sumScale = new CompiledRule({
      name: 'sum-scale',
      tags: [],
      lhs: op('sum', [op('mul', [v('?c'), v('?x')])], { axis: '?a', keepdims: '?k' }),
      rhs: op('mul', [v('?c'), op('sum', [v('?x')], { axis: '?a', keepdims: '?k' })]),
      guard: { kind: 'call', name: 'is_scalar', args: [{ kind: 'var', name: '?c' }] },
    });
    const out = T.sum(T.mul(c, m), { axis: 1 });
    const { t, root } = saturate([sumScale], out);
    const [built] = buildGraph(t.egraph, t.lang, [root], (cls) => {
      const nodes = t.egraph.nodesOf(cls);
      return nodes.find((n) => t.lang.op(n.symbol) === 'mul') ?? nodes[0];
    });
    expect(built).toBe(T.mul(c, T.sum(m, { axis: 1 })));
  });

  it('refuses unbound right-side variables and unknown guards at compile time', () => {
    expect(
      () => new CompiledRule({ name: 'bad', tags: [], lhs: op('exp', [v('?x')]), rhs: v('?y') }),
    ).toThrow("rule 'bad': ?y on the right side is not bound on the left");
    expect(
      () =>
        new CompiledRule({
          name: 'bad-guard',
          tags: [],
          lhs: op('exp', [v('?x')]),
          rhs: v('?x'),
          guard: { kind: 'call', name: 'postive', args: [{ kind: 'var', name: '?x' }] },
        }),
    ).toThrow(RuleCompileError);
  });
});
