/**
 * Concrete types for lowering: every node's dtype, concrete shape and normalized attributes once the
 * symbolic dims are bound, computed the way the reference interpreter does (attributes resolved,
 * re-normalized against concrete arg shapes, then inferred).
 */
import type { Node } from '../graph/node.js';
import type { Attrs, ConcreteType } from '../graph/op-def.js';
import { getOp } from '../graph/op-table.js';
import { type Dim, formatShape } from '../graph/shape.js';
import { resolveAttrs } from '../graph/interpret.js';
import { LoweringError } from './lowering-error.js';

/** A node's concrete type and its attributes normalized against concrete arg shapes. */
export interface LoweredType extends ConcreteType {
  readonly attrs: Attrs;
}

/**
 * Types every node of `nodes` (topological order) with the dims bound by `sizes`.
 *
 * @example concreteTypes(topoSort([x.sum()]), new Map([['n', 3]])).get(x.id)!.shape // [3]
 */
export function concreteTypes(
  nodes: readonly Node[],
  sizes: ReadonlyMap<string, number>,
): Map<number, LoweredType> {
  const types = new Map<number, LoweredType>();
  for (const node of nodes) {
    const op = getOp(node.op);
    if (node.op === 'input') {
      const shape = node.shape.map((d) => bindDim(node, d, sizes));
      types.set(node.id, { dtype: node.dtype, shape, attrs: node.attrs });
      continue;
    }
    const args = node.args.map((a) => types.get(a.id)!);
    const argTypes = args.map((a) => ({ dtype: a.dtype, shape: a.shape }));
    const resolved = resolveAttrs(node, sizes, (d) => bindDim(node, d, sizes));
    const attrs = op.normalize ? op.normalize(argTypes, resolved) : resolved;
    const out = op.infer(argTypes, attrs);
    const shape = out.shape.map((d) => (typeof d === 'number' ? d : bindDim(node, d, sizes)));
    types.set(node.id, { dtype: out.dtype, shape, attrs });
  }
  return types;
}

function where(node: Node): string {
  return node.op === 'input' ? `input '${node.inputName}'` : `${node.op} (node #${node.id})`;
}

function bindDim(node: Node, d: Dim, sizes: ReadonlyMap<string, number>): number {
  if (typeof d === 'number') return d;
  const size = sizes.get(d);
  if (size === undefined)
    throw new LoweringError(
      `${where(node)}: dimension '${d}' of ${formatShape(node.shape)} is not bound (give its size in \`sizes\`)`,
    );
  return size;
}
