import type { Analysis } from './analysis.js';
import type { EGraph } from './egraph.js';
import type { ClassId, SymbolId } from './ids.js';
import type { Language } from './language.js';

/** What a language supplies for constant folding. */
export interface ConstantFoldingSpec<V> {
  /** Analysis name; also the rule name recorded in explanations. Defaults to `constant-fold`. */
  readonly name?: string;
  /**
   * Value of a node given its children's values (all known), or undefined when it cannot be folded (an
   * unknown op, a division by zero). For a leaf, the constant it denotes, or undefined for a variable.
   */
  evaluate(lang: Language, symbol: SymbolId, children: readonly V[]): V | undefined;
  /** The symbol of the literal denoting a value (interned on demand). */
  literal(lang: Language, value: V): SymbolId;
  /** Value equality; defaults to `Object.is`. */
  equal?(a: V, b: V): boolean;
}

/**
 * Constant folding as an analysis: a class's data is its value when known. When a class becomes constant, the
 * literal is added to it and the class is pruned to its leaves (egg's math analysis), so extraction sees the
 * constant and matching stops exploring its old structure.
 *
 * @example
 * ```ts
 * const constants = new ConstantFolding<number>({
 *   evaluate: (lang, s, [a, b]) => lang.op(s) === 'num' ? (lang.payload(s) as number)
 *     : lang.op(s) === '+' ? a + b : undefined,
 *   literal: (lang, v) => lang.resolve(String(v), 0),
 * });
 * const eg = new EGraph(lang, { analyses: [constants] });
 * eg.data(constants, eg.addTerm(parseTerm(lang, '(+ 1 2)'))); // 3
 * ```
 */
export class ConstantFolding<V> implements Analysis<V | undefined> {
  readonly name: string;

  constructor(private readonly spec: ConstantFoldingSpec<V>) {
    this.name = spec.name ?? 'constant-fold';
  }

  make(eg: EGraph, symbol: SymbolId, children: readonly ClassId[]): V | undefined {
    // Most nodes have a child of unknown value: find out before allocating the values array.
    for (let i = 0; i < children.length; i++) if (eg.data(this, children[i]) === undefined) return undefined;
    const values: V[] = [];
    for (let i = 0; i < children.length; i++) values.push(eg.data(this, children[i]) as V);
    return this.spec.evaluate(eg.lang, symbol, values);
  }

  merge(a: V | undefined, b: V | undefined): V | undefined {
    return a === undefined ? b : a;
  }

  same(a: V | undefined, b: V | undefined): boolean {
    if (a === undefined || b === undefined) return a === b;
    return this.spec.equal ? this.spec.equal(a, b) : Object.is(a, b);
  }

  modify(eg: EGraph, eclass: ClassId): void {
    const value = eg.data(this, eclass);
    if (value === undefined) return;
    const lang = eg.lang;
    const lit = this.spec.literal(lang, value);
    if (eg.lookup(lit, []) !== eg.find(eclass)) {
      if (eg.explain === undefined) eg.union(eclass, eg.add(lit, []));
      else this.unionExplained(eg, eclass, lit);
    }
    eg.retainNodes(eclass, (s) => lang.arity(s) === 0);
  }

  /**
   * With explanations, folds one node whose children are all known: the step recorded links
   * `(op lit1 lit2)` to `lit`, which a checker can verify by evaluation, and congruence does the rest.
   */
  private unionExplained(eg: EGraph, eclass: ClassId, lit: SymbolId): void {
    const why = { kind: 'rule', rule: this.name } as const;
    for (const n of eg.nodesOf(eclass)) {
      if (n.children.length === 0) continue;
      const values = n.children.map((c) => eg.data(this, c));
      if (values.some((v) => v === undefined)) continue;
      const kids = values.map((v) => eg.addUncanonical(this.spec.literal(eg.lang, v as V), []));
      eg.union(eg.addUncanonical(n.symbol, kids), eg.addUncanonical(lit, []), why);
      return;
    }
    eg.union(eclass, eg.addUncanonical(lit, []), why);
  }
}
