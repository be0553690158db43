/**
 * Optimizer benchmark: time to optimize model graphs (logistic regression and a 2-layer MLP with softmax
 * cross-entropy, each with its gradients) and random elementwise graphs of 100, 1,000 and 10,000 ops.
 * Times are medians of several runs after a warm-up. The baseline is `fast_compile` on the same graph
 * in the same process, so ratios stay comparable on a noisy machine; absolute times are printed too.
 */

import { T } from '../src/graph/builders.js';
import { grad } from '../src/graph/grad.js';
import type { Node } from '../src/graph/node.js';
import { countOps, optimize } from '../src/optimize.js';
import { defaultLibrary } from '../src/rules/load.js';
import { formatTable, registerSuite } from './registry.js';

function logisticRegression(): Node[] {
  const x = T.matrix('x', 'f64', ['n', 'k']);
  const w = T.vector('w', 'f64', 'k');
  const b = T.scalar('b', 'f64');
  const y = T.vector('y', 'f64', 'n');
  const p = T.sigmoid(T.add(T.dot(x, w), b));
  const xent = T.sub(T.mul(T.neg(y), T.log(p)), T.mul(T.sub(1, y), T.log(T.sub(1, p))));
  const cost = T.add(T.mean(xent), T.mul(0.01, T.sum(T.pow(w, 2))));
  return [cost, ...grad(cost, [w, b])];
}

function mlp(): Node[] {
  const x = T.matrix('x', 'f32', ['n', 64]);
  const labels = T.matrix('labels', 'f32', ['n', 10]);
  const w1 = T.matrix('w1', 'f32', [64, 128]);
  const b1 = T.vector('b1', 'f32', 128);
  const w2 = T.matrix('w2', 'f32', [128, 10]);
  const b2 = T.vector('b2', 'f32', 10);
  const hidden = T.relu(T.add(T.dot(x, w1), b1));
  const probs = T.softmax(T.add(T.dot(hidden, w2), b2));
  const loss = T.mean(T.neg(T.sum(T.mul(labels, T.log(probs)), { axis: 1 })));
  return [loss, ...grad(loss, [w1, b1, w2, b2])];
}

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
      { name: 'logreg+grad', outputs: logisticRegression(), runs: 9 },
      { name: 'mlp+grad', outputs: mlp(), runs: 5 },
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
    return { suite: 'optimize', cases: results };
  },
});
