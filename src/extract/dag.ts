/**
 * DAG-aware extraction, Saturn's default: extraction-gym's "faster greedy DAG" heuristic. Each class keeps
 * the set of classes its best sub-DAG uses (with the cost each contributed); a node's cost is its own cost
 * plus the cost of the union of its children's sets, so a class shared by two children is paid once.
 * Sets are sorted arrays of dense class indices; a worklist of parents runs the updates to a fixpoint.
 */
import type { ClassId } from '../egraph/ids.js';
import type { EGraph } from '../egraph/index.js';
import { type Extraction, findPickCycle, pickToExtraction } from './choice.js';
import { improvePick } from './improve.js';
import type { NodeCost } from './node-cost.js';
import { buildProblem, type ExtractionProblem } from './problem.js';
import { treePick } from './tree.js';

/** A DAG extraction, with how many classes had to take their tree-cost node to break a cycle. */
export interface DagExtraction extends Extraction {
  readonly cyclesBroken: number;
}

/** A class's best sub-DAG: the classes it uses (ascending) with the cost each added, and their sum. */
interface CostSet {
  readonly ids: Int32Array;
  readonly costs: Float64Array;
  readonly total: number;
}

/**
 * Extracts the cheapest DAG it can find for `roots` under `nodeCost`, counting each shared class once.
 * The result never has a cycle: where the heuristic's choices would form one (possible on ties, since sets
 * are snapshots), the classes involved fall back to their greedy tree-cost node. When the plain tree-cost
 * choice happens to share better, that is returned instead, so the result is never worse than it.
 *
 * @example
 * ```ts
 * const eg = new EGraph(lang);
 * const root = eg.addTerm(parseTerm(lang, '(+ (* a b) (sin (* a b)))'));
 * const { choice, cost } = extractDag(eg, [root], nodeCountCost); // cost 3: the product counted once
 * ```
 */
export function extractDag(eg: EGraph, roots: readonly ClassId[], nodeCost: NodeCost): DagExtraction {
  return dagFromProblem(buildProblem(eg, roots, nodeCost));
}

/** `extractDag` on a problem already built (the exact extractor reuses the heuristic's answer). */
export function dagFromProblem(p: ExtractionProblem): DagExtraction {
  const pick = dagPick(p);
  const tree = treePick(p).pick;
  for (let c = 0; c < pick.length; c++) if (pick[c] < 0) pick[c] = tree[c];
  const cyclesBroken = breakCycles(p, pick, tree);
  improvePick(p, pick);
  const dag = pickToExtraction(p, pick);
  // The heuristic has no guarantee against the tree choice; keep whichever shares better.
  const treeChoice = pickToExtraction(p, tree);
  return treeChoice.cost < dag.cost ? { ...treeChoice, cyclesBroken } : { ...dag, cyclesBroken };
}

/**
 * Makes `pick` acyclic from the roots by moving classes found on a cycle to their `tree` node, one per round
 * (tree nodes alone are acyclic, so this ends); returns how many moved. @internal exported for tests.
 */
export function breakCycles(p: ExtractionProblem, pick: Int32Array, tree: Int32Array): number {
  let moved = 0;
  for (let cyc = findPickCycle(p, pick); cyc >= 0; cyc = findPickCycle(p, pick)) {
    if (pick[cyc] === tree[cyc]) throw new Error(`extraction found a cycle through class ${p.classes[cyc]}`);
    pick[cyc] = tree[cyc];
    moved++;
  }
  return moved;
}

function dagPick(p: ExtractionProblem): Int32Array {
  const n = p.classes.length;
  const best: (CostSet | undefined)[] = new Array(n);
  const pick = new Int32Array(n).fill(-1);
  const queued = new Uint8Array(p.nodeCount);
  let queue: number[] = [];
  for (let e = 0; e < p.nodeCount; e++) {
    if (p.kidStart[e] === p.kidStart[e + 1]) {
      queue.push(e);
      queued[e] = 1;
    }
  }
  // The heuristic converges in practice; the budget only bounds pathological inputs, and any pick is valid.
  let budget = 50 * p.nodeCount + 1000;
  let head = 0;
  while (head < queue.length && budget-- > 0) {
    const e = queue[head++];
    queued[e] = 0;
    const cls = p.nodeClass[e];
    const set = nodeSet(p, best, e, cls);
    if (set !== undefined && set.total < (best[cls]?.total ?? Number.POSITIVE_INFINITY)) {
      best[cls] = set;
      pick[cls] = e;
      for (let j = p.parentStart[cls]; j < p.parentStart[cls + 1]; j++) {
        const parent = p.parentList[j];
        if (!queued[parent]) {
          queued[parent] = 1;
          queue.push(parent);
        }
      }
    }
    if (head > 4096 && head * 2 > queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
  }
  return pick;
}

/**
 * The cost set of node `e` of class `cls`: the union of its children's sets plus `cls` itself; undefined
 * when a child has no set yet, when a child's set already uses `cls` (a cycle), or when it cannot beat the
 * class's current best (checked first with a cheap lower bound).
 */
function nodeSet(
  p: ExtractionProblem,
  best: readonly (CostSet | undefined)[],
  e: number,
  cls: number,
): CostSet | undefined {
  const from = p.kidStart[e];
  const to = p.kidStart[e + 1];
  const own = p.cost[e];
  const current = best[cls]?.total ?? Number.POSITIVE_INFINITY;
  let largest = 0;
  for (let j = from; j < to; j++) {
    const s = best[p.kids[j]];
    if (s === undefined || contains(s.ids, cls)) return undefined;
    largest = Math.max(largest, s.total);
  }
  if (own + largest >= current) return undefined;
  let ids: Int32Array = Int32Array.of(cls);
  let costs: Float64Array = Float64Array.of(own);
  for (let j = from; j < to; j++) {
    const s = best[p.kids[j]] as CostSet;
    [ids, costs] = union(ids, costs, s.ids, s.costs);
  }
  let total = 0;
  for (const c of costs) total += c;
  return { ids, costs, total };
}

function contains(ids: Int32Array, x: number): boolean {
  let lo = 0;
  let hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid] === x) return true;
    if (ids[mid] < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** Union of two sorted sets; a class in both keeps the cost from the first. */
function union(
  ai: Int32Array,
  ac: Float64Array,
  bi: Int32Array,
  bc: Float64Array,
): [Int32Array, Float64Array] {
  const ids = new Int32Array(ai.length + bi.length);
  const costs = new Float64Array(ai.length + bi.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < ai.length || j < bi.length) {
    if (j === bi.length || (i < ai.length && ai[i] < bi[j])) {
      ids[k] = ai[i];
      costs[k++] = ac[i++];
    } else if (i === ai.length || bi[j] < ai[i]) {
      ids[k] = bi[j];
      costs[k++] = bc[j++];
    } else {
      ids[k] = ai[i];
      costs[k++] = ac[i++];
      j++;
    }
  }
  return [ids.slice(0, k), costs.slice(0, k)];
}
