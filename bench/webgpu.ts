/**
 * WebGPU benchmark, on whatever adapter Dawn finds (llvmpipe/lavapipe in CI: there it only has to run
 * and report). Each workload is lowered from its graph and timed two ways: resident (inputs already on
 * the device; run and wait for the queue) and end to end (upload the inputs, run, read the outputs
 * back). Times are medians of several runs after a warm-up, with the spread (min–max); each workload
 * also has a baseline measured in the same process (a plain JavaScript loop or the js executor), so the
 * ratio survives a noisy machine.
 *
 * W1 exp(x)*y + sin(x)/(1+z*z) over 4M f32 · W2 1024² f32 matmul (both matmul variants) · W3 sum of 16M
 * · logistic-regression and MLP training steps with parameters resident · a tiny graph's dispatch cost.
 */
import { T } from '../src/graph/builders.js';
import type { Node } from '../src/graph/node.js';
import type { TypedArray } from '../src/graph/tensor.js';
import { logisticRegression, mlp, type ModelGraph } from '../src/models.js';
import type { Executor, PreparedProgram } from '../src/runtime/executor.js';
import { jsExecutor } from '../src/runtime/js/executor.js';
import { lower } from '../src/runtime/lower.js';
import type { BufferId, Program } from '../src/runtime/program.js';
import { WebGpuExecutor } from '../src/runtime/webgpu/executor.js';
import { acquireGpu } from '../src/runtime/webgpu/gpu.js';
import { formatTable, registerSuite } from './registry.js';

interface Timing {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

async function timeRuns(fn: () => Promise<unknown> | unknown, runs: number, warmup = 2): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { median: times[times.length >> 1], min: times[0], max: times[times.length - 1] };
}

const fmt = (t: Timing) => `${t.median.toFixed(2)} ms (${t.min.toFixed(2)}–${t.max.toFixed(2)})`;

/** Deterministic values in [-1, 1] for a buffer, as its dtype's array. */
function valuesFor(program: Program, id: BufferId, seed: number): TypedArray {
  const b = program.buffers[id];
  let s = seed >>> 0 || 1;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  if (b.dtype === 'f32') return Float32Array.from({ length: b.size }, () => next() * 0.5);
  if (b.dtype === 'i32') return Int32Array.from({ length: b.size }, () => Math.round(next() * 10));
  return Uint8Array.from({ length: b.size }, () => (next() > 0 ? 1 : 0));
}

interface Workload {
  readonly name: string;
  readonly program: Program;
  /** Work per run for the rate column: bytes moved or flops. */
  readonly rate?: { readonly amount: number; readonly unit: 'GB/s' | 'GFLOP/s' };
}

function lowered(
  outputs: readonly Node[],
  sizes: Record<string, number>,
  maxOperands: number,
  model?: ModelGraph,
  rate?: Workload['rate'],
) {
  const updates = model
    ? model.params.map((p, i): [Node, Node] => [p, p.sub(model.gradients[i].mul(0.1))])
    : [];
  return {
    program: lower({
      outputs,
      params: model ? model.params : [],
      updates,
      sizes: new Map(Object.entries(sizes)),
      maxOperands,
    }),
    rate,
  };
}

async function prepareWith(executor: Executor, program: Program): Promise<PreparedProgram> {
  const prepared = await executor.prepare(program);
  [...program.inputs, ...program.params].forEach((id, i) =>
    prepared.write(id, valuesFor(program, id, 7 + i)),
  );
  return prepared;
}

