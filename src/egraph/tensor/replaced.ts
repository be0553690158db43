/**
 * E-nodes a replacing rule rewrote. Equality saturation keeps every form, but some forms are wrong to
 * compute: `log(sigmoid(x))` equals `-softplus(-x)` on the reals and overflows in floats. Stabilizing
 * rules mark the node they matched, and extraction never picks a marked node while another exists.
 */
import type { EGraph, ENode } from '../egraph.js';
import type { ClassId, SymbolId } from '../ids.js';

/**
 * A set of e-nodes keyed by symbol, compared through `find`, so it survives merges and rebuilds.
 *
 * @example replaced.add(logSymbol, [sigmoidClass]); replaced.has(eg, node)
 */
export class ReplacedNodes {
  private readonly bySymbol = new Map<SymbolId, ClassId[][]>();

  get size(): number {
    let n = 0;
    for (const list of this.bySymbol.values()) n += list.length;
    return n;
  }

  add(symbol: SymbolId, children: readonly ClassId[]): void {
    const list = this.bySymbol.get(symbol) ?? [];
    list.push([...children]);
    this.bySymbol.set(symbol, list);
  }

  /** Whether `node` (with canonical children) is one of the replaced nodes. */
  has(eg: EGraph, node: ENode): boolean {
    const list = this.bySymbol.get(node.symbol);
    if (!list) return false;
    return list.some((kids) => kids.every((k, i) => eg.find(k) === eg.find(node.children[i])));
  }
}
