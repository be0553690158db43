/**
 * The dtype and shape of every e-class, inferred through the op table. Rewrites must preserve both, so a
 * merge of two classes of different types is a bug in a rule or the engine: it is refused loudly.
 */
import type { TypeInfo } from '../../graph/op-def.js';
import { formatShape, unifyDims } from '../../graph/shape.js';
import { type Analysis, AnalysisMergeError } from '../analysis.js';
import type { EGraph } from '../egraph.js';
import type { ClassId, SymbolId } from '../ids.js';
import type { Language } from '../language.js';
import type { TensorLanguage } from './language.js';

/**
 * Type analysis: `make` runs the op's `infer` on the children's types; `merge` unifies shapes (an unknown
 * dim `?x0` takes a known size) and refuses different dtypes or sizes.
 *
 * @example eg.data(types, id) // { dtype: 'f32', shape: ['n', 3] }
 */
export class TypeAnalysis implements Analysis<TypeInfo> {
  readonly name = 'type';

  /**
   * Per symbol, the last two argument-type lists `make` saw and their results. Types are shared objects
   * (see `make`), so in a graph of a few types most nodes repeat one of their symbol's recent argument
   * types exactly, and the inference is skipped: loading a 100k-op graph runs `make` for every node, three
   * times per optimize. Two, not one: `x * y` and `x * 2` (a vector and a scalar) alternate in one graph,
   * and with one entry 51k of the 338k `make`s of a 100k-op optimize missed on `mul` alone.
   */
  private readonly last: (MadeType | undefined)[] = [];
  private readonly previous: (MadeType | undefined)[] = [];
  /** One type object per leaf type (see `make`), by dtype and shape. */
  private readonly leafTypes = new Map<string, TypeInfo>();

  make(eg: EGraph, symbol: SymbolId, children: readonly ClassId[]): TypeInfo {
    const last = this.last[symbol];
    if (this.repeats(last, eg, children)) return last.type;
    const previous = this.previous[symbol];
    if (this.repeats(previous, eg, children)) {
      this.previous[symbol] = last;
      this.last[symbol] = previous;
      return previous.type;
    }
    const kids = children.map((c) => eg.data(this, c));
    const { def, attrs } = (eg.lang as TensorLanguage).tensorSymbol(symbol);
    const inferred = def.infer(kids, attrs);
    // Most ops keep an argument's type: share that object rather than keep one more per class (a
    // 100k-class e-graph's types are most of what each young-generation GC has to move).
    let type = inferred;
    for (const k of kids)
      if (this.same(k, inferred)) {
        type = k;
        break;
      }
    // Leaves of one type share it too (the constants 0, 1 and 2, the inputs x and y): the types of the
    // nodes above them then repeat by identity.
    if (kids.length === 0) {
      const key = describe(type);
      const known = this.leafTypes.get(key);
      if (known !== undefined && this.same(known, type)) type = known;
      else this.leafTypes.set(key, type);
    }
    this.previous[symbol] = last;
    this.last[symbol] = { lang: eg.lang, kids, type };
    return type;
  }

  /** Whether a remembered `make` was for these very child types, in this e-graph's language. */
  private repeats(made: MadeType | undefined, eg: EGraph, children: readonly ClassId[]): made is MadeType {
    return made !== undefined && made.lang === eg.lang && sameKidTypes(eg, this, made.kids, children);
  }

  merge(a: TypeInfo, b: TypeInfo): TypeInfo {
    const unified = unifyTypes(a, b);
    if (!unified) throw new AnalysisMergeError(this.name, describe(a), describe(b));
    return unified;
  }

  same(a: TypeInfo, b: TypeInfo): boolean {
    return (
      a.dtype === b.dtype && a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i])
    );
  }
}

/** A `make` remembered: its symbol's language, the argument types (by identity) and the result. */
interface MadeType {
  readonly lang: Language;
  readonly kids: readonly TypeInfo[];
  readonly type: TypeInfo;
}

/** Whether the children's types are the very objects `kids` (read in place: no list per node made). */
function sameKidTypes(
  eg: EGraph,
  types: TypeAnalysis,
  kids: readonly TypeInfo[],
  children: readonly ClassId[],
): boolean {
  if (kids.length !== children.length) return false;
  for (let i = 0; i < kids.length; i++) if (kids[i] !== eg.data(types, children[i])) return false;
  return true;
}

/** The common type of two types, or undefined when they cannot describe the same value. */
export function unifyTypes(a: TypeInfo, b: TypeInfo): TypeInfo | undefined {
  if (a.dtype !== b.dtype || a.shape.length !== b.shape.length) return undefined;
  const shape = [];
  let likeA = true;
  let likeB = true;
  for (let i = 0; i < a.shape.length; i++) {
    const d = unifyDims(a.shape[i], b.shape[i]);
    if (d === undefined) return undefined;
    likeA &&= d === a.shape[i];
    likeB &&= d === b.shape[i];
    shape.push(d);
  }
  // Most merges join classes of one type: keep an argument's object, so classes keep sharing types (what
  // `make`'s per-symbol memory compares by identity) and a merge leaves no new object behind.
  return likeA ? a : likeB ? b : { dtype: a.dtype, shape };
}

function describe(t: TypeInfo): string {
  return `${t.dtype}${formatShape(t.shape)}`;
}
