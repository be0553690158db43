/**
 * Products as multisets: PyTensor's `local_mul_canonizer` inside equality saturation. A float product
 * chain (`*`, `/`, `reciprocal`) is read as factors with powers, factors that meet their reciprocal
 * cancel, and the rest is added back as one product in a canonical order, so products that are equal up
 * to associativity and commutativity meet in one class without the blind exploration of `mul-comm` and
 * `mul-assoc` (on logistic regression that exploration was 1,300 e-nodes and most of `optimize`).
 * Distribution is applied only where it pays: `(p - q) * r` becomes `p*r - q*r` when a factor of `p` or
 * `q` cancels against one of `r`, with the factors both sides share kept outside.
 *
 * Regrouping a float product moves overflow and underflow, and `x * (1/x)` is not 1 at 0 or Inf, so
 * these rewrites are `unsafe` (see the README's accuracy contract).
 */

import { isFloat } from '../graph/dtype.js';
import { Tensor } from '../graph/tensor.js';
import type { TypeInfo } from '../graph/op-def.js';
import type { EGraph } from './egraph.js';
import type { ClassId, SymbolId } from './ids.js';
import { ComputeApplier, Rewrite } from './rewrite.js';
import { type TensorEGraph, tensorOf } from './tensor/index.js';

/** Factors read from one product at most: beyond that a chain stays a leaf (bounds the work per match). */
const MAX_FACTORS = 16;
/** Nesting read through at most. */
const MAX_DEPTH = 8;
/** Product nodes tried per reading at most, so a class rich in products cannot make a reading slow. */
const VISIT_BUDGET = 64;

/** Factor classes with their powers (`x / y` is `{x: 1, y: -1}`), in first-seen order. */
type Factors = Map<ClassId, number>;

interface Symbols {
  readonly mul: SymbolId;
  readonly div: SymbolId;
  readonly reciprocal: SymbolId;
  readonly sub: SymbolId;
  readonly add: SymbolId;
  readonly neg: SymbolId;
}

/** The key of a product's sign in its factors: `-x` reads as `{NEG: 1, x: 1}`. */
const NEG = -1 as ClassId;

/** The reader of each tensor e-graph's products (it caches the graph's symbols). */
const readers = new WeakMap<EGraph, Products>();

function productsOf(eg: EGraph): Products {
  let p = readers.get(eg);
  if (p === undefined) {
    p = new Products(tensorOf(eg));
    readers.set(eg, p);
  }
  return p;
}

/**
 * `mul-canon`: every class holding a float product gets its canonical product and, where a factor then
 * cancels, its distributed form. It matches each class once (the root is a variable; a class is read
 * again when a merge gives it a new id), not once per product node, and one rewrite object serves
 * every e-graph, so its matcher is compiled once per process.
 */
const MUL_CANON = new Rewrite(
  'mul-canon',
  { kind: 'var', name: '?x' },
  new ComputeApplier([], (eg, cls) => productsOf(eg).rewrite(cls), true),
);

/**
 * The rewrites of this file: `mul-canon` (cancel, reorder and, where it pays, distribute a product).
 *
 * @example new Runner(t.egraph).run([...productRewrites(), ...others])
 */
export function productRewrites(): readonly Rewrite[] {
  return [MUL_CANON];
}

class Products {
  private readonly eg: EGraph;

  private readonly sym: Symbols;

  constructor(private readonly t: TensorEGraph) {
    this.eg = t.egraph;
    this.sym = {
      mul: t.lang.symbol('mul', {}, 2),
      div: t.lang.symbol('div', {}, 2),
      reciprocal: t.lang.symbol('reciprocal', {}, 1),
      sub: t.lang.symbol('sub', {}, 2),
      add: t.lang.symbol('add', {}, 2),
      neg: t.lang.symbol('neg', {}, 1),
    };
  }

  /** The canonical product of a class and its distributed form where one pays; none for a non-product. */
  rewrite(root: ClassId): ClassId[] {
    const type = this.type(root);
    if (!isFloat(type.dtype)) return [];
    const factors = this.factors(root, type);
    if (factors === undefined) return [];
    const out: ClassId[] = [];
    const spread = this.distribute(factors, type);
    if (spread !== undefined) out.push(spread);
    this.absorbSign(factors, type.dtype);
    const built = this.build(factors, type);
    if (built !== undefined) out.push(built);
    return out;
  }

