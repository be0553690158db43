/**
 * Local improvement of a DAG extraction. The greedy DAG heuristic prices a class by the sub-DAG below it
 * alone, so two equally priced nodes tie even when one of them reuses a class that another root pays for
 * already: `transpose(tanh(h))` and `tanh(transpose(h))` cost the same below, but only the first shares
 * the forward pass's `tanh(h)`. This pass tries every other node of each chosen class against the cost
 * of the whole DAG and keeps a switch that lowers it (and makes no cycle), until nothing improves or the
 * work budget is spent.
 */
import type { ExtractionProblem } from './problem.js';

/**
 * Steps (classes visited while pricing) one improvement may take: the model graphs need under 50k.
 * Extraction runs after the optimizer's deadline, so the work is bounded whatever the e-graph's size.
 */
const WORK_LIMIT = 200_000;

/**
 * Improves `pick` in place; returns its DAG cost. Never raises the cost: a switch is kept only when the
 * whole DAG, priced again, is cheaper and acyclic.
 *
 * @example improvePick(problem, pick) <= pickToExtraction(problem, pick).cost // true
 */
export function improvePick(p: ExtractionProblem, pick: Int32Array): number {
  const pricer = new Pricer(p);
  const limit = WORK_LIMIT;
  let best = pricer.cost(pick);
  for (let round = 0; round < 4 && pricer.work < limit; round++) {
    let improved = false;
    for (const c of pricer.reached(pick)) {
      if (p.classStart[c + 1] - p.classStart[c] < 2) continue;
      for (let e = p.classStart[c]; e < p.classStart[c + 1]; e++) {
        if (e === pick[c] || !kidsPicked(p, pick, e)) continue;
        if (pricer.work >= limit) return best;
        const old = pick[c];
        pick[c] = e;
        const cost = pricer.cost(pick);
        if (cost < best - 1e-9 * Math.abs(best)) {
          best = cost;
          improved = true;
        } else pick[c] = old;
      }
    }
    if (!improved) break;
  }
  return best;
}

function kidsPicked(p: ExtractionProblem, pick: Int32Array, e: number): boolean {
  for (let j = p.kidStart[e]; j < p.kidStart[e + 1]; j++) if (pick[p.kids[j]] < 0) return false;
  return true;
}

/** DAG costs of picks, with cycle detection, counting the work done. */
class Pricer {
  work = 0;
  /** Per class: 2g+1 while on the DFS path of pricing number g, 2g+2 when done (no clearing between). */
  private readonly state: Uint32Array;
  private generation = 0;
  private readonly stackCls: number[] = [];
  private readonly stackNext: number[] = [];

  constructor(private readonly p: ExtractionProblem) {
    this.state = new Uint32Array(p.classes.length);
  }

  /** The classes reachable from the roots through picked nodes, in a fixed order. */
  reached(pick: Int32Array): number[] {
    const out: number[] = [];
    const seen = new Uint8Array(this.p.classes.length);
    const stack = [...this.p.roots];
    for (let c = stack.pop(); c !== undefined; c = stack.pop()) {
      if (seen[c]) continue;
      seen[c] = 1;
      out.push(c);
      const e = pick[c];
      for (let j = this.p.kidStart[e]; j < this.p.kidStart[e + 1]; j++) stack.push(this.p.kids[j]);
    }
    return out;
  }

  /** The DAG cost of `pick`, or Infinity when its reachable part has a cycle. */
  cost(pick: Int32Array): number {
    const { p, state, stackCls, stackNext } = this;
    const onPath = 2 * this.generation + 1;
    const done = onPath + 1;
    this.generation++;
    stackCls.length = 0;
    stackNext.length = 0;
    let total = 0;
    let cyclic = false;
    const enter = (c: number): void => {
      this.work++;
      if (state[c] === done) return;
      if (state[c] === onPath) {
        cyclic = true;
        return;
      }
      state[c] = onPath;
      total += p.cost[pick[c]];
      stackCls.push(c);
      stackNext.push(p.kidStart[pick[c]]);
    };
    for (const r of p.roots) {
      enter(r);
      while (stackCls.length > 0 && !cyclic) {
        const top = stackCls.length - 1;
        const c = stackCls[top];
        const j = stackNext[top];
        if (j < p.kidStart[pick[c] + 1]) {
          stackNext[top] = j + 1;
          enter(p.kids[j]);
        } else {
          state[c] = done;
          stackCls.pop();
          stackNext.pop();
        }
      }
      if (cyclic) return Number.POSITIVE_INFINITY;
    }
    return total;
  }
}