registerSuite({
  name: 'webgpu',
  description:
    'WebGPU executor (Dawn): W1 fused elementwise, W2 matmul, W3 sum, training steps, dispatch overhead',
  run: async (log) => {
    const found = await acquireGpu();
    if (!found.ok) {
      log(`no WebGPU adapter: ${found.reason}`);
      return { skipped: found.reason };
    }
    const context = found.context;
    const executor = new WebGpuExecutor(context);
    const device = context.device;
    const wait = () => device.queue.onSubmittedWorkDone();
    log(`adapter: ${context.adapter.summary}; timestamp queries: ${context.timestamps}`);
    const max = executor.capabilities.maxOperands;

    const n1 = 4 * 1024 * 1024;
    const [x, y, z] = ['x', 'y', 'z'].map((name) => T.vector(name, 'f32', 'n'));
    const w1 = T.add(T.mul(T.exp(x), y), T.div(T.sin(x), T.add(1, T.mul(z, z))));
    const a = T.matrix('a', 'f32', ['m', 'k']);
    const b = T.matrix('b', 'f32', ['k', 'n']);
    const big = T.vector('v', 'f32', 'n');
    const tiny = T.vector('t', 'f32', 16);
    const lr = logisticRegression('f32');
    const net = mlp({ inputs: 64, hidden: 128, classes: 10 }, 'f32');
    const workloads: Workload[] = [
      { name: 'W1 fused 4M', ...lowered([w1], { n: n1 }, max, undefined, { amount: n1 * 16, unit: 'GB/s' }) },
      {
        name: 'W2 matmul 1024²',
        ...lowered([T.dot(a, b)], { m: 1024, k: 1024, n: 1024 }, max, undefined, {
          amount: 2 * 1024 ** 3,
          unit: 'GFLOP/s',
        }),
      },
      {
        name: 'W3 sum 16M',
        ...lowered([T.sum(big)], { n: 16 * 1024 * 1024 }, max, undefined, {
          amount: 64 * 1024 * 1024,
          unit: 'GB/s',
        }),
      },
      { name: 'logreg step n=4096 k=256', ...lowered(lr.outputs.slice(0, 1), { n: 4096, k: 256 }, max, lr) },
      { name: 'MLP step n=512 64-128-10', ...lowered(net.outputs.slice(0, 1), { n: 512 }, max, net) },
      { name: 'tiny graph (16 elements)', ...lowered([T.add(T.mul(tiny, 2), 1)], {}, max) },
    ];

    const rows: string[][] = [
      ['workload', 'kernels', 'resident', 'rate', 'with upload+readback', 'baseline', 'baseline/resident'],
    ];
    const results: Record<string, unknown> = {};
    for (const w of workloads) {
      const prepared = await prepareWith(executor, w.program);
      const resident = await timeRuns(async () => {
        await prepared.run();
        await wait();
      }, 7);
      const inputs = w.program.inputs.map((id, i) => [id, valuesFor(w.program, id, 100 + i)] as const);
      const endToEnd = await timeRuns(async () => {
        for (const [id, data] of inputs) prepared.write(id, data);
        await prepared.run();
        for (const id of w.program.outputs) await prepared.read(id);
      }, 7);
      prepared.dispose();
      // The js executor on the same program is the baseline (one run for the slow big ones).
      const js = await prepareWith(jsExecutor, w.program);
      const baseline = await timeRuns(() => js.run(), w.name.startsWith('W2') ? 1 : 3, 1);
      js.dispose();
      const rate = w.rate
        ? `${(w.rate.amount / 1e9 / (resident.median / 1e3)).toFixed(2)} ${w.rate.unit}`
        : '';
      rows.push([
        w.name,
        String(w.program.kernels.length),
        fmt(resident),
        rate,
        fmt(endToEnd),
        fmt(baseline),
        (baseline.median / resident.median).toFixed(2),
      ]);
      results[w.name] = { kernels: w.program.kernels.length, resident, endToEnd, baselineJs: baseline, rate };
    }
    log(formatTable(rows));

    // The matmul variant is chosen per adapter; measure both here so the choice is checked, not assumed.
    const variants: string[][] = [['W2 variant', 'resident']];
    for (const variant of ['regblock', 'tiled']) {
      process.env.SATURN_WEBGPU_MATMUL = variant;
      const prepared = await prepareWith(executor, workloads[1].program);
      const t = await timeRuns(async () => {
        await prepared.run();
        await wait();
      }, 5);
      prepared.dispose();
      delete process.env.SATURN_WEBGPU_MATMUL;
      variants.push([variant, fmt(t)]);
      results[`W2 ${variant}`] = t;
    }
    log(formatTable(variants));
    return { adapter: context.adapter.summary, ...results };
  },
});
