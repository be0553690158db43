/** formatExpr prints a shared DAG in text linear in its size, with let-bindings that parse back. */
import { describe, expect, it } from 'vitest';
import { formatDecls, formatExpr, grad, type Node, parseExpr, T } from '../../src/graph/index.js';

/** e + e + … + e, `n` terms of one shared node. */
const sumOf = (e: Node, n: number): Node => {
  let s = e;
  for (let i = 1; i < n; i++) s = T.add(s, e);
  return s;
};

describe('formatExpr on shared DAGs', () => {
  it('prints a 10,000-term sum of one shared exp(x) and its gradient in linear size', () => {
    const x = T.scalar('x', 'f64');
    const s = sumOf(T.exp(x), 10_000);
    const text = formatExpr(s);
    expect(text.startsWith('t1 = exp(x); t1 + t1 + ')).toBe(true);
    expect(text.length).toBeLessThan(10_000 * 6);
    const [g] = grad(s, [x]);
    expect(formatExpr(g).length).toBeLessThan(100 * 10_000);
  });

  it('reads the let-bindings back to the very same nodes', () => {
    const x = T.vector('x', 'f64');
    const e = T.exp(x);
    const s = T.mul(sumOf(e, 1500), T.log(e));
    const text = formatExpr(s);
    expect(text).toMatch(/^t1 = exp\(x\); /);
    expect(parseExpr(text, { vars: formatDecls(s) })).toBe(s);
  });

  it('keeps small graphs printed as trees', () => {
    const x = T.scalar('x', 'f64');
    const e = T.exp(x);
    expect(formatExpr(T.add(e, e))).toBe('exp(x) + exp(x)');
  });

  it('does not bind a name an input already has', () => {
    const t1 = T.scalar('t1', 'f64');
    const text = formatExpr(sumOf(T.exp(t1), 3000));
    expect(text.startsWith('t2 = exp(t1); ')).toBe(true);
  });
});
