import type { ClassId, SymbolId } from './ids.js';
import { NodeStore } from './node-store.js';
import type { Term } from './term.js';

/**
 * Why two ids were merged: a rewrite (`rule`, applied from the first id's term to the second's), or congruence
 * (the two ids' nodes have the same symbol and pairwise-equal children). Analyses that merge, such as constant
 * folding, give their own rule name.
 */
export type Justification =
  | { readonly kind: 'rule'; readonly rule: string; readonly subst?: Readonly<Record<string, ClassId>> }
  | { readonly kind: 'congruence' };

/**
 * One step of a flat explanation: the whole term after the step, and the rule applied (somewhere inside it) to
 * get there from the previous step's term, forward (lhs → rhs) or backward. The first step has no rule.
 */
export interface ExplanationStep {
  readonly term: Term;
  readonly rule?: string;
  readonly direction?: 'forward' | 'backward';
}

/**
 * egg's proof forest: a second union-find, never path-compressed, whose edges carry justifications. Each id
 * keeps the exact node it was created for (`originals`), so every id denotes one concrete term. `union` turns
 * `a` into the root of its tree and hangs it under `b`, so a path between two ids is a chain of reasons.
 *
 * Built by the e-graph when `explanations: true`; read through `explain(a, b)`.
 *
 * @example
 * ```ts
 * const eg = new EGraph(lang, { explanations: true });
 * // ... add terms, run rules ...
 * eg.explain!.explain(startId, goalId).map((s) => s.rule);
 * ```
 */
export class ProofForest {
  /** The node each id was created for, children as written. Index = id. */
  readonly originals = new NodeStore();
  private parent = new Int32Array(64);
  private forward = new Uint8Array(64);
  private why: Justification[] = [];

  /** Records the node of a fresh id; ids arrive densely in creation order. @internal */
  addNode(sym: number, kids: ArrayLike<number>, arity: number, id: number): void {
    const e = this.originals.push(sym, kids, arity, id);
    if (e !== id) throw new Error(`proof forest out of step: node ${e} for id ${id}`);
    this.originals.insert(e, arity);
    if (id >= this.parent.length) {
      const p = new Int32Array(this.parent.length * 2);
      p.set(this.parent);
      this.parent = p;
      const f = new Uint8Array(this.forward.length * 2);
      f.set(this.forward);
      this.forward = f;
    }
    this.parent[id] = id;
  }

  /** Records that `a` and `b` were merged because of `why` (a rule read from `a` to `b`). @internal */
  union(a: number, b: number, why: Justification): void {
    this.makeRoot(a);
    this.parent[a] = b;
    this.forward[a] = 1;
    this.why[a] = why;
  }

  /**
   * The flat explanation of why `a` equals `b`: terms from `a`'s term to `b`'s, each with the rule that
   * produced it. Congruence steps are expanded into steps on the children. Throws if they are not equal.
   *
   * @example `forest.explain(startId, goalId)`
   */
  explain(a: ClassId, b: ClassId): ExplanationStep[] {
    const memo = new Map<number, Term>();
    const out: ExplanationStep[] = [{ term: this.termOf(a, memo) }];
    this.prove(a, b, (t) => t, out, memo);
    return out;
  }

  /** The concrete term an id stands for. @example `forest.termOf(id, new Map())` */
  termOf(id: number, memo: Map<number, Term>): Term {
    const known = memo.get(id);
    if (known !== undefined) return known;
    const o = this.originals;
    const s = o.start[id];
    const arity = o.arityOf(id);
    const children: Term[] = [];
    for (let i = 0; i < arity; i++) children.push(this.termOf(o.kids[s + i], memo));
    const t: Term = { symbol: o.sym[id] as SymbolId, children };
    memo.set(id, t);
    return t;
  }

  private prove(
    a: number,
    b: number,
    wrap: (t: Term) => Term,
    out: ExplanationStep[],
    memo: Map<number, Term>,
  ): void {
    if (a === b) return;
    for (const [x, y, why, fwd] of this.path(a, b)) {
      if (why.kind === 'rule') {
        out.push({
          term: wrap(this.termOf(y, memo)),
          rule: why.rule,
          direction: fwd ? 'forward' : 'backward',
        });
        continue;
      }
      const o = this.originals;
      const sym = o.sym[x] as SymbolId;
      const n = o.arityOf(x);
      const kidsX = Array.from({ length: n }, (_, i) => o.kids[o.start[x] + i]);
      const kidsY = Array.from({ length: n }, (_, i) => o.kids[o.start[y] + i]);
      const current = kidsX.map((k) => this.termOf(k, memo));
      for (let i = 0; i < n; i++) {
        const at = i;
        const snapshot = current.slice();
        this.prove(
          kidsX[i],
          kidsY[i],
          (t) => {
            snapshot[at] = t;
            return wrap({ symbol: sym, children: snapshot.slice() });
          },
          out,
          memo,
        );
        current[i] = this.termOf(kidsY[i], memo);
      }
    }
  }

  /** Edges from `a` to `b` through their lowest common ancestor, each oriented in travel direction. */
  private path(a: number, b: number): [number, number, Justification, boolean][] {
    const depthOf = (x: number): number => {
      let d = 0;
      while (this.parent[x] !== x) {
        x = this.parent[x];
        d++;
      }
      return d;
    };
    let x = a;
    let y = b;
    let dx = depthOf(x);
    let dy = depthOf(y);
    const up: [number, number, Justification, boolean][] = [];
    const down: [number, number, Justification, boolean][] = [];
    const stepX = (): void => {
      const p = this.parent[x];
      up.push([x, p, this.why[x], this.forward[x] === 1]);
      x = p;
      dx--;
    };
    const stepY = (): void => {
      const p = this.parent[y];
      down.push([p, y, this.why[y], this.forward[y] === 0]);
      y = p;
      dy--;
    };
    while (dx > dy) stepX();
    while (dy > dx) stepY();
    while (x !== y) {
      if (this.parent[x] === x) throw new Error(`ids ${a} and ${b} are not equal; nothing to explain`);
      stepX();
      stepY();
    }
    return up.concat(down.reverse());
  }

  private makeRoot(a: number): void {
    let x = a;
    let p = this.parent[a];
    let why = this.why[a];
    let fwd = this.forward[a];
    while (p !== x) {
      const np = this.parent[p];
      const nwhy = this.why[p];
      const nfwd = this.forward[p];
      this.parent[p] = x;
      this.why[p] = why;
      this.forward[p] = fwd ^ 1;
      x = p;
      p = np;
      why = nwhy;
      fwd = nfwd;
    }
    this.parent[a] = a;
  }
}
