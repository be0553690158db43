/**
 * The known value of an e-class, when it is a small constant: read by guards (`is_const`, `const_eq`)
 * and by the cost model. It does not add literals or prune classes (unlike egg's constant folding):
 * folding happens on the extracted graph, from the form extraction chose, so a value computed from an
 * unstable form (`log(1 + exp(800))` = inf) never replaces the stabilized one (`softplus(800)` = 800).
 */
import { shapeOnlyValue } from '../../graph/ops/constructors.js';
import type { Attrs, ConcreteType, TypeInfo } from '../../graph/op-def.js';
import { isConcrete } from '../../graph/shape.js';
import type { Tensor } from '../../graph/tensor.js';
import type { Analysis } from '../analysis.js';
import type { EGraph } from '../egraph.js';
import type { ClassId, SymbolId } from '../ids.js';
import type { TensorLanguage } from './language.js';

/** Constants larger than this many elements are not tracked: folding must not allocate huge tensors. */
export const VALUE_SIZE_LIMIT = 1024;

/**
 * Value analysis over the tensor language.
 *
 * @example eg.data(values, eg.add(lang.symbol('constant', { value: Tensor.scalar(2) }, 0), [])) // Tensor 2
 */
export class ValueAnalysis implements Analysis<Tensor | undefined> {
  readonly name = 'value';

  /** With `types`, constructors that read only their argument's type are known where it is static. */
  constructor(
    private readonly sizeLimit = VALUE_SIZE_LIMIT,
    private readonly types?: Analysis<TypeInfo>,
  ) {}

  make(eg: EGraph, symbol: SymbolId, children: readonly ClassId[]): Tensor | undefined {
    const { def, attrs } = (eg.lang as TensorLanguage).tensorSymbol(symbol);
    if (def.name === 'input') return undefined;
    if (this.types && def.kind === 'constructor' && children.length === 1) {
      const value = shapeOnlyValue(def.name, eg.data(this.types, children[0]), attrs, this.sizeLimit);
      if (value !== undefined) return value;
    }
    const args: Tensor[] = [];
    for (const c of children) {
      const v = eg.data(this, c);
      if (v === undefined) return undefined;
      args.push(v);
    }
    return evaluateSmall(
      def.name === 'constant' ? (attrs.value as Tensor) : undefined,
      def,
      args,
      attrs,
      this.sizeLimit,
    );
  }

  merge(a: Tensor | undefined, b: Tensor | undefined): Tensor | undefined {
    if (a === undefined) return b;
    if (b === undefined) return a;
    // Two forms of one value may differ in rounding; keep a finite one over an overflowed one.
    return allFinite(a) || !allFinite(b) ? a : b;
  }

  same(a: Tensor | undefined, b: Tensor | undefined): boolean {
    return a === b;
  }
}

function evaluateSmall(
  literal: Tensor | undefined,
  def: import('../../graph/op-def.js').OpDef,
  args: readonly Tensor[],
  attrs: Attrs,
  limit: number,
): Tensor | undefined {
  if (literal) return literal.size <= limit ? literal : undefined;
  try {
    const normalized = def.normalize ? def.normalize(args, attrs) : attrs;
    const out = def.infer(args, normalized);
    if (!isConcrete(out.shape) || out.shape.reduce((n: number, d: number) => n * d, 1) > limit)
      return undefined;
    return def.evaluate(args, normalized, out as ConcreteType);
  } catch {
    // Shapes that only fit at run time (unknown dims) or ops that refuse these values: not a constant.
    return undefined;
  }
}

function allFinite(t: Tensor): boolean {
  return t.data.every(Number.isFinite);
}
