/**
 * The dtype and shape of every e-class, inferred through the op table. Rewrites must preserve both, so a
 * merge of two classes of different types is a bug in a rule or the engine: it is refused loudly.
 */
import type { TypeInfo } from '../../graph/op-def.js';
import { formatShape, unifyDims } from '../../graph/shape.js';
import { type Analysis, AnalysisMergeError } from '../analysis.js';
import type { EGraph } from '../egraph.js';
import type { ClassId, SymbolId } from '../ids.js';
import type { TensorLanguage } from './language.js';

/**
 * Type analysis: `make` runs the op's `infer` on the children's types; `merge` unifies shapes (an unknown
 * dim `?x0` takes a known size) and refuses different dtypes or sizes.
 *
 * @example eg.data(types, id) // { dtype: 'f32', shape: ['n', 3] }
 */
export class TypeAnalysis implements Analysis<TypeInfo> {
  readonly name = 'type';

  make(eg: EGraph, symbol: SymbolId, children: readonly ClassId[]): TypeInfo {
    const { def, attrs } = (eg.lang as TensorLanguage).tensorSymbol(symbol);
    const kids = children.map((c) => eg.data(this, c));
    const type = def.infer(kids, attrs);
    // Most ops keep an argument's type: share that object rather than keep one more per class (a
    // 100k-class e-graph's types are most of what each young-generation GC has to move).
    for (const k of kids) if (this.same(k, type)) return k;
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
