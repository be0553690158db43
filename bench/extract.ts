// The extraction benchmark: random arithmetic DAGs (with shared sub-terms) saturated by egg-math's algebraic
// rules, then extracted three ways (greedy tree cost, greedy DAG, exact ILP); every choice is priced by its
// DAG cost (shared classes once) so the three compare on the same footing.
import { EGraph } from '../src/egraph/egraph.js';
import type { ClassId } from '../src/egraph/ids.js';
import { Runner } from '../src/egraph/run.js';
import { dagCost } from '../src/extract/choice.js';
import { extractDag } from '../src/extract/dag.js';
import { extractExactWith, loadSolver } from '../src/extract/exact.js';
import { symbolWeightCost } from '../src/extract/node-cost.js';
import { extractTree } from '../src/extract/tree.js';
import { eggConstants, eggMathLanguage } from './egg-math/language.js';
import { loadEggMath } from './egg-math/load.js';
import { eggMathRules } from './egg-math/rules.js';
import { formatTable, registerSuite } from './registry.js';

const RULES = [
  'comm-add',
  'comm-mul',
  'assoc-add',
  'assoc-mul',
  'distribute',
  'factor',
  'zero-add',
  'one-mul',
];
const EXACT_TIME_LIMIT_MS = 10_000;
const EXACT_MAX_NODES = 5_000;

// Loaded at import: the suite's run is synchronous, and solving is once the WebAssembly is instantiated.
const solver = await loadSolver();
const { rules: ruleRows } = loadEggMath();

interface CaseSpec {
  readonly ops: number;
  readonly nodeLimit: number;
  readonly iterLimit: number;
}

interface CaseResult {
  name: string;
  enodes: number;
  eclasses: number;
  treeCost: number;
  dagCost: number;
  exactCost: number;
  exactOptimal: boolean;
  exactFallback?: string;
  treeMs: number;
  dagMs: number;
  exactMs: number;
  cyclesBroken: number;
}

/**
 * A deterministic random arithmetic DAG with `ops` operations over x0..x7 and the constants 0..3: each op
 * takes its operands from earlier results, mostly recent ones, so sub-terms are shared.
 */
function randomDag(eg: EGraph, ops: number, seed: number): ClassId {
  let s = seed;
  const rand = (k: number): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) % k;
  };
  const lang = eg.lang;
  const pool: ClassId[] = [];
  for (let i = 0; i < 8; i++) pool.push(eg.add(lang.resolve(`x${i}`, 0), []));
  for (let i = 0; i < 4; i++) pool.push(eg.add(lang.resolve(String(i), 0), []));
  const operand = (): ClassId =>
    pool[pool.length - 1 - Math.min(pool.length - 1, rand(12) ** 2 % pool.length)];
  for (let i = 0; i < ops; i++) {
    const op = ['+', '*', '-'][rand(5) % 3];
    pool.push(eg.add(lang.resolve(op, 2), [operand(), operand()]));
  }
  return pool[pool.length - 1];
}

const time = <T>(f: () => T): [T, number] => {
  const t0 = performance.now();
  const out = f();
  return [out, performance.now() - t0];
};

function runCase(spec: CaseSpec, seed: number): CaseResult {
  const lang = eggMathLanguage();
  const constants = eggConstants();
  const eg = new EGraph(lang, { analyses: [constants] });
  const root = randomDag(eg, spec.ops, seed);
  new Runner(eg, { nodeLimit: spec.nodeLimit, iterLimit: spec.iterLimit, timeLimitMs: 30_000 }).run(
    eggMathRules(lang, constants, ruleRows, RULES),
  );
  // Multiplication dearer than addition, so that factoring pays.
  const cost = symbolWeightCost((sym) => (lang.arity(sym) === 0 ? 0 : lang.op(sym) === '*' ? 3 : 1));
  const roots = [eg.find(root)];
  const [tree, treeMs] = time(() => extractTree(eg, roots, cost));
  const [dag, dagMs] = time(() => extractDag(eg, roots, cost));
  const [exact, exactMs] = time(() =>
    extractExactWith(solver, eg, roots, cost, {
      timeLimitMs: EXACT_TIME_LIMIT_MS,
      maxNodes: EXACT_MAX_NODES,
    }),
  );
  return {
    name: `arith${spec.ops}/i${spec.iterLimit}`,
    enodes: eg.nodeCount(),
    eclasses: eg.classCount,
    treeCost: dagCost(eg, roots, tree.choice, cost),
    dagCost: dagCost(eg, roots, dag.choice, cost),
    exactCost: dagCost(eg, roots, exact.choice, cost),
    exactOptimal: exact.optimal,
    exactFallback: exact.fallback,
    treeMs,
    dagMs,
    exactMs,
    cyclesBroken: dag.cyclesBroken,
  };
}

const CASES: readonly CaseSpec[] = [
  { ops: 8, nodeLimit: 2_000, iterLimit: 6 },
  { ops: 16, nodeLimit: 2_000, iterLimit: 6 },
  { ops: 32, nodeLimit: 3_000, iterLimit: 5 },
  { ops: 64, nodeLimit: 5_000, iterLimit: 4 },
  { ops: 128, nodeLimit: 10_000, iterLimit: 4 },
  { ops: 512, nodeLimit: 30_000, iterLimit: 3 },
  { ops: 2_000, nodeLimit: 60_000, iterLimit: 3 },
  { ops: 2_000, nodeLimit: 60_000, iterLimit: 8 },
];

registerSuite({
  name: 'extract',
  description:
    'extraction on saturated random arithmetic DAGs: greedy tree vs greedy DAG vs exact ILP (DAG cost)',
  run(log) {
    runCase(CASES[1], 1); // warm-up: JIT and solver
    const rows = CASES.map((spec) => runCase(spec, spec.ops));
    log(
      formatTable([
        [
          'case',
          'e-nodes',
          'classes',
          'tree',
          'dag',
          'exact',
          'tree ms',
          'dag ms',
          'exact ms',
          'exact status',
        ],
        ...rows.map((r) => [
          r.name,
          String(r.enodes),
          String(r.eclasses),
          String(r.treeCost),
          String(r.dagCost),
          String(r.exactCost),
          r.treeMs.toFixed(1),
          r.dagMs.toFixed(1),
          r.exactMs.toFixed(1),
          r.exactOptimal ? 'optimal' : `fallback (${r.exactFallback})`,
        ]),
      ]),
    );
    return {
      suite: 'extract',
      cost: '+ and - 1, * 3, leaves 0',
      rules: RULES,
      exactTimeLimitMs: EXACT_TIME_LIMIT_MS,
      exactMaxNodes: EXACT_MAX_NODES,
      cases: rows,
    };
  },
});