  /**
   * A side of a distributed product with two factors gets the other order too: rules over the
   * difference (`(1 - ?y) * sigmoid(?z) - ?y * sigmoid(-?z)`) are written in one order, and
   * `mul-comm` would otherwise explore every product to find it.
   */
  private bothOrders(factors: Factors, built: ClassId): void {
    if (factors.size !== 2) return;
    const [[a, m], [b, n]] = [...factors];
    if (m !== 1 || n !== 1 || a === NEG || b === NEG) return;
    const swapped = this.apply(this.sym.mul, [b, a]);
    if (swapped !== undefined && sameType(this.type(swapped), this.type(built)))
      this.eg.union(built, swapped);
  }

  /** A negative product with a difference among its factors: `-(r * (a - b))` is `r * (b - a)`. */
  private absorbSign(factors: Factors, dtype: string): void {
    if ((factors.get(NEG) ?? 0) % 2 === 0) return;
    for (const [c, n] of factors) {
      if (n !== 1 || c === NEG) continue;
      const d = this.difference(c, dtype);
      if (d === undefined || d.op !== 'sub') continue;
      const flipped = this.apply(this.sym.sub, [d.right, d.left]);
      if (flipped === undefined) continue;
      factors.delete(NEG);
      factors.delete(c);
      factors.set(flipped, (factors.get(flipped) ?? 0) + 1);
      return;
    }
  }

  /**
   * `(p ∓ q) * r` as `s * (p' ∓ q')` where `s` holds the factors both `p*r` and `q*r` keep after
   * cancelling: only when something cancels, so distribution never just grows the graph.
   */
  private distribute(factors: Factors, type: TypeInfo): ClassId | undefined {
    for (const [cls, power] of factors) {
      if (power !== 1 || cls === NEG) continue;
      const split = this.difference(cls, type.dtype);
      if (split === undefined) continue;
      const rest = new Map(factors);
      rest.delete(cls);
      const p = this.cancelWith(this.factors(split.left, type) ?? single(split.left), rest);
      const q = this.cancelWith(this.factors(split.right, type) ?? single(split.right), rest);
      if (!p.cancelled && !q.cancelled) continue;
      const common: Factors = new Map();
      for (const [c, n] of p.factors) {
        const m = q.factors.get(c);
        if (m !== undefined && Math.sign(m) === Math.sign(n)) {
          const k = Math.sign(n) * Math.min(Math.abs(n), Math.abs(m));
          common.set(c, k);
        }
      }
      for (const [c, k] of common) {
        subtract(p.factors, c, k);
        subtract(q.factors, c, k);
      }
      // Signs move to the operator, as rules such as `xent-sigmoid-grad` expect: -p + q is q - p.
      const negP = takeSign(p.factors);
      const negQ = takeSign(q.factors) !== (split.op === 'sub');
      const left = this.build(p.factors, undefined);
      const right = this.build(q.factors, undefined);
      if (left === undefined || right === undefined) continue;
      this.bothOrders(p.factors, left);
      this.bothOrders(q.factors, right);
      if (negP && negQ) common.set(NEG, 1);
      const inner =
        negP === negQ
          ? this.apply(this.sym.add, [left, right])
          : negQ
            ? this.apply(this.sym.sub, [left, right])
            : this.apply(this.sym.sub, [right, left]);
      if (inner === undefined) continue;
      const out = common.size === 0 ? inner : this.times(this.build(common, undefined), inner);
      if (out === undefined || !sameType(this.type(out), type)) continue;
      return out;
    }
    return undefined;
  }

  private type(c: ClassId): TypeInfo {
    return this.eg.data(this.t.types, c);
  }

