/**
 * Runtime benchmark: compiled functions against hand-written JavaScript on the same typed arrays and
 * against the reference interpreter, all in this process. Each measurement interleaves the contenders
 * rep by rep (rotating who goes first) so machine noise hits them alike; figures are medians over the
 * reps with [min–max], and each ratio is the median of the per-rep ratios with its own [min–max].
 *
 * Cases: a logistic-regression training step (x 10,000×100 f32), an MLP step (batch 256, 784→256→10
 * f32), W1 `exp(x)*y + sin(x)/(1+z*z)` over 4M f32 (fused vs one kernel per op vs a hand-written fused
 * loop), a tiny graph's call overhead, and the memory plan's peak against one buffer per value.
 */
import { type CompiledFunction, compile } from '../src/compile/index.js';
import { T } from '../src/graph/builders.js';
import { evaluate } from '../src/graph/interpret.js';
import type { Node } from '../src/graph/node.js';
import { prng } from '../src/graph/random.js';
import { Tensor } from '../src/graph/tensor.js';
import { logisticTraining, mlpTraining } from './models.js';
import { logisticStepByHand, mlpState, mlpStepByHand, w1ByHand } from './runtime-hand.js';
import { formatTable, registerSuite } from './registry.js';
import { formatSpread as fmt, type Spread, spread } from './spread.js';

/**
 * Per-call times (ms) of each contender over `reps` rounds of `inner` calls; every contender runs
 * twice before timing (JIT warm-up, first-call lowering).
 */
async function interleaved(
  contenders: Readonly<Record<string, () => unknown>>,
  reps: number,
  inner: number,
): Promise<Record<string, number[]>> {
  const names = Object.keys(contenders);
  const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (const name of names) for (let i = 0; i < 2; i++) await contenders[name]();
  for (let r = 0; r < reps; r++)
    for (let c = 0; c < names.length; c++) {
      const name = names[(c + r) % names.length];
      const f = contenders[name];
      const start = performance.now();
      for (let i = 0; i < inner; i++) await f();
      times[name].push((performance.now() - start) / inner);
    }
  return times;
}

function ratios(a: readonly number[], b: readonly number[]): Spread {
  return spread(a.map((v, i) => v / b[i]));
}

function randomArray(n: number, rand: () => number, scale = 1): Float32Array {
  return Float32Array.from({ length: n }, () => (rand() * 2 - 1) * scale);
}

/** The suite measures the portable executor; the cpu and webgpu suites measure theirs. */
const DEVICE = 'js';

/** Runs a compiled function synchronously when its executor allows (no Promise per call). */
const caller = (f: CompiledFunction, inputs: Record<string, Float32Array>) =>
  f.sync ? () => f.runSync(inputs) : () => f.run(inputs);

async function logisticRegressionCase() {
  const n = 10_000;
  const k = 100;
  const rate = 0.1;
  const rand = prng(1);
  const xs = randomArray(n * k, rand);
  const ys = Float32Array.from({ length: n }, () => (rand() > 0.5 ? 1 : 0));
  const w0 = randomArray(k, rand, 0.01);
  const model = logisticTraining('n', k, w0, rate);
  const [cost] = model.outputs;
  const step = await compile({ device: DEVICE, ...model });
  const handW = w0.slice();
  const handB = new Float32Array(1);
  const scratch = { d: new Float32Array(n), gw: new Float32Array(k) };
  const first = [
    (await step.run({ x: xs, y: ys }))[0].item(),
    logisticStepByHand(xs, ys, handW, handB, n, k, rate, scratch),
  ];
  const refInputs = {
    x: Tensor.from(xs, [n, k], 'f32'),
    y: Tensor.from(ys, [n], 'f32'),
    w: Tensor.from(w0, [k], 'f32'),
    b: Tensor.scalar(0, 'f32'),
  };
  const outputs = [cost, ...model.updates.map(([, v]) => v)];
  const fast = await interleaved(
    {
      compiled: caller(step, { x: xs, y: ys }),
      hand: () => logisticStepByHand(xs, ys, handW, handB, n, k, rate, scratch),
    },
    15,
    3,
  );
  const slow = await interleaved(
    { compiled: caller(step, { x: xs, y: ys }), interpreter: () => evaluate(outputs, refInputs) },
    3,
    1,
  );
  return { name: 'logreg step 10000x100', step, fast, slow, first };
}

