import fc from 'fast-check';
import { eggMathLanguage } from '../../bench/egg-math/language.js';
import type { EGraph } from '../../src/egraph/egraph.js';
import type { ClassId } from '../../src/egraph/ids.js';
import type { Language } from '../../src/egraph/language.js';
import type { Pattern } from '../../src/egraph/pattern.js';

/** egg-math with a few leaves interned up front, for random terms. */
export function smallLanguage(): { lang: Language; leaves: string[]; ops: string[] } {
  const lang = eggMathLanguage();
  const leaves = ['a', 'b', 'c', '0', '1', '2', '3'];
  for (const l of leaves) lang.resolve(l, 0);
  return { lang, leaves, ops: ['+', '*', '-', 'sin'] };
}

/** A random sequence of e-graph operations over indices into the ids created so far. */
export type Op =
  | { kind: 'add'; op: number; a: number; b: number }
  | { kind: 'union'; a: number; b: number }
  | { kind: 'rebuild' };

export const opsArb = fc.array(
  fc.oneof(
    {
      weight: 5,
      arbitrary: fc.record({ kind: fc.constant('add' as const), op: fc.nat(10), a: fc.nat(), b: fc.nat() }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('union' as const), a: fc.nat(), b: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('rebuild' as const) }) },
  ),
  { minLength: 1, maxLength: 80 },
);

/** Replays operations on an e-graph; leaves first, then ops on earlier ids. Returns every id created. */
export function replay(eg: EGraph, ops: readonly Op[], afterRebuild?: () => void): ClassId[] {
  const { lang } = eg;
  const leaves = ['a', 'b', 'c', '0', '1', '2', '3'].map((l) => eg.add(lang.resolve(l, 0), []));
  const ids: ClassId[] = [...leaves];
  const binary = ['+', '*', '-'];
  for (const op of ops) {
    if (op.kind === 'add') {
      const a = ids[op.a % ids.length];
      const b = ids[op.b % ids.length];
      if (op.op < 7) ids.push(eg.add(lang.resolve(binary[op.op % 3], 2), [a, b]));
      else if (op.op < 9) ids.push(eg.add(lang.resolve('sin', 1), [a]));
      else ids.push(leaves[op.a % leaves.length]);
    } else if (op.kind === 'union') {
      eg.union(ids[op.a % ids.length], ids[op.b % ids.length]);
    } else {
      eg.rebuild();
      afterRebuild?.();
    }
  }
  eg.rebuild();
  afterRebuild?.();
  return ids;
}

/** Reference matcher: every (class, substitution) by a plain recursive walk over `nodesOf`. */
export function naiveMatches(eg: EGraph, p: Pattern, vars: readonly string[]): Set<string> {
  const out = new Set<string>();
  const walk = (
    q: Pattern,
    cls: ClassId,
    subst: Map<string, ClassId>,
    k: (s: Map<string, ClassId>) => void,
  ) => {
    if (q.kind === 'var') {
      const bound = subst.get(q.name);
      if (bound === undefined) k(new Map(subst).set(q.name, cls));
      else if (bound === cls) k(subst);
      return;
    }
    for (const n of eg.nodesOf(cls)) {
      if (n.symbol !== q.symbol) continue;
      const step = (i: number, s: Map<string, ClassId>): void => {
        if (i === q.children.length) k(s);
        else walk(q.children[i], n.children[i], s, (s2) => step(i + 1, s2));
      };
      step(0, subst);
    }
  };
  for (const cls of eg.classIds()) {
    walk(p, cls, new Map(), (s) => out.add(`${cls}|${vars.map((v) => s.get(v)).join(',')}`));
  }
  return out;
}
