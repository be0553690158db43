import type { EGraph } from './egraph.js';
import { asClassId, type ClassId, type SymbolId } from './ids.js';

/**
 * Verifies an e-graph's invariants after `rebuild`; throws an `Error` naming the first violation:
 * - nothing awaits rebuild;
 * - every node of every class is live, canonical (children are canonical ids), in the hashcons, and its
 *   hashcons entry maps to that class;
 * - the hashcons holds only live canonical nodes, at most one per content (so no two congruent nodes sit in
 *   different classes), each mapping to a canonical class;
 * - every live node is listed among the parents of each of its children;
 * - `nodeCount()` is the number of nodes the classes hold.
 *
 * Costs O(nodes); meant for tests, not hot paths.
 *
 * @example
 * ```ts
 * eg.rebuild();
 * checkInvariants(eg); // or eg.check()
 * ```
 */
export function checkInvariants(eg: EGraph): void {
  const store = eg.nodes;
  const canon = (k: number): boolean => eg.find(asClassId(k)) === k;
  if (!eg.isClean) throw new Error('invariant: unions await rebuild');
  const keyOf = (e: number): string => {
    const s = store.start[e];
    const kids = Array.from(store.kids.subarray(s, s + store.arityOf(e)));
    return `${store.sym[e]}(${kids.join(',')})`;
  };
  const seen = new Map<string, number>();
  store.forEachLive((e) => {
    if (store.dead[e] !== 0) throw new Error(`invariant: dead node ${e} is in the hashcons`);
    const key = keyOf(e);
    const s = store.start[e];
    for (let i = 0; i < store.arityOf(e); i++) {
      if (!canon(store.kids[s + i])) throw new Error(`invariant: hashcons node ${key} is not canonical`);
    }
    const other = seen.get(key);
    if (other !== undefined) {
      throw new Error(`invariant: congruent nodes ${other} and ${e} (${key}) both in the hashcons`);
    }
    seen.set(key, e);
    const arity = store.arityOf(e);
    if (store.lookupNode(e, arity) !== e) throw new Error(`invariant: hashcons cannot find node ${key}`);
    for (let i = 0; i < arity; i++) {
      const parents = eg.classParents;
      const kid = store.kids[s + i];
      let found = false;
      for (let j = 0; j < parents.count(kid); j++) found ||= parents.at(kid, j) === e;
      if (!found) throw new Error(`invariant: node ${key} missing from its child's parents`);
    }
  });
  for (const cls of eg.classIds()) {
    for (let i = 0; i < eg.classNodes.count(cls); i++) {
      const e = eg.classNodes.at(cls, i);
      if (store.dead[e] !== 0) throw new Error(`invariant: class ${cls} holds dead node ${e}`);
      const key = keyOf(e);
      if (seen.get(key) !== e) throw new Error(`invariant: node ${key} of class ${cls} not in the hashcons`);
      if (eg.find(asClassId(store.owner[e])) !== cls) {
        throw new Error(`invariant: node ${key} is in class ${cls} but the hashcons maps it elsewhere`);
      }
    }
  }
  let total = 0;
  for (const cls of eg.classIds()) total += eg.classNodes.count(cls);
  if (eg.nodeCount() !== total)
    throw new Error(`invariant: nodeCount() is ${eg.nodeCount()}, classes hold ${total}`);
  for (const e of seen.values()) {
    const cls: ClassId = eg.find(asClassId(store.owner[e]));
    if (cls >= eg.idCount) {
      throw new Error(
        `invariant: node ${e} maps to missing class ${cls} (${eg.lang.name(store.sym[e] as SymbolId)})`,
      );
    }
  }
}
