/**
 * Greedy tree-cost extraction over node costs: egg's bottom-up extractor, where a node costs its own cost
 * plus its children's best costs, so a shared sub-term is paid once per use. It is the baseline the DAG
 * extractor is compared with, and the DAG extractor's fallback where its own choice would be cyclic.
 */
import type { ClassId } from '../egraph/ids.js';
import type { EGraph } from '../egraph/index.js';
import { type Extraction, findPickCycle, pickToExtraction } from './choice.js';
import type { NodeCost } from './node-cost.js';
import { buildProblem, type ExtractionProblem } from './problem.js';

/** Where tree costs saturate (see treePick). */
const TREE_COST_CAP = 1e300;

/**
 * Best tree cost and node of every class of the problem (-1 / Infinity where a class has no finite term).
 * With node costs positive on every node that has children, following picked nodes strictly lowers the tree
 * cost, so the picks are acyclic. Children are counted once per distinct child class.
 */
export function treePick(p: ExtractionProblem): { pick: Int32Array; treeCost: Float64Array } {
  const n = p.classes.length;
  const best = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const pick = new Int32Array(n).fill(-1);
  const queued = new Uint8Array(p.nodeCount);
  const queue: number[] = [];
  for (let e = 0; e < p.nodeCount; e++) {
    if (p.kidStart[e] === p.kidStart[e + 1]) {
      queue.push(e);
      queued[e] = 1;
    }
  }
  for (let head = 0; head < queue.length; head++) {
    const e = queue[head];
    queued[e] = 0;
    let c = p.cost[e];
    for (let j = p.kidStart[e]; j < p.kidStart[e + 1] && c < Number.POSITIVE_INFINITY; j++)
      c += best[p.kids[j]];
    // Tree costs double with every level of sharing, so a large DAG overflows to Infinity and no
    // class would get a pick. Saturating at TREE_COST_CAP keeps every finite-cost class pickable; a
    // class's pick is first set when its cost becomes finite and then changes only on a strict
    // decrease, so capped picks stay acyclic (findPickCycle still checks).
    if (c > TREE_COST_CAP && c < Number.POSITIVE_INFINITY) c = TREE_COST_CAP;
    const cls = p.nodeClass[e];
    if (c < best[cls]) {
      best[cls] = c;
      pick[cls] = e;
      for (let j = p.parentStart[cls]; j < p.parentStart[cls + 1]; j++) {
        const parent = p.parentList[j];
        if (!queued[parent]) {
          queued[parent] = 1;
          queue.push(parent);
        }
      }
    }
    // Keep the queue's memory bounded on long runs: drop the processed prefix now and then.
    if (head > 4096 && head * 2 > queue.length) {
      queue.splice(0, head + 1);
      head = -1;
    }
  }
  return { pick, treeCost: best };
}

/**
 * Greedy tree-cost extraction of `roots`: each class takes the node of least tree cost. Its `cost` is the
 * DAG cost of that choice (shared classes counted once), comparable with `extractDag`'s.
 *
 * @example
 * ```ts
 * const { choice, cost } = extractTree(eg, [root], nodeCountCost);
 * ```
 */
export function extractTree(eg: EGraph, roots: readonly ClassId[], nodeCost: NodeCost): Extraction {
  const p = buildProblem(eg, roots, nodeCost);
  const { pick } = treePick(p);
  const cyc = findPickCycle(p, pick);
  if (cyc >= 0) throw new Error(`tree extraction found a cycle through class ${p.classes[cyc]}`);
  return pickToExtraction(p, pick);
}