async function mlpCase() {
  const [batch, inputs, hidden, classes] = [256, 784, 256, 10];
  const rate = 0.1;
  const rand = prng(2);
  const xs = randomArray(batch * inputs, rand);
  const labels = new Float32Array(batch * classes);
  for (let i = 0; i < batch; i++) labels[i * classes + Math.floor(rand() * classes)] = 1;
  const w1v = randomArray(inputs * hidden, rand, 0.05);
  const w2v = randomArray(hidden * classes, rand, 0.05);
  const model = mlpTraining('n', { inputs, hidden, classes }, w1v, w2v, rate);
  const [cost] = model.outputs;
  const step = await compile({ device: DEVICE, ...model });
  const state = mlpState(inputs, hidden, classes, batch, w1v.slice(), w2v.slice());
  const byHand = () => mlpStepByHand(xs, labels, state, batch, inputs, hidden, classes, rate);
  const first = [(await step.run({ x: xs, labels }))[0].item(), byHand()];
  const refInputs = {
    x: Tensor.from(xs, [batch, inputs], 'f32'),
    labels: Tensor.from(labels, [batch, classes], 'f32'),
    w1: Tensor.from(w1v, [inputs, hidden], 'f32'),
    b1: Tensor.zeros([hidden], 'f32'),
    w2: Tensor.from(w2v, [hidden, classes], 'f32'),
    b2: Tensor.zeros([classes], 'f32'),
  };
  const outputs: Node[] = [cost, ...model.updates.map(([, v]) => v)];
  const fast = await interleaved({ compiled: caller(step, { x: xs, labels }), hand: byHand }, 7, 1);
  const slow = await interleaved(
    { compiled: caller(step, { x: xs, labels }), interpreter: () => evaluate(outputs, refInputs) },
    2,
    1,
  );
  return { name: 'mlp step 256x784-256-10', step, fast, slow, first };
}

async function w1Case() {
  const size = 4 * 1024 * 1024;
  const rand = prng(3);
  const [xs, ys, zs] = [randomArray(size, rand), randomArray(size, rand), randomArray(size, rand)];
  const [x, y, z] = ['x', 'y', 'z'].map((name) => T.vector(name, 'f32', 'n'));
  const w1 = T.add(T.mul(T.exp(x), y), T.div(T.sin(x), T.add(1, T.mul(z, z))));
  const fused = await compile({ device: DEVICE, inputs: [x, y, z], outputs: [w1] });
  const unfused = await compile({
    device: DEVICE,
    inputs: [x, y, z],
    outputs: fused.graph.outputs,
    optimized: true,
    fuse: false,
  });
  const out = new Float32Array(size);
  const inputs = { x: xs, y: ys, z: zs };
  const times = await interleaved(
    { fused: caller(fused, inputs), unfused: caller(unfused, inputs), hand: () => w1ByHand(out, xs, ys, zs) },
    5,
    1,
  );
  const kernels = [fused, unfused].map((f) => f.report.programs[0].kernels.length);
  const result = { times, kernels };
  fused.dispose();
  unfused.dispose();
  return result;
}

