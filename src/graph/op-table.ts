import { OpError } from './errors.js';
import type { OpDef } from './op-def.js';
import { ARG_REDUCTION_OPS } from './ops/arg-reductions.js';
import { CONSTRUCTOR_OPS } from './ops/constructors.js';
import { ELEMENTWISE_OPS } from './ops/elementwise.js';
import { LAYOUT_OPS } from './ops/layout.js';
import { LINALG_OPS } from './ops/linalg.js';
import { REDUCTION_OPS } from './ops/reductions.js';

let table: Map<string, OpDef> | undefined;

// Built on first use: op modules import the graph builder for their gradients, which imports this
// table, so reading their exports while modules are still loading would see them uninitialized.
function opTable(): Map<string, OpDef> {
  table ??= new Map(
    [
      ...CONSTRUCTOR_OPS,
      ...ELEMENTWISE_OPS,
      ...REDUCTION_OPS,
      ...ARG_REDUCTION_OPS,
      ...LINALG_OPS,
      ...LAYOUT_OPS,
    ].map((op) => [op.name, op]),
  );
  return table;
}

/** A read-only view of the op table that builds it on first access. */
class LazyOpTable implements ReadonlyMap<string, OpDef> {
  get size(): number {
    return opTable().size;
  }
  get(name: string): OpDef | undefined {
    return opTable().get(name);
  }
  has(name: string): boolean {
    return opTable().has(name);
  }
  keys(): MapIterator<string> {
    return opTable().keys();
  }
  values(): MapIterator<OpDef> {
    return opTable().values();
  }
  entries(): MapIterator<[string, OpDef]> {
    return opTable().entries();
  }
  forEach(fn: (value: OpDef, key: string, map: ReadonlyMap<string, OpDef>) => void): void {
    opTable().forEach(fn);
  }
  [Symbol.iterator](): MapIterator<[string, OpDef]> {
    return opTable()[Symbol.iterator]();
  }
}

/**
 * Every op Saturn knows, by name. The single source of truth for the whole library.
 *
 * @example [...OPS.keys()].includes('softplus') // true
 */
export const OPS: ReadonlyMap<string, OpDef> = new LazyOpTable();

/**
 * The definition of an op; throws an OpError naming close matches for an unknown name.
 *
 * @example getOp('exp').kind // 'elementwise'
 */
export function getOp(name: string): OpDef {
  const op = OPS.get(name);
  if (!op) {
    const close = [...OPS.keys()].filter((k) => editDistance(k, name) <= 2).slice(0, 3);
    const hint = close.length ? ` (did you mean ${close.map((c) => `'${c}'`).join(' or ')}?)` : '';
    throw new OpError(`unknown op '${name}'${hint}`);
  }
  return op;
}

/** Levenshtein distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const keep = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = keep;
    }
  }
  return row[b.length];
}