  /** The class's first `a - b` or `a + b` node of the same dtype, as its two sides. */
  private difference(
    cls: ClassId,
    dtype: string,
  ): { op: 'sub' | 'add'; left: ClassId; right: ClassId } | undefined {
    const eg = this.eg;
    const store = eg.nodes;
    const c = eg.find(cls);
    for (let i = 0; i < eg.classNodes.count(c); i++) {
      const e = eg.classNodes.at(c, i);
      const s = store.sym[e];
      if (s !== this.sym.sub && s !== this.sym.add) continue;
      const a = eg.find(store.kids[store.start[e]] as ClassId);
      const b = eg.find(store.kids[store.start[e] + 1] as ClassId);
      if (this.type(a).dtype !== dtype || this.type(b).dtype !== dtype) continue;
      return { op: s === this.sym.sub ? 'sub' : 'add', left: a, right: b };
    }
    return undefined;
  }

  /** `factors` times `rest`, cancelling powers; whether any power met its opposite. */
  private cancelWith(factors: Factors, rest: Factors): { factors: Factors; cancelled: boolean } {
    const out = new Map(factors);
    let cancelled = false;
    for (const [c, n] of rest) {
      const m = out.get(c) ?? 0;
      if (m !== 0 && Math.sign(m) !== Math.sign(n)) cancelled = true;
      if (m + n === 0) out.delete(c);
      else out.set(c, m + n);
    }
    return { factors: out, cancelled };
  }

  /**
   * The factors of a product class: through `*`, `/` and `reciprocal` nodes of the root's dtype. A
   * class's nodes are tried in order and the first reading that does not come back to a class on its own
   * path is taken (after `x * (y / x) = y`, the class of `y` holds `(y * x) / x`, which reads as `y`
   * again); a class past the limits, or with no such reading, is a leaf. Undefined when the class is no
   * product.
   */
  private factors(root: ClassId, type: TypeInfo): Factors | undefined {
    const eg = this.eg;
    const store = eg.nodes;
    const path = new Set<number>();
    let budget = VISIT_BUDGET;
    const leaf = (c: ClassId): Factors => {
      const v = eg.data(this.t.values, c);
      // A uniform 1 is no factor (`x * 1` in a class of `x` would otherwise read as x twice).
      return v !== undefined && v.size === 1 && v.data[0] === 1 ? new Map() : single(c);
    };
    const walk = (c: ClassId, depth: number): Factors | undefined => {
      c = eg.find(c);
      if (path.has(c)) return undefined;
      if (depth > MAX_DEPTH || budget <= 0) return leaf(c);
      path.add(c);
      let found: Factors | undefined;
      for (let i = 0; i < eg.classNodes.count(c); i++) {
        const e = eg.classNodes.at(c, i);
        const s = store.sym[e];
        if (s !== this.sym.mul && s !== this.sym.div && s !== this.sym.reciprocal && s !== this.sym.neg)
          continue;
        budget--;
        const at = store.start[e];
        const a = eg.find(store.kids[at] as ClassId);
        if (this.type(a).dtype !== type.dtype) continue;
        const fa = walk(a, depth + 1);
        if (fa === undefined) continue;
        if (s === this.sym.reciprocal || s === this.sym.neg) {
          found = s === this.sym.neg ? combine(fa, single(NEG)) : scale(fa, -1);
          break;
        }
        const b = eg.find(store.kids[at + 1] as ClassId);
        if (this.type(b).dtype !== type.dtype) continue;
        const fb = walk(b, depth + 1);
        if (fb === undefined) continue;
        found = combine(fa, s === this.sym.mul ? fb : scale(fb, -1));
        if (found.size > MAX_FACTORS) found = undefined;
        else break;
      }
      path.delete(c);
      return found ?? leaf(c);
    };
    const r = eg.find(root);
    let isProduct = false;
    for (let i = 0; i < eg.classNodes.count(r); i++) {
      const s = store.sym[eg.classNodes.at(r, i)];
      if (s === this.sym.mul || s === this.sym.div || s === this.sym.reciprocal || s === this.sym.neg)
        isProduct = true;
    }
    return isProduct ? walk(r, 0) : undefined;
  }

