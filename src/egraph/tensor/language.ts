/**
 * Saturn's op table as an e-graph language: a symbol is an op together with its attributes (and its
 * arity, for variadic ops), so `sum{axis=[1]}` and `sum{axis=[0]}` are different symbols and matching an
 * e-node by symbol also matches its attributes.
 */
import { attrsKey } from '../../graph/apply.js';
import type { Node } from '../../graph/node.js';
import type { Attrs, OpDef } from '../../graph/op-def.js';
import { getOp } from '../../graph/op-table.js';
import type { Tensor } from '../../graph/tensor.js';
import type { SymbolId } from '../ids.js';
import { Language } from '../language.js';

/** What a tensor symbol carries: the op's definition and the attribute values. */
export interface TensorSymbol {
  readonly def: OpDef;
  readonly attrs: Attrs;
}

/**
 * The tensor language: interns (op, attrs, arity) symbols and reads them back.
 *
 * @example
 * const lang = new TensorLanguage();
 * const s = lang.symbol('sum', { axis: [1], keepdims: false }, 1);
 * lang.op(s) // 'sum'
 */
export class TensorLanguage extends Language {
  private readonly byOp = new Map<string, SymbolId[]>();

  /**
   * Inputs whose unknown dims were renamed on the way in (see `addGraph`), by their renamed symbol: the
   * graph built back uses the input as declared, so the caller's inputs stay the graph's inputs.
   */
  readonly declaredInputs = new Map<SymbolId, Node>();

  constructor() {
    super('saturn-tensor');
  }

  /** The symbol of `op` with checked attributes `attrs` and `arity` children. */
  symbol(op: string, attrs: Attrs, arity: number): SymbolId {
    // Most ops have no attributes: their symbol is found by op and arity alone, without building the
    // attribute key (rule appliers ask for symbols on every match).
    const plain = isEmpty(attrs);
    if (plain) {
      const cached = this.plain.get(op)?.[arity];
      if (cached !== undefined) return cached;
    }
    const key = `${op}/${arity}{${attrsKey(attrs)}}`;
    const known = this.get(key);
    if (known !== undefined) return plain ? this.rememberPlain(op, arity, known) : known;
    const def = getOp(op);
    const id = this.intern({
      op,
      arity,
      payload: { def, attrs } satisfies TensorSymbol,
      name: printedName(op, attrs),
      key,
    });
    const list = this.byOp.get(op) ?? [];
    list.push(id);
    this.byOp.set(op, list);
    return plain ? this.rememberPlain(op, arity, id) : id;
  }

  private readonly plain = new Map<string, SymbolId[]>();

  private rememberPlain(op: string, arity: number, id: SymbolId): SymbolId {
    const byArity = this.plain.get(op) ?? [];
    byArity[arity] = id;
    this.plain.set(op, byArity);
    return id;
  }

  /** Every symbol interned so far for an op (one per attribute value and arity), oldest first. */
  symbolsOf(op: string): readonly SymbolId[] {
    return this.byOp.get(op) ?? [];
  }

  /** The op definition and attributes of a symbol. */
  tensorSymbol(s: SymbolId): TensorSymbol {
    return this.payload(s) as TensorSymbol;
  }
}

function isEmpty(attrs: Attrs): boolean {
  for (const _ in attrs) return false;
  return true;
}

// Names for s-expression printing and debugging: `sum[axis=[1]]`, `x`, `2`.
function printedName(op: string, attrs: Attrs): string {
  if (op === 'input') return String(attrs.name);
  if (op === 'constant') {
    const t = attrs.value as Tensor;
    return t.size === 1 && t.rank === 0
      ? String(t.data[0])
      : `constant[${t.dtype}${JSON.stringify(t.shape)}]`;
  }
  const parts = Object.entries(attrs).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return parts.length ? `${op}[${parts.join(',')}]` : op;
}