async function overheadCase() {
  const x = T.vector('x', 'f32', 4);
  const f = await compile({ device: DEVICE, inputs: [x], outputs: [x.mul(2).add(1)] });
  const inputs = { x: new Float32Array([1, 2, 3, 4]) };
  const times = await interleaved({ runSync: () => f.runSync(inputs) }, 7, 20_000);
  const asyncTimes = await interleaved({ run: () => f.run(inputs) }, 7, 5_000);
  f.dispose();
  return {
    runSync: spread(times.runSync.map((ms) => ms * 1000)),
    run: spread(asyncTimes.run.map((ms) => ms * 1000)),
  };
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

registerSuite({
  name: 'runtime',
  description:
    'compiled functions on the js device vs hand-written JS loops and the reference interpreter; medians [min–max] over interleaved reps',
  async run(log) {
    const steps = [await logisticRegressionCase(), await mlpCase()];
    const stepRows = steps.map((s) => ({
      name: s.name,
      kernels: s.step.report.programs[0].kernels.length,
      compiledMs: spread(s.fast.compiled),
      handMs: spread(s.fast.hand),
      vsHand: ratios(s.fast.compiled, s.fast.hand),
      interpreterMs: spread(s.slow.interpreter),
      interpreterOverCompiled: ratios(s.slow.interpreter, s.slow.compiled),
      firstCost: { compiled: s.first[0], hand: s.first[1] },
      memory: s.step.report.programs[0].memory,
      perNodeBytes: s.step.report.programs[0].memory.perNodeBytes ?? Number.NaN,
    }));
    log(
      formatTable([
        [
          'step',
          'kernels',
          'compiled ms',
          'hand ms',
          'compiled/hand',
          'interpreter ms',
          'interpreter/compiled',
        ],
        ...stepRows.map((r) => [
          r.name,
          String(r.kernels),
          fmt(r.compiledMs),
          fmt(r.handMs),
          fmt(r.vsHand),
          fmt(r.interpreterMs, 0),
          fmt(r.interpreterOverCompiled, 1),
        ]),
      ]),
    );
    for (const r of stepRows)
      log(
        `  ${r.name}: first-step cost compiled ${r.firstCost.compiled.toFixed(6)}, by hand ${r.firstCost.hand.toFixed(6)}`,
      );

    const w1 = await w1Case();
    const w1Rows = {
      fusedMs: spread(w1.times.fused),
      unfusedMs: spread(w1.times.unfused),
      handMs: spread(w1.times.hand),
      fusedOverHand: ratios(w1.times.fused, w1.times.hand),
      unfusedOverFused: ratios(w1.times.unfused, w1.times.fused),
      kernels: { fused: w1.kernels[0], unfused: w1.kernels[1] },
    };
    log('');
    log(
      formatTable([
        ['W1 4M f32', 'kernels', 'ms', 'ratio'],
        ['fused', String(w1Rows.kernels.fused), fmt(w1Rows.fusedMs), `${fmt(w1Rows.fusedOverHand)} vs hand`],
        [
          'one kernel per op',
          String(w1Rows.kernels.unfused),
          fmt(w1Rows.unfusedMs),
          `${fmt(w1Rows.unfusedOverFused)} vs fused`,
        ],
        ['hand-written fused loop', '-', fmt(w1Rows.handMs), ''],
      ]),
    );

    const overhead = await overheadCase();
    log('');
    log(
      `tiny graph (x*2+1, f32[4]) per call: runSync ${fmt(overhead.runSync)} µs, run ${fmt(overhead.run)} µs`,
    );

    log('');
    log(
      formatTable([
        [
          'memory',
          'peak with plan',
          'fused, no reuse',
          'one buffer per node',
          'peak/no reuse',
          'peak/per node',
        ],
        ...stepRows.map((r) => [
          r.name,
          kib(r.memory.peakBytes),
          kib(r.memory.naiveBytes),
          kib(r.perNodeBytes),
          `${((100 * r.memory.peakBytes) / r.memory.naiveBytes).toFixed(0)}%`,
          `${((100 * r.memory.peakBytes) / r.perNodeBytes).toFixed(0)}%`,
        ]),
      ]),
    );
    for (const s of steps) s.step.dispose();
    return {
      suite: 'runtime',
      steps: stepRows.map(({ memory, perNodeBytes, ...r }) => ({
        ...r,
        memory: { peakBytes: memory.peakBytes, naiveBytes: memory.naiveBytes, perNodeBytes },
      })),
      w1: w1Rows,
      overheadMicroseconds: overhead,
    };
  },
});
