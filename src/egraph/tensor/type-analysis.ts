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
   * Per symbol, the last argument types `make` saw and its result. Types are shared objects (see `make`),
   * so in a graph of a few types most nodes repeat their symbol's last argument types exactly, and the
   * inference is skipped: loading a 100k-op graph runs `make` for every node, three times per optimize.
   */
  private readonly last: (MadeType | undefined)[] = [];

  make(eg: EGraph, symbol: SymbolId, children: readonly ClassId[]): TypeInfo {
    const last = this.last[symbol];
    if (last !== undefined && last.lang === eg.lang && sameKidTypes(eg, this, last.kids, children))
      return last.type;
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
    this.last[symbol] = { lang: eg.lang, kids, type };
    return type;
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
  for (let i = 0; i < a.shape.length; i++) {
    const d = unifyDims(a.shape[i], b.shape[i]);
    if (d === undefined) return undefined;
    shape.push(d);
  }
  return { dtype: a.dtype, shape };
}

function describe(t: TypeInfo): string {
  return `${t.dtype}${formatShape(t.shape)}`;
}
