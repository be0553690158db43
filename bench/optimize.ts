/**
 * Optimizer benchmark: time to optimize model graphs (logistic regression and a 2-layer MLP with softmax
 * cross-entropy, each with its gradients) and random elementwise graphs of 100, 1,000 and 10,000 ops.
 * Times are medians of several runs after a warm-up. The baseline is `fast_compile` on the same graph
 * in the same process, so ratios stay comparable on a noisy machine; absolute times are printed too.
 */

import { T } from '../src/graph/builders.js';
import type { Node } from '../src/graph/node.js';
import { dagCost } from '../src/extract/choice.js';
import { extractDag } from '../src/extract/dag.js';
import { extractExactWith, loadSolver } from '../src/extract/exact.js';
import { extractTree } from '../src/extract/tree.js';
import { logisticRegression, mlp } from '../src/models.js';
import { countOps, nodeCostFor, optimize, saturate } from '../src/optimize.js';
import { defaultLibrary } from '../src/rules/load.js';
import { formatTable, registerSuite } from './registry.js';

/** A deterministic random DAG of `size` elementwise ops over three vectors, reusing earlier nodes. */
function randomGraph(size: number, seed: number): Node[] {
  let s = seed;
  const rand = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const pool: Node[] = ['x', 'y', 'z'].map((name) => T.vector(name, 'f32', 'n'));
  const unary = ['exp', 'neg', 'sigmoid', 'tanh', 'sqr'] as const;
  const binary = ['add', 'sub', 'mul'] as const;
  const pick = () => pool[Math.max(0, pool.length - 1 - Math.floor(rand() * Math.min(pool.length, 8)))];
  while (pool.length < size + 3) {
    const r = rand();
    if (r < 0.3) pool.push(T[unary[Math.floor(rand() * unary.length)]](pick()));
    else if (r < 0.4) pool.push(T.mul(pick(), Math.floor(rand() * 3)));
    else pool.push(T[binary[Math.floor(rand() * binary.length)]](pick(), pick()));
  }
  return [pool[pool.length - 1]];
}

const solver = await loadSolver();

/**
 * Greedy-tree, DAG-aware and exact extraction on the optimizer's own saturated e-graphs (after the
 * algebra phase, before the restart), compared on DAG cost with the CPU cost model.
 */
function compareExtractors(name: string, outputs: Node[]) {
  const library = defaultLibrary();
  const spec = library.modes.get('fast_run')!;
  // The phases before the first restart: that e-graph is the big one extraction must handle.
  const upTo = spec.phases.findIndex((p, i) => i > 0 && p.restart);
  const mode = { ...spec, name: 'bench', phases: spec.phases.slice(0, upTo < 0 ? undefined : upTo) };
  const bench = { ...library, modes: new Map([['bench', mode]]) };
  const { t, roots } = saturate(outputs, { library: bench, mode: 'bench' });
  const cost = nodeCostFor(t, 'cpu');
  const timed = <R>(f: () => R): [R, number] => {
    const start = performance.now();
    const r = f();
    return [r, performance.now() - start];
  };
  const [tree, treeMs] = timed(() => extractTree(t.egraph, roots, cost));
  const [dag, dagMs] = timed(() => extractDag(t.egraph, roots, cost));
  const [exact, exactMs] = timed(() =>
    extractExactWith(solver, t.egraph, roots, cost, { timeLimitMs: 10_000, maxNodes: 20_000 }),
  );
  return {
    name,
    enodes: t.egraph.nodeCount(),
    eclasses: t.egraph.classCount,
    tree: dagCost(t.egraph, roots, tree.choice, cost),
    dag: dag.cost,
    exact: exact.cost,
    exactStatus: exact.optimal ? 'optimal' : `fallback (${exact.fallback})`,
    treeMs,
    dagMs,
    exactMs,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(f: () => void, runs: number): number {
  f();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    f();
    times.push(performance.now() - t);
  }
  return median(times);
}

registerSuite({
  name: 'optimize',
  description:
    'optimize() on model graphs and random graphs (median ms; baseline = fast_compile, same graph)',
  run(log) {
    const library = defaultLibrary();
    const cases: { name: string; outputs: Node[]; runs: number }[] = [
      { name: 'logreg+grad', outputs: [...logisticRegression().outputs], runs: 9 },
      { name: 'mlp+grad', outputs: [...mlp().outputs], runs: 5 },
      { name: 'random-100', outputs: randomGraph(100, 1), runs: 5 },
      { name: 'random-1000', outputs: randomGraph(1000, 2), runs: 3 },
      { name: 'random-10000', outputs: randomGraph(10_000, 3), runs: 1 },
    ];
    const results = cases.map(({ name, outputs, runs }) => {
      let report = optimize(outputs, { library }).report;
      const ms = time(() => {
        report = optimize(outputs, { library }).report;
      }, runs);
      const baselineMs = time(() => optimize(outputs, { library, mode: 'fast_compile' }), runs);
      const nodes = countOps(outputs);
      return {
        name,
        nodesBefore: report.nodesBefore,
        nodesAfter: report.nodesAfter,
        ms,
        baselineMs,
        ratio: ms / baselineMs,
        msPer1000Nodes: (ms / nodes) * 1000,
        phases: report.phases.map((p) => `${p.stopReason.kind}/${p.iterations}`).join(' '),
      };
    });
    log(
      formatTable([
        ['case', 'ops before', 'ops after', 'fast_run ms', 'fast_compile ms', 'ratio', 'ms/1k ops', 'phases'],
        ...results.map((r) => [
          r.name,
          String(r.nodesBefore),
          String(r.nodesAfter),
          r.ms.toFixed(1),
          r.baselineMs.toFixed(1),
          r.ratio.toFixed(2),
          r.msPer1000Nodes.toFixed(1),
          r.phases,
        ]),
      ]),
    );
    const extraction = [
      compareExtractors('logreg+grad', [...logisticRegression().outputs]),
      compareExtractors('mlp+grad', [...mlp().outputs]),
    ];
    log('');
    log('extraction on the saturated e-graphs (DAG cost, CPU model):');
    log(
      formatTable([
        ['case', 'e-nodes', 'classes', 'tree', 'dag', 'exact', 'tree ms', 'dag ms', 'exact ms', 'exact'],
        ...extraction.map((e) => [
          e.name,
          String(e.enodes),
          String(e.eclasses),
          e.tree.toFixed(0),
          e.dag.toFixed(0),
          e.exact.toFixed(0),
          e.treeMs.toFixed(1),
          e.dagMs.toFixed(1),
          e.exactMs.toFixed(1),
          e.exactStatus,
        ]),
      ]),
    );
    return { suite: 'optimize', cases: results, extraction };
  },
});
