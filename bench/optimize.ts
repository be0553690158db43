/**
 * Optimizer benchmark. Model graphs (logistic regression, the tanh MLP of issue 12, the ReLU `mlp()`,
 * each with its gradients): ops before and after, warm CPU time (median of several runs after a
 * warm-up, with the range), cold time (a fresh child process: import, rule library, first optimize),
 * the share of each phase, and the ratio to PyTensor's rewrite time on the same graph. Random
 * elementwise graphs of 1k, 10k and 100k ops: time per op and heap growth. Then the extractors compared
 * on the optimizer's own saturated e-graphs.
 */

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { T } from '../src/graph/builders.js';
import type { Node } from '../src/graph/node.js';
import { dagCost } from '../src/extract/choice.js';
import { extractDag } from '../src/extract/dag.js';
import { extractExactWith, loadSolver } from '../src/extract/exact.js';
import { extractTree } from '../src/extract/tree.js';
import {
  autoencoder,
  type Dims,
  logisticRegression,
  mlp,
  softmaxRegression,
  tanhMlp as tanhMlpModel,
} from '../src/models.js';
import { countOps, nodeCostFor, optimize, saturate } from '../src/optimize.js';
import { defaultLibrary } from '../src/rules/load.js';
import { cliCold } from './cli-cold.js';
import { formatTable, registerSuite } from './registry.js';
import { tanhMlp } from './tanh-mlp.js';

/**
 * PyTensor 2.34's whole rewrite pass (`fast_run`), warm CPU time on the same graphs, as measured by the
 * author of issue 12 ("The optimizer at compiler speed") on this machine kind. The goal is a tenth.
 */
const PYTENSOR_MS: Record<string, number> = { logreg: 137, tanhMlp: 122, mlp: 77 };

/** Ops after fast_run at the start of the optimizer-speed work (branch opt, commit 0a9962e). */
const OPS_BEFORE_WORK: Record<string, string> = { logreg: '20', tanhMlp: '45', mlp: '33 or 34' };

/**
 * A deterministic random DAG of elementwise ops over three vectors, reusing earlier nodes: `draws` ops
 * drawn, of which the builders' hash-consing and the one output keep about two in three.
 */
