/**
 * Exact DAG extraction for small e-graphs, as an integer program solved by HiGHS (WebAssembly): a binary
 * per node and per class; a chosen class picks exactly one node; a chosen node chooses its child classes;
 * the roots are chosen; and a topological order `t` (continuous, `t_class ≥ t_child + 1` for each chosen
 * node's edges) forbids cycles. The objective is the sum of the chosen nodes' costs, i.e. the DAG cost.
 * When the graph is over the size bound, or the solver times out or fails, the DAG heuristic's answer is
 * returned, flagged.
 */
import highsModule, { type Highs } from 'highs';
import type { ClassId } from '../egraph/ids.js';
import type { EGraph } from '../egraph/index.js';
import { type Extraction, findPickCycle, pickToExtraction } from './choice.js';
import { dagFromProblem } from './dag.js';
import type { NodeCost } from './node-cost.js';
import { buildProblem, type ExtractionProblem } from './problem.js';

/** Limits of the exact extractor. */
export interface ExactOptions {
  /** Solver time limit in milliseconds (default 10 000). */
  readonly timeLimitMs?: number;
  /** Largest number of e-nodes (reachable from the roots) sent to the solver (default 5 000). */
  readonly maxNodes?: number;
}

/** An exact extraction: optimal when the solver proved it, else the DAG heuristic's answer and why. */
export interface ExactExtraction extends Extraction {
  readonly optimal: boolean;
  /** Why the heuristic's answer was returned: the size bound, a timeout, or a solver failure. */
  readonly fallback?: string;
}

let solverPromise: Promise<Highs> | undefined;

/**
 * Loads the HiGHS solver once (instantiating its WebAssembly takes a few tens of milliseconds); later calls
 * share it. Solving is synchronous once it is loaded.
 *
 * @example
 * ```ts
 * const solver = await loadSolver();
 * const r = extractExactWith(solver, eg, [root], nodeCountCost);
 * ```
 */
export function loadSolver(): Promise<Highs> {
  // The package is CommonJS with an ESM build; under some loaders the function sits on `.default`.
  const load = ((highsModule as unknown as { default?: unknown }).default ??
    highsModule) as () => Promise<Highs>;
  solverPromise ??= load();
  return solverPromise;
}

/**
 * Optimal DAG extraction of `roots` under `nodeCost`, by integer programming, with the DAG heuristic as the
 * fallback (flagged) when the graph is larger than `maxNodes`, the solver runs out of time, or it fails.
 *
 * @example
 * ```ts
 * const r = await extractExact(eg, [root], nodeCountCost, { timeLimitMs: 1000 });
 * r.optimal ? r.cost : `${r.cost} (${r.fallback})`;
 * ```
 */
export async function extractExact(
  eg: EGraph,
  roots: readonly ClassId[],
  nodeCost: NodeCost,
  options: ExactOptions = {},
): Promise<ExactExtraction> {
  return extractExactWith(await loadSolver(), eg, roots, nodeCost, options);
}

/**
 * `extractExact` with a solver already loaded: synchronous, for callers that cannot await.
 *
 * @example `const r = extractExactWith(await loadSolver(), eg, [root], nodeCountCost)`
 */
export function extractExactWith(
  solver: Highs,
  eg: EGraph,
  roots: readonly ClassId[],
  nodeCost: NodeCost,
  options: ExactOptions = {},
): ExactExtraction {
  const p = buildProblem(eg, roots, nodeCost);
  const heuristic = dagFromProblem(p);
  const fallback = (why: string): ExactExtraction => ({
    choice: heuristic.choice,
    cost: heuristic.cost,
    optimal: false,
    fallback: why,
  });
  const maxNodes = options.maxNodes ?? 5000;
  if (p.nodeCount > maxNodes) return fallback(`size: ${p.nodeCount} e-nodes > bound ${maxNodes}`);
  let result: ReturnType<Highs['solve']>;
  try {
    result = solver.solve(formulate(p), {
      output_flag: false,
      time_limit: (options.timeLimitMs ?? 10_000) / 1000,
      mip_rel_gap: 0,
      mip_abs_gap: 0,
    });
  } catch (err) {
    return fallback(`solver error: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (result.Status === 'Time limit reached') return fallback('timeout');
  if (result.Status !== 'Optimal') return fallback(`solver status: ${result.Status}`);
  const pick = new Int32Array(p.classes.length).fill(-1);
  for (let e = 0; e < p.nodeCount; e++) {
    const col = result.Columns[`x${e}`];
    if (col !== undefined && 'Primal' in col && col.Primal > 0.5) pick[p.nodeClass[e]] = e;
  }
  let exact: Extraction;
  try {
    if (findPickCycle(p, pick) >= 0) return fallback('solver returned a cyclic choice');
    exact = pickToExtraction(p, pick);
  } catch {
    return fallback('solver returned an incomplete choice');
  }
  // Equal up to the solver's tolerances; never hand back something worse than the heuristic.
  if (exact.cost > heuristic.cost) return { choice: heuristic.choice, cost: heuristic.cost, optimal: true };
  return { ...exact, optimal: true };
}

/** The integer program in CPLEX LP format: `x<node>`, `y<class>` binaries and `t<class>` orders. */
function formulate(p: ExtractionProblem): string {
  const n = p.classes.length;
  const out: string[] = ['Minimize', ' obj:'];
  const selfLoop = (e: number): boolean => {
    for (let j = p.kidStart[e]; j < p.kidStart[e + 1]; j++) if (p.kids[j] === p.nodeClass[e]) return true;
    return false;
  };
  const usable: number[] = [];
  for (let e = 0; e < p.nodeCount; e++) if (!selfLoop(e)) usable.push(e);
  for (const e of usable) out.push(` + ${num(p.cost[e])} x${e}`);
  out.push('Subject To');
  for (const r of new Set(p.roots)) out.push(` root${r}: y${r} = 1`);
  const ofClass: number[][] = p.classes.map(() => []);
  for (const e of usable) ofClass[p.nodeClass[e]].push(e);
  for (let c = 0; c < n; c++) {
    // A class with no usable node gets only `- y = 0`: it can never be chosen.
    out.push(
      ` one${c}: ${ofClass[c].map((e) => `x${e}`).join(' + ')}${ofClass[c].length ? ' ' : ''}- y${c} = 0`,
    );
  }
  for (const e of usable) {
    const c = p.nodeClass[e];
    for (let j = p.kidStart[e]; j < p.kidStart[e + 1]; j++) {
      const k = p.kids[j];
      out.push(` kid${e}_${k}: x${e} - y${k} <= 0`);
      // Chosen ⇒ t_c ≥ t_k + 1; otherwise slack n covers any order in [0, n].
      out.push(` ord${e}_${k}: t${c} - t${k} - ${n + 1} x${e} >= ${-n}`);
    }
  }
  out.push('Bounds');
  for (let c = 0; c < n; c++) out.push(` 0 <= t${c} <= ${n}`);
  out.push('Binary');
  for (const e of usable) out.push(` x${e}`);
  for (let c = 0; c < n; c++) out.push(` y${c}`);
  out.push('End');
  return out.join('\n');
}

/** A number as LP text: plain digits where possible (the LP reader's exponent support varies). */
function num(x: number): string {
  return Math.abs(x) >= 1e21 || (x !== 0 && Math.abs(x) < 1e-6) ? x.toExponential(15) : String(x);
}