  /**
   * The product of `factors` as PyTensor writes it, numerator over denominator, each right-nested in
   * canonical order (known constants first, so that `const-collect` folds them, then by class id), a
   * sign as a leading -1. Factors of one element (`-1`, `1 / sum(x, keepdims=true)`) are gathered into
   * one small quotient in front, so they are combined before meeting a full-size tensor. Undefined when
   * the product would not type as `type` (a cancelled factor carried the broadcast shape) or nothing is
   * left.
   */
  private build(factors: Factors, type: TypeInfo | undefined): ClassId | undefined {
    const eg = this.eg;
    const entries = [...factors]
      .filter(([c]) => c !== NEG)
      .sort((x, y) => {
        const cx = eg.data(this.t.values, x[0]) !== undefined ? 0 : 1;
        const cy = eg.data(this.t.values, y[0]) !== undefined ? 0 : 1;
        return cx - cy || x[0] - y[0];
      });
    const dtype = type?.dtype ?? (entries.length > 0 ? this.type(entries[0][0]).dtype : undefined);
    if (dtype === undefined) return undefined;
    const small: [ClassId[], ClassId[]] = [[], []];
    const large: [ClassId[], ClassId[]] = [[], []];
    if ((factors.get(NEG) ?? 0) % 2 === 1)
      small[0].push(eg.add(this.t.lang.symbol('constant', { value: Tensor.scalar(-1, dtype) }, 0), []));
    for (const [c, n] of entries) {
      const side = this.type(c).shape.every((d) => d === 1) ? small : large;
      for (let k = 0; k < Math.abs(n); k++) side[n > 0 ? 0 : 1].push(c);
    }
    const s = this.quotient(small[0], small[1]);
    const l = this.quotient(large[0], large[1]);
    const out = s === undefined ? l : l === undefined ? s : this.times(s, l);
    if (out === undefined || (type !== undefined && !sameType(this.type(out), type))) return undefined;
    return out;
  }

  /** `num / den` as chains, `reciprocal(den)` without a numerator; undefined when empty or ill-typed. */
  private quotient(num: readonly ClassId[], den: readonly ClassId[]): ClassId | undefined {
    const top = this.chain(num);
    const bottom = this.chain(den);
    if (bottom === undefined) return top;
    return top === undefined
      ? this.apply(this.sym.reciprocal, [bottom])
      : this.apply(this.sym.div, [top, bottom]);
  }

  /** `a * (b * (c * …))`, or undefined when empty or ill-typed. */
  private chain(list: readonly ClassId[]): ClassId | undefined {
    if (list.length === 0) return undefined;
    let acc: ClassId | undefined = list[list.length - 1];
    for (let i = list.length - 2; i >= 0 && acc !== undefined; i--) acc = this.times(list[i], acc);
    return acc;
  }

  private times(a: ClassId | undefined, b: ClassId): ClassId | undefined {
    return a === undefined ? undefined : this.apply(this.sym.mul, [a, b]);
  }

  /** Adds `op(children)` when it types (broadcasting shapes, same dtype), else undefined. */
  private apply(s: SymbolId, children: ClassId[]): ClassId | undefined {
    const def = this.t.lang.tensorSymbol(s).def;
    try {
      def.infer(
        children.map((c) => this.type(c)),
        {},
      );
    } catch {
      return undefined;
    }
    return this.eg.add(s, children);
  }
}

function single(c: ClassId): Factors {
  return new Map([[c, 1]]);
}

function scale(f: Factors, k: number): Factors {
  const out: Factors = new Map();
  for (const [c, n] of f) out.set(c, c === NEG ? n : n * k);
  return out;
}

/** The product of two readings: powers add, and a power that reaches zero cancels. */
function combine(a: Factors, b: Factors): Factors {
  const out = new Map(a);
  for (const [c, n] of b) {
    const m = (out.get(c) ?? 0) + n;
    if (m === 0) out.delete(c);
    else out.set(c, m);
  }
  return out;
}

/** Removes the sign from a reading; whether it was negative. */
function takeSign(f: Factors): boolean {
  const n = f.get(NEG) ?? 0;
  f.delete(NEG);
  return n % 2 === 1;
}

function subtract(f: Factors, c: ClassId, k: number): void {
  const n = (f.get(c) ?? 0) - k;
  if (n === 0) f.delete(c);
  else f.set(c, n);
}

function sameType(a: TypeInfo, b: TypeInfo): boolean {
  return (
    a.dtype === b.dtype && a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i])
  );
}