function randomGraph(draws: number, seed: number): Node[] {
  let s = seed;
  const rand = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const pool: Node[] = ['x', 'y', 'z'].map((name) => T.vector(name, 'f32', 'n'));
  const unary = ['exp', 'neg', 'sigmoid', 'tanh', 'sqr'] as const;
  const binary = ['add', 'sub', 'mul'] as const;
  const pick = () => pool[Math.max(0, pool.length - 1 - Math.floor(rand() * Math.min(pool.length, 8)))];
  while (pool.length < draws + 3) {
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

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function cpuMs(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}

/**
 * Rounds of every model graph run before any is timed. One warm-up call measured the JIT, not the
 * optimizer: with `--trace-opt`, TurboFan was still optimizing new functions at logistic regression's
 * 40th call (244 in all), and its CPU per call fell from 40-100 ms over the first 20 calls to 6-17 ms
 * after 40; the graph timed first (logreg) paid most of it. Cold start is measured on its own (`cold`).
 */
const WARM_UP_ROUNDS = 30;

/** Timed rounds; each round runs every graph once, so load drifts and GC hit all graphs alike. */
const TIMED_ROUNDS = 20;

/** CPU ms of each call of each function, after `warmUp` rounds of all of them, interleaved. */
function cpuTimesInterleaved(fs: readonly (() => void)[], warmUp: number, rounds: number): number[][] {
  for (let i = 0; i < warmUp; i++) for (const f of fs) f();
  const times: number[][] = fs.map(() => []);
  for (let i = 0; i < rounds; i++)
    fs.forEach((f, k) => {
      const c = cpuMs();
      f();
      times[k].push(cpuMs() - c);
    });
  return times;
}

interface ColdRun {
  importMs: number;
  libraryMs: number;
  optimizeMs: number;
  totalMs: number;
  wallMs: number;
  nodesAfter: number;
}

/** A cold optimize of one model in a fresh child process (see optimize-cold.ts), median of `runs`. */
function coldRuns(model: string, runs: number): ColdRun {
  const script = fileURLToPath(new URL('./optimize-cold.js', import.meta.url));
  const all = Array.from(
    { length: runs },
    () => JSON.parse(execFileSync(process.execPath, [script, model], { encoding: 'utf8' })) as ColdRun,
  );
  return all.sort((a, b) => a.totalMs - b.totalMs)[Math.floor(runs / 2)];
}

function modelGraphs(log: (line: string) => void) {
  const library = defaultLibrary();
  const models: { name: string; outputs: readonly Node[] }[] = [
    { name: 'logreg', outputs: logisticRegression().outputs },
    { name: 'tanhMlp', outputs: tanhMlp() },
    { name: 'mlp', outputs: mlp().outputs },
  ];
  const allTimes = cpuTimesInterleaved(
    models.map(
      ({ outputs }) =>
        () =>
          optimize(outputs, { library }),
    ),
    WARM_UP_ROUNDS,
    TIMED_ROUNDS,
  );
  const rows = models.map(({ name, outputs }, k) => {
    const { report } = optimize(outputs, { library });
    const times = allTimes[k];
    const warm = median(times);
    const phaseMs = report.phases.map((p) => p.ms);
    const shares = [
      ...report.phases.map(
        (p, i) => `${p.name.replace(/canonicalize/g, 'canon')} ${pct(phaseMs[i], report.ms.total)}`,
      ),
      `extract ${pct(report.ms.extract, report.ms.total)}`,
    ];
    const cold = coldRuns(name, 3);
    return {
      name,
      nodesBefore: report.nodesBefore,
      nodesAfter: report.nodesAfter,
      opsBeforeWork: OPS_BEFORE_WORK[name],
      warmCpuMs: warm,
      warmMinMs: Math.min(...times),
      warmMaxMs: Math.max(...times),
      pytensorMs: PYTENSOR_MS[name],
      ratioToPytensor: warm / PYTENSOR_MS[name],
      cold,
      phases: report.phases.map((p) => ({
        name: p.name,
        stop: p.stopReason.kind,
        iterations: p.iterations,
        ms: p.ms,
      })),
      shares: shares.join(', '),
    };
  });
  log(
    `model graphs: warm = median CPU ms of ${TIMED_ROUNDS} optimize calls [min..max], after ${WARM_UP_ROUNDS} rounds of all graphs; cold = a fresh`,
  );
  log('process: import + rule library + first optimize, CPU ms (median of 3 processes); PyTensor: issue 12');
  log(
    formatTable([
      [
        'graph',
        'ops',
        'ops at start',
        'warm ms',
        'PyTensor ms',
        'ratio',
        'goal',
        'cold ms (import+lib+opt)',
        'cold wall',
      ],
      ...rows.map((r) => [
        r.name,
        `${r.nodesBefore} -> ${r.nodesAfter}`,
        r.opsBeforeWork,
        `${r.warmCpuMs.toFixed(1)} [${r.warmMinMs.toFixed(1)}..${r.warmMaxMs.toFixed(1)}]`,
        String(r.pytensorMs),
        r.ratioToPytensor.toFixed(3),
        '0.100',
        `${r.cold.totalMs.toFixed(0)} (${r.cold.importMs.toFixed(0)}+${r.cold.libraryMs.toFixed(0)}+${r.cold.optimizeMs.toFixed(0)})`,
        r.cold.wallMs.toFixed(0),
      ]),
    ]),
  );
  log('');
  log('share of each phase in one warm optimize call:');
  for (const r of rows) log(`  ${r.name}: ${r.shares}`);
  return rows;
}

/**
 * PyTensor 2.34 FAST_RUN on the same model graphs (cost and gradients), ops after its rewrites counted
 * without fusion, as measured by the author of issue 13 ("The optimizer's reach"); `shape` is how many
 * of those are shape/view/assert nodes (Shape_i, Reshape, DimShuffle, Assert), where the issue says.
 * The goal: Saturn's ops at most `ops - shape`, with named and with unknown dims.
 */
const PYTENSOR_OPS: Record<string, { ops: number; shape?: number }> = {
  logreg: { ops: 35, shape: 11 },
  tanhMlp: { ops: 43 },
  mlp: { ops: 37 },
};

/** The models of issue 13, each with named and with unknown dims (`T.matrix('x')`). */
const REACH_MODELS: Record<string, (dims: Dims) => readonly Node[]> = {
  logreg: (d) => logisticRegression('f64', d).outputs,
  tanhMlp: (d) => tanhMlpModel({}, 'f32', d).outputs,
  mlp: (d) => mlp({}, 'f32', d).outputs,
  softmaxReg: (d) => softmaxRegression({}, 'f32', d).outputs,
  autoencoder: (d) => autoencoder({}, 'f32', d).outputs,
};

/** Ops after fast_run with named and unknown dims, next to PyTensor's (issue 13's table). */
function reach(log: (line: string) => void) {
  const library = defaultLibrary();
  const rows = Object.entries(REACH_MODELS).map(([name, build]) => {
    const ops = (dims: Dims) => {
      const outputs = build(dims);
      return { before: countOps(outputs), after: optimize(outputs, { library }).report.nodesAfter };
    };
    const named = ops('named');
    const unknown = ops('unknown');
    const py = PYTENSOR_OPS[name];
    const goal = py === undefined ? undefined : py.ops - (py.shape ?? 0);
    return { name, named, unknown, pytensor: py, goal };
  });
  log('');
  log('ops after fast_run, named and unknown dims, vs PyTensor 2.34 FAST_RUN unfused (issue 13):');
  log(
    formatTable([
      ['graph', 'named dims', 'unknown dims', 'PyTensor ops', 'goal (ops - shape)', 'met'],
      ...rows.map((r) => [
        r.name,
        `${r.named.before} -> ${r.named.after}`,
        `${r.unknown.before} -> ${r.unknown.after}`,
        r.pytensor === undefined
          ? '-'
          : `${r.pytensor.ops}${r.pytensor.shape ? ` (${r.pytensor.shape} shape)` : ''}`,
        r.goal === undefined ? '-' : String(r.goal),
        r.goal === undefined ? '-' : r.named.after <= r.goal && r.unknown.after <= r.goal ? 'yes' : 'no',
      ]),
    ]),
  );
  return rows;
}

function pct(part: number, whole: number): string {
  return `${((100 * part) / whole).toFixed(0)}%`;
}

/** Random elementwise graphs: per-op cost should stay flat, memory bounded. */
function scale(log: (line: string) => void) {
  const library = defaultLibrary();
  // Seeds 2 and 3 are the graphs of the figures in issue 12 (1k draws, 684 ops: 82 ms; 10k draws, 6,568
  // ops: ~1 s; idle machine). 150k draws make the issue's 100k-op case (101,349 ops).
  const rows = [
    { draws: 1_000, seed: 2, runs: 5 },
    { draws: 10_000, seed: 3, runs: 3 },
    { draws: 150_000, seed: 4, runs: 1 },
  ].map(({ draws, seed, runs }) => {
    const outputs = randomGraph(draws, seed);
    const nodes = countOps(outputs);
    // The largest graph runs once, cold: a warm-up would double the suite's time.
    let report = runs > 1 ? optimize(outputs, { library }).report : undefined;
    const heapBefore = process.memoryUsage().heapUsed;
    let heapPeak = heapBefore;
    const times: number[] = [];
    const cpuTimes: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      const c = cpuMs();
      report = optimize(outputs, { library }).report;
      cpuTimes.push(cpuMs() - c);
      times.push(performance.now() - t);
      heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    }
    const ms = median(times);
    const cpu = median(cpuTimes);
    if (report === undefined) throw new Error('no run');
    return {
      draws,
      nodes,
      nodesAfter: report.nodesAfter,
      warnings: report.warnings ?? [],
      ms,
      msPer1kOps: (ms / nodes) * 1000,
      cpuMs: cpu,
      cpuUsPerOp: (cpu / nodes) * 1000,
      heapGrowthMb: (heapPeak - heapBefore) / 1e6,
      phases: report.phases.map((p) => `${p.stopReason.kind}/${p.iterations}`).join(' '),
    };
  });
  log('');
  // CPU time too: on a loaded machine the wall time of the 100k-op case doubles while its CPU time holds.
  log('random elementwise graphs (wall and CPU ms, median; heap growth over the timed runs):');
  for (const r of rows) for (const w of r.warnings) log(`  ${r.nodes} ops: ${w}`);
  log(
    formatTable([
      ['ops', 'ops after', 'ms', 'ms/1k ops', 'cpu ms', 'cpu µs/op', 'heap MB', 'phases'],
      ...rows.map((r) => [
        String(r.nodes),
        String(r.nodesAfter),
        r.ms.toFixed(0),
        r.msPer1kOps.toFixed(1),
        r.cpuMs.toFixed(0),
        r.cpuUsPerOp.toFixed(0),
        r.heapGrowthMb.toFixed(0),
        r.phases,
      ]),
    ]),
  );
  return rows;
}

registerSuite({
  name: 'optimize',
  description: 'optimize() on model graphs (warm, cold, phases, vs PyTensor) and random graphs (scale)',
  run(log) {
    const models = modelGraphs(log);
    const reachRows = reach(log);
    const cli = cliCold(log);
    const random = scale(log);
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
    return { suite: 'optimize', models, reach: reachRows, cli, random, extraction };
  },
});

registerSuite({
  name: 'optimize-scale',
  description: 'the random elementwise graphs of the optimize suite alone (its last table), for profiling',
  run: (log) => ({ suite: 'optimize-scale', random: scale(log) }),
});
