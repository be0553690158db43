/**
 * CPU benchmark (`npm run bench -- cpu`): Saturn's cpu executor (WebAssembly SIMD on workers) side by
 * side, in this one process, with onnxruntime-node, tfjs-backend-wasm, Saturn's js executor and the
 * machine's memory bandwidth (a triad over the same bytes, resident and through the plain path; W1's
 * contenders are also given as ratios to the triad that moves its bytes as they do). Contenders are
 * interleaved rep by rep (rotating who goes first) so machine noise hits them alike; times are
 * medians [min–max] and each ratio is the median of the per-rep ratios with its own [min–max]. On one
 * thread and for the training steps the ratio is also given in process CPU time (all threads), which
 * leaves out the time a contender spent descheduled: on a shared, loaded machine it is the steadier
 * figure of the work each does. Plain `saturn cpu` is end to end from JavaScript arrays: inputs in,
 * outputs out. W2 is also read against the machine's measured 128-bit FMA peak (fma-peak.ts), in CPU
 * time.
 *
 * Workloads: W1 `exp(x)*y + sin(x)/(1+z*z)` over 4M f32; W2 a 1024² f32 matmul; W3 a 16M-element f32
 * sum; a logistic-regression training step (10,000×100 f32) and an MLP step (batch 256, 784→256→10
 * f32) against tfjs-backend-wasm with hand-written gradients, and against single-threaded NumPy where
 * python3 has it (numpy-peer.ts: a peer process that times each step itself). Variants: `f.alloc inputs` keeps the
 * inputs in the executor's memory (no copy in, the output copied out; tfjs's inputs are resident
 * tensors too), `f.alloc in, view out` also returns the output as a view (`outputs: 'view'`, no copy
 * at all), `resident` runs the bare kernel.
 *
 * Each row also gives the minor page faults per call: a fresh 4 MB array costs ~11 ms of them on the
 * benchmark machine, and whether a call gets fresh pages depends on glibc's malloc state, so the suite
 * reruns itself with malloc keeping freed memory (see STEADY_MALLOC) unless told not to.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type CompiledFunction, compile, type RunOptions } from '../src/compile/index.js';
import { T } from '../src/graph/builders.js';
import { prng } from '../src/graph/random.js';
import { wasmFeatures } from '../src/runtime/cpu/features.js';
import { CpuExecutor, closeCpuPool } from '../src/runtime/cpu/executor.js';
import type { BufferId, Kernel, Program, ScalarExpr, View } from '../src/runtime/program.js';
import { fmaPeakGflops } from './fma-peak.js';
import { type NumpyPeer, PeerTiming, startNumpyPeer } from './numpy-peer.js';
import { logisticTraining, mlpTraining, type TrainingStep } from './models.js';
import { encodeOnnx, type OnnxGraph } from './onnx-model.js';
import { formatTable, registerSuite } from './registry.js';
import { formatSpread as fmt, type Spread, spread } from './spread.js';

type Contender = () => unknown;

/**
 * Per-call wall-clock ms, process CPU ms (every thread of the process) and minor page faults of each
 * contender (faults are empty where /proc is not).
 */
interface Times {
  readonly wall: Record<string, number[]>;
  readonly cpu: Record<string, number[]>;
  readonly faults: Record<string, number[]>;
}

/**
 * Minor page faults of this process so far (Linux), else undefined. On the benchmark machine (a VM
 * with page-table isolation) a fault costs ~11 µs, so a fresh 4 MB array costs ~11 ms: a whole
 * one-thread W2 for onnxruntime at its best. Whether a contender's per-call 4 MB allocation gets
 * fresh pages depends on glibc's malloc state, which the other contenders change (see
 * {@link STEADY_MALLOC}); the faults column says which calls paid.
 */
function minorFaults(): number | undefined {
  try {
    // Field 10 of /proc/self/stat; the fields after the parenthesised command name start at field 3.
    return Number(readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')[7]);
  } catch {
    return undefined;
  }
}

/** Times each contender over `reps` rounds; each runs twice first (warm-up). */
async function interleaved(contenders: Readonly<Record<string, Contender>>, reps: number): Promise<Times> {
  const names = Object.keys(contenders);
  const wall: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const cpu: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const faults: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (const name of names) for (let i = 0; i < 2; i++) await contenders[name]();
  for (let r = 0; r < reps; r++)
    for (let c = 0; c < names.length; c++) {
      const name = names[(c + r) % names.length];
      const faults0 = minorFaults();
      const cpu0 = process.cpuUsage();
      const start = performance.now();
      const result = await contenders[name]();
      const elapsed = performance.now() - start;
      const used = process.cpuUsage(cpu0);
      const faulted = minorFaults();
      if (faults0 !== undefined && faulted !== undefined) faults[name].push(faulted - faults0);
      // A peer process times its own step: the pipe's round trip is not its work.
      const timing = result instanceof PeerTiming ? result : undefined;
      wall[name].push(timing?.wall ?? elapsed);
      cpu[name].push(timing?.cpu ?? (used.user + used.system) / 1000);
    }
  return { wall, cpu, faults };
}

const ratio = (a: readonly number[], b: readonly number[]): Spread => spread(a.map((v, i) => v / b[i]));

function randomArray(n: number, seed: number, scale = 1): Float32Array {
  const rand = prng(seed);
  return Float32Array.from({ length: n }, () => (rand() * 2 - 1) * scale);
}

const require = createRequire(import.meta.url);

// ---- onnxruntime-node --------------------------------------------------------------------------

type Ort = typeof import('onnxruntime-node');

async function ortSession(ort: Ort, graph: OnnxGraph, threads: number) {
  const session = await ort.InferenceSession.create(encodeOnnx(graph), {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    // onnxruntime's pool spins between runs by default, which starves every other thread in the process.
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  });
  return (feeds: Record<string, { data: Float32Array; shape: number[] }>) => async () => {
    const inputs = Object.fromEntries(
      Object.entries(feeds).map(([k, v]) => [k, new ort.Tensor('float32', v.data, v.shape)]),
    );
    const out = await session.run(inputs);
    return Object.values(out)[0].data;
  };
}

// ---- tfjs-backend-wasm -------------------------------------------------------------------------

type Tf = typeof import('@tensorflow/tfjs-core');
type TfTensor = ReturnType<Tf['tensor']>;

async function loadTf(): Promise<Tf> {
  const tf = require('@tensorflow/tfjs-core') as Tf;
  const wasmBackend =
    require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  wasmBackend.setWasmPaths(`${join(dist, '/')}`);
  await tf.setBackend('wasm');
  await tf.ready();
  return tf;
}

// ---- Saturn ------------------------------------------------------------------------------------

async function saturn(device: 'cpu' | 'js', threads: number, build: () => Parameters<typeof compile>[0]) {
  return compile({ ...build(), device, executor: { threads } });
}

const call = (f: CompiledFunction, inputs: Record<string, Float32Array>) => () => f.runSync(inputs)[0].array;

/**
 * Like `call`, with every input filled once into `f.alloc` storage (the executor's own memory on cpu):
 * each run then copies nothing in, only the output out (or nothing at all with `outputs: 'view'`).
 * What a caller who keeps data in Saturn sees.
 */
function callAllocated(
  f: CompiledFunction,
  inputs: Record<string, { data: Float32Array; shape: number[] }>,
  options: RunOptions = {},
) {
  const resident = Object.fromEntries(
    Object.entries(inputs).map(([name, { data, shape }]) => {
      const array = f.alloc(name, shape) as Float32Array;
      array.set(data);
      return [name, array];
    }),
  );
  return () => f.runSync(resident, options)[0].array;
}

/**
 * A training step's contenders: tfjs-wasm's hand-written step (`tfStep` returns the cost; it runs in
 * `tf.tidy` and the cost is read back, as Saturn's contenders read theirs) against the compiled step
 * on the cpu executor (inputs copied in each call, then resident in `f.alloc` storage) and on the js
 * executor.
 */
async function trainingContenders(
  tf: Tf,
  tfStep: () => TfTensor,
  threads: number,
  build: () => TrainingStep,
  inputs: Record<string, { data: Float32Array; shape: number[] }>,
  numpy?: Contender,
): Promise<Record<string, Contender>> {
  const arrays = Object.fromEntries(Object.entries(inputs).map(([name, { data }]) => [name, data]));
  return {
    'tfjs-wasm': () => {
      const cost = tf.tidy(tfStep);
      const v = cost.dataSync();
      cost.dispose();
      return v;
    },
    'saturn cpu': call(await saturn('cpu', threads, build), arrays),
    'saturn cpu, f.alloc inputs': callAllocated(await saturn('cpu', threads, build), inputs),
    'saturn js': call(await saturn('js', 1, build), arrays),
    ...(numpy && { [NUMPY]: numpy }),
  };
}

/**
 * One kernel run straight on the cpu executor with its inputs already resident in its memory: what
 * the kernel alone costs, without the compiled function and without copying the output out.
 */
async function residentKernel(
  inputs: readonly { data: Float32Array; shape: number[] }[],
  outShape: number[],
  kernel: (ids: BufferId[], views: View[], out: BufferId) => Kernel,
  threads: number,
) {
  const decls = [...inputs.map((i) => i.shape), outShape].map((shape, id) => ({
    id: id as BufferId,
    dtype: 'f32' as const,
    shape,
    size: shape.reduce((a, b) => a * b, 1),
    role: id < inputs.length ? ('input' as const) : ('output' as const),
  }));
  const rowMajor = (shape: number[]) => shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const ids = decls.map((d) => d.id);
  const views: View[] = decls.map((d) => ({
    buffer: d.id,
    dtype: 'f32',
    shape: d.shape,
    strides: rowMajor(d.shape),
    offset: 0,
  }));
  const out = ids[ids.length - 1];
  const bytes = decls.map((d) => Math.ceil((d.size * 4) / 16) * 16);
  const program: Program = {
    buffers: decls,
    kernels: [kernel(ids.slice(0, -1), views.slice(0, -1), out)],
    inputs: ids.slice(0, -1),
    params: [],
    outputs: [out],
    updates: [],
    memory: {
      slotBytes: bytes,
      slotOf: ids,
      peakBytes: bytes.reduce((a, b) => a + b),
      naiveBytes: bytes.reduce((a, b) => a + b),
    },
  };
  const prepared = await new CpuExecutor({ threads }).prepare(program);
  inputs.forEach((input, i) => prepared.write(ids[i], input.data));
  return () => prepared.run();
}

const operand = (index: number): ScalarExpr => ({ kind: 'operand', index, dtype: 'f32' });
const apply = (op: string, ...args: ScalarExpr[]): ScalarExpr => ({ kind: 'op', op, args, dtype: 'f32' });

// ---- workloads ---------------------------------------------------------------------------------

interface Row {
  readonly workload: string;
  readonly contender: string;
  readonly ms: Spread;
  readonly vs: string;
  readonly ratio?: Spread;
  /** The same ratio in process CPU time: work done, whatever the machine's load. */
  readonly cpuRatio?: Spread;
  /** Minor page faults per call, where the platform counts them. */
  readonly faults?: Spread;
}

async function w1(ort: Ort, tf: Tf, rows: Row[]) {
  const n = 4 << 20;
  const [xs, ys, zs] = [1, 2, 3].map((s) => randomArray(n, s, 3));
  const graph = () => {
    const [x, y, z] = ['x', 'y', 'z'].map((name) => T.vector(name, 'f32', n));
    return {
      inputs: [x, y, z],
      outputs: [T.add(T.mul(T.exp(x), y), T.div(T.sin(x), T.add(1, T.mul(z, z))))],
    };
  };
  const feeds = { x: { data: xs, shape: [n] }, y: { data: ys, shape: [n] }, z: { data: zs, shape: [n] } };
  const onnx: OnnxGraph = {
    nodes: [
      { op: 'Exp', inputs: ['x'], outputs: ['a'] },
      { op: 'Mul', inputs: ['a', 'y'], outputs: ['b'] },
      { op: 'Sin', inputs: ['x'], outputs: ['c'] },
      { op: 'Mul', inputs: ['z', 'z'], outputs: ['d'] },
      { op: 'Add', inputs: ['one', 'd'], outputs: ['e'] },
      { op: 'Div', inputs: ['c', 'e'], outputs: ['f'] },
      { op: 'Add', inputs: ['b', 'f'], outputs: ['out'] },
    ],
    inputs: ['x', 'y', 'z'].map((name) => ({ name, shape: [n] })),
    outputs: [{ name: 'out', shape: [n] }],
    constants: [{ name: 'one', shape: [], values: [1] }],
  };
  const inputs = { x: xs, y: ys, z: zs };
  const tx = tf.tensor1d(xs);
  const ty = tf.tensor1d(ys);
  const tz = tf.tensor1d(zs);
  const triad = await saturn('cpu', 1, () => {
    const [a, b, c] = ['x', 'y', 'z'].map((name) => T.vector(name, 'f32', n));
    return { inputs: [a, b, c], outputs: [T.add(T.add(a, b), T.mul(c, 2))] };
  });
  const residentW1 = (threads: number, expr: ScalarExpr) =>
    residentKernel(
      [xs, ys, zs].map((data) => ({ data, shape: [n] })),
      [n],
      (_ids, views, output) => ({
        kind: 'elementwise',
        name: 'w1',
        ops: [],
        operands: views,
        output,
        shape: [n],
        expr,
      }),
      threads,
    );
  const w1Expr = apply(
    'add',
    apply('mul', apply('exp', operand(0)), operand(1)),
    apply(
      'div',
      apply('sin', operand(0)),
      apply('add', { kind: 'const', value: 1, dtype: 'f32' }, apply('mul', operand(2), operand(2))),
    ),
  );
  const triadExpr = apply(
    'add',
    apply('add', operand(0), operand(1)),
    apply('mul', operand(2), { kind: 'const', value: 2, dtype: 'f32' }),
  );
  for (const threads of [1, 2]) {
    const contenders: Record<string, Contender> = {
      ort: (await ortSession(ort, onnx, threads))(feeds),
      'saturn cpu': call(await saturn('cpu', threads, graph), inputs),
      'saturn cpu, f.alloc inputs': callAllocated(await saturn('cpu', threads, graph), feeds),
      'saturn cpu, f.alloc in, view out': callAllocated(await saturn('cpu', threads, graph), feeds, {
        outputs: 'view',
      }),
      'saturn cpu, resident': await residentW1(threads, w1Expr),
    };
    if (threads === 1) {
      contenders['saturn js'] = call(await saturn('js', 1, graph), inputs);
      contenders['tfjs-wasm'] = () =>
        tf
          .tidy(() => tf.add(tf.mul(tf.exp(tx), ty), tf.div(tf.sin(tx), tf.add(1, tf.mul(tz, tz)))))
          .dataSync();
      contenders[TRIAD_PLAIN] = call(triad, inputs);
      contenders[TRIAD_RESIDENT] = await residentW1(1, triadExpr);
    }
    const times = await interleaved(contenders, 9);
    report(rows, `W1 4M f32, ${threads} thread${threads > 1 ? 's' : ''}`, times, 'ort', threads === 1);
    if (threads === 1) reportTriads(rows, times);
  }
}

/** The triad `x + y + 2z` over W1's bytes: copied in and out as `saturn cpu` is, and resident. */
const TRIAD_PLAIN = 'triad, copy in/out';
const TRIAD_RESIDENT = 'triad, resident (bandwidth floor)';

/**
 * W1's contenders against the triads over the same bytes: a Saturn variant at ratio ~1 to the triad
 * that moves its bytes the same way (plain to plain, the others to resident) is as fast as memory
 * allows, and ort ÷ that triad is then the best W1 ratio this machine allows that variant.
 */
function reportTriads(rows: Row[], times: Times) {
  reportRatios(rows, '  ÷ triad', times, [
    ['ort', TRIAD_RESIDENT],
    ['saturn cpu', TRIAD_PLAIN],
    ['saturn cpu, f.alloc in, view out', TRIAD_RESIDENT],
    ['saturn cpu, resident', TRIAD_RESIDENT],
  ]);
}

/** Rows under `label` giving each contender of `pairs` as a ratio to its baseline, in wall and CPU time. */
function reportRatios(
  rows: Row[],
  label: string,
  times: Times,
  pairs: readonly (readonly [name: string, baseline: string])[],
) {
  pairs.forEach(([name, baseline], i) =>
    rows.push({
      workload: i === 0 ? label : '',
      contender: name,
      ms: spread(times.wall[name]),
      vs: `÷ ${baseline}`,
      ratio: ratio(times.wall[name], times.wall[baseline]),
      cpuRatio: ratio(times.cpu[name], times.cpu[baseline]),
    }),
  );
}

async function w2(ort: Ort, tf: Tf, rows: Row[]) {
  const n = 1024;
  const as = randomArray(n * n, 4);
  const bs = randomArray(n * n, 5);
  const graph = () => {
    const a = T.matrix('a', 'f32', [n, n]);
    const b = T.matrix('b', 'f32', [n, n]);
    return { inputs: [a, b], outputs: [T.dot(a, b)] };
  };
  const onnx: OnnxGraph = {
    nodes: [{ op: 'MatMul', inputs: ['a', 'b'], outputs: ['c'] }],
    inputs: [
      { name: 'a', shape: [n, n] },
      { name: 'b', shape: [n, n] },
    ],
    outputs: [{ name: 'c', shape: [n, n] }],
  };
  const feeds = { a: { data: as, shape: [n, n] }, b: { data: bs, shape: [n, n] } };
  const ta = tf.tensor2d(as, [n, n]);
  const tb = tf.tensor2d(bs, [n, n]);
  for (const threads of [1, 2]) {
    const cpu = await saturn('cpu', threads, graph);
    const contenders: Record<string, Contender> = {
      ort: (await ortSession(ort, onnx, threads))(feeds),
      'saturn cpu': call(cpu, { a: as, b: bs }),
      'saturn cpu, f.alloc inputs': callAllocated(await saturn('cpu', threads, graph), feeds),
      'saturn cpu, f.alloc in, view out': callAllocated(await saturn('cpu', threads, graph), feeds, {
        outputs: 'view',
      }),
      'saturn cpu, resident': await residentKernel(
        [
          { data: as, shape: [1, n, n] },
          { data: bs, shape: [1, n, n] },
        ],
        [1, n, n],
        (_ids, views, output) => ({
          kind: 'matmul',
          name: 'mm',
          ops: [],
          operands: views,
          output,
          batch: 1,
          m: n,
          n,
          k: n,
          epilogue: { kind: 'acc', dtype: 'f64' },
        }),
        threads,
      ),
    };
    if (threads === 1) contenders['tfjs-wasm'] = () => tf.tidy(() => tf.matMul(ta, tb)).dataSync();
    const times = await interleaved(contenders, 15);
    // In CPU time on 2 threads too: the work each did, which load does not inflate.
    report(rows, `W2 1024² matmul, ${threads} thread${threads > 1 ? 's' : ''}`, times, 'ort', true);
    const flops = 2 * n ** 3;
    const gflops = spread(times.wall['saturn cpu, resident'].map((ms) => flops / ms / 1e6));
    rows.push({ workload: '', contender: `  resident GFLOP/s`, ms: gflops, vs: '' });
    if (peak !== undefined) reportPeak(rows, times, flops, peak * threads, threads);
  }
}

/**
 * W2 against the 128-bit FMA peak (`threads` times the one-thread peak), in process CPU time (all
 * threads) so that load does not count: the resident kernel's share of the peak, and the time of the
 * product at that peak ÷ ort's, the lowest ratio to ort that 128-bit vectors allow.
 */
function reportPeak(rows: Row[], times: Times, flops: number, peak: number, threads: number) {
  const perThread = (ms: number) => ms / threads;
  rows.push({
    workload: '',
    contender: `  resident ÷ 128-bit FMA peak (${peak.toFixed(1)} GFLOP/s${threads > 1 ? `, ${threads}×` : ''})`,
    ms: spread(times.cpu['saturn cpu, resident'].map((ms) => flops / perThread(ms) / 1e6 / peak)),
    vs: '',
  });
  rows.push({
    workload: '',
    contender: '  ratio allowed by that peak (time at peak ÷ ort)',
    ms: spread(times.cpu.ort.map((ms) => flops / peak / 1e6 / perThread(ms))),
    vs: '',
  });
}

/** The one-thread 128-bit FMA peak, measured once per run of the suite (fma-peak.ts). */
let peak: number | undefined;

async function w3(ort: Ort, tf: Tf, rows: Row[]) {
  const n = 16 << 20;
  const xs = randomArray(n, 6);
  const graph = () => {
    const x = T.vector('x', 'f32', n);
    return { inputs: [x], outputs: [T.sum(x)] };
  };
  const onnx: OnnxGraph = {
    nodes: [{ op: 'ReduceSum', inputs: ['x'], outputs: ['s'], ints: { keepdims: 0 } }],
    inputs: [{ name: 'x', shape: [n] }],
    outputs: [{ name: 's', shape: [] }],
  };
  const tx = tf.tensor1d(xs);
  for (const threads of [1, 2]) {
    const contenders: Record<string, Contender> = {
      ort: (await ortSession(ort, onnx, threads))({ x: { data: xs, shape: [n] } }),
      'saturn cpu': call(await saturn('cpu', threads, graph), { x: xs }),
      'saturn cpu, f.alloc inputs': callAllocated(await saturn('cpu', threads, graph), {
        x: { data: xs, shape: [n] },
      }),
      'saturn cpu, resident': await residentKernel(
        [{ data: xs, shape: [n] }],
        [],
        (_ids, views, output) => ({
          kind: 'reduce',
          name: 'sum',
          ops: [],
          operands: views,
          output,
          op: 'sum',
          shape: [n],
          axes: [0],
          producer: operand(0),
          epilogue: {
            kind: 'op',
            op: 'cast',
            args: [{ kind: 'acc', dtype: 'f64' }],
            dtype: 'f32',
            attrs: { dtype: 'f32' },
          },
          accDtype: 'f64',
        }),
        threads,
      ),
    };
    if (threads === 1) contenders['tfjs-wasm'] = () => tf.tidy(() => tf.sum(tx)).dataSync();
    report(
      rows,
      `W3 16M sum, ${threads} thread${threads > 1 ? 's' : ''}`,
      await interleaved(contenders, 9),
      'ort',
      threads === 1,
    );
  }
}

async function logistic(tf: Tf, rows: Row[], threads: number, numpy?: NumpyPeer) {
  const [n, k, rate] = [10_000, 100, 0.1];
  const xs = randomArray(n * k, 7);
  const rand = prng(8);
  const ys = Float32Array.from({ length: n }, () => (rand() > 0.5 ? 1 : 0));
  const w0 = randomArray(k, 9, 0.01);
  const build = () => logisticTraining(n, k, w0, rate);
  const tx = tf.tensor2d(xs, [n, k]);
  const ty = tf.tensor2d(ys, [n, 1]);
  const tw = tf.variable(tf.tensor2d(w0, [k, 1]));
  const tb = tf.variable(tf.scalar(0));
  const tfStep = () => {
    const p = tf.sigmoid(tf.add(tf.matMul(tx, tw), tb));
    const xent = tf.sub(tf.mul(tf.neg(ty), tf.log(p)), tf.mul(tf.sub(1, ty), tf.log(tf.sub(1, p))));
    const c = tf.add(tf.mean(xent), tf.mul(0.01, tf.sum(tf.square(tw))));
    const d = tf.div(tf.sub(p, ty), n);
    const gw = tf.add(tf.matMul(tx, d, true, false), tf.mul(0.02, tw));
    tw.assign(tf.sub(tw, tf.mul(rate, gw)));
    tb.assign(tf.sub(tb, tf.mul(rate, tf.sum(d))));
    return c;
  };
  const contenders = await trainingContenders(
    tf,
    tfStep,
    threads,
    build,
    { x: { data: xs, shape: [n, k] }, y: { data: ys, shape: [n] } },
    numpy && (() => numpy.step('logreg')),
  );
  // About 10 ms a round: 60 rounds keep the median steady where single rounds vary 3× under load.
  report(
    rows,
    `logreg step 10000×100 (cpu ${threads} thr)`,
    await interleaved(contenders, 60),
    'tfjs-wasm',
    true,
  );
}

async function mlpStep(tf: Tf, rows: Row[], threads: number, numpy?: NumpyPeer) {
  const [batch, inputs, hidden, classes, rate] = [256, 784, 256, 10, 0.1];
  const xs = randomArray(batch * inputs, 10);
  const rand = prng(11);
  const labels = new Float32Array(batch * classes);
  for (let i = 0; i < batch; i++) labels[i * classes + Math.floor(rand() * classes)] = 1;
  const w1v = randomArray(inputs * hidden, 12, 0.05);
  const w2v = randomArray(hidden * classes, 13, 0.05);
  const build = () => mlpTraining(batch, { inputs, hidden, classes }, w1v, w2v, rate);
  const tx = tf.tensor2d(xs, [batch, inputs]);
  const tl = tf.tensor2d(labels, [batch, classes]);
  const tw1 = tf.variable(tf.tensor2d(w1v, [inputs, hidden]));
  const tb1 = tf.variable(tf.zeros([hidden]));
  const tw2 = tf.variable(tf.tensor2d(w2v, [hidden, classes]));
  const tb2 = tf.variable(tf.zeros([classes]));
  const tfStep = () => {
    const pre = tf.add(tf.matMul(tx, tw1), tb1);
    const h = tf.relu(pre);
    const probs = tf.softmax(tf.add(tf.matMul(h, tw2), tb2));
    const c = tf.mean(tf.neg(tf.sum(tf.mul(tl, tf.log(probs)), 1)));
    const dl = tf.div(tf.sub(probs, tl), batch);
    const gw2 = tf.matMul(h, dl, true, false);
    const dh = tf.mul(tf.matMul(dl, tw2, false, true), tf.step(pre));
    const gw1 = tf.matMul(tx, dh, true, false);
    tw1.assign(tf.sub(tw1, tf.mul(rate, gw1)));
    tb1.assign(tf.sub(tb1, tf.mul(rate, tf.sum(dh, 0))));
    tw2.assign(tf.sub(tw2, tf.mul(rate, gw2)));
    tb2.assign(tf.sub(tb2, tf.mul(rate, tf.sum(dl, 0))));
    return c;
  };
  const contenders = await trainingContenders(
    tf,
    tfStep,
    threads,
    build,
    {
      x: { data: xs, shape: [batch, inputs] },
      labels: { data: labels, shape: [batch, classes] },
    },
    numpy && (() => numpy.step('mlp')),
  );
  report(
    rows,
    `MLP step 256, 784→256→10 (cpu ${threads} thr)`,
    await interleaved(contenders, 25),
    'tfjs-wasm',
    true,
  );
}

/**
 * Rows of one workload; `cpuRatios` adds the ratio in process CPU time (every thread of the process),
 * given on one thread and for the training steps: the work each contender did, whatever the load.
 */
function report(rows: Row[], workload: string, times: Times, baseline: string, cpuRatios = false) {
  Object.entries(times.wall).forEach(([name, t], i) =>
    rows.push({
      workload: i === 0 ? workload : '',
      contender: name,
      ms: spread(t),
      faults: times.faults[name].length > 0 ? spread(times.faults[name]) : undefined,
      vs: name === baseline ? '' : `÷ ${baseline}`,
      ratio: name === baseline ? undefined : ratio(t, times.wall[baseline]),
      cpuRatio: name === baseline || !cpuRatios ? undefined : ratio(times.cpu[name], times.cpu[baseline]),
    }),
  );
  // Saturn's training step against single-threaded NumPy (issue 10: within 1.5×).
  if (NUMPY in times.wall)
    reportRatios(rows, '  ÷ numpy', times, [
      ['saturn cpu', NUMPY],
      ['saturn cpu, f.alloc inputs', NUMPY],
    ]);
}

/** The contender name of single-threaded NumPy (numpy-peer.ts), where python3 has it. */
const NUMPY = 'numpy (1 thread, peer process)';

/**
 * glibc's malloc told to keep freed memory (Linux): every contender that allocates 4 MB per call (ort's
 * output and packing buffers, Saturn's copied outputs) reuses pages instead of mapping fresh ones.
 * By default glibc maps each such block afresh and unmaps it on free, or reuses the heap, depending on
 * what was freed before, so a contender paid the ~11 ms of faults on some runs and not on others:
 * onnxruntime's 2-thread W2 median was 7.3 ms in one run and 18.7 in the next, and its one-thread CPU
 * time 12–13 ms without faults, 24–36 with. The suite reruns itself under these settings unless they
 * (or `SATURN_BENCH_MALLOC=default`, to measure the process as a user's would run) are set.
 */
const STEADY_MALLOC = { MALLOC_MMAP_THRESHOLD_: String(1 << 30), MALLOC_TRIM_THRESHOLD_: String(1 << 30) };

/** Runs this suite in a child process with {@link STEADY_MALLOC}; its rows, or undefined where it need not. */
function runSteadyMalloc(log: (line: string) => void): Row[] | undefined {
  const env = process.env;
  if (process.platform !== 'linux' || env.SATURN_BENCH_MALLOC === 'default' || env.MALLOC_TRIM_THRESHOLD_)
    return undefined;
  log(
    'rerunning in a child process with glibc malloc keeping freed memory (SATURN_BENCH_MALLOC=default: not)',
  );
  const dir = mkdtempSync(join(tmpdir(), 'saturn-bench-cpu-'));
  const json = join(dir, 'rows.json');
  const child = spawnSync(process.execPath, [...process.execArgv, process.argv[1], 'cpu', '--json', json], {
    env: { ...env, ...STEADY_MALLOC },
    stdio: 'inherit',
  });
  if (child.status !== 0) throw new Error(`cpu suite child exited with ${child.status ?? child.signal}`);
  const rows = JSON.parse(readFileSync(json, 'utf8')) as Row[];
  rmSync(dir, { recursive: true });
  return rows;
}

registerSuite({
  name: 'cpu',
  description: 'cpu executor vs onnxruntime-node, tfjs-backend-wasm, the js executor and a bandwidth triad',
  run: async (log) => {
    const steady = runSteadyMalloc(log);
    if (steady) return steady;
    const ort = require('onnxruntime-node') as Ort;
    const tf = await loadTf();
    log(
      'The machine is shared with other jobs: read the ratios (interleaved, same process), not absolute times.',
    );
    const rows: Row[] = [];
    const only = (process.env.SATURN_BENCH_CPU ?? 'w1,w2,w3,logreg,mlp').split(',');
    peak = await fmaPeakGflops();
    if (only.includes('w1')) await w1(ort, tf, rows);
    if (only.includes('w2')) await w2(ort, tf, rows);
    if (only.includes('w3')) await w3(ort, tf, rows);
    const numpy = only.includes('logreg') || only.includes('mlp') ? await startNumpyPeer() : undefined;
    if (numpy && 'missing' in numpy) log(`numpy left out: ${numpy.missing}`);
    const peer = numpy && 'step' in numpy ? numpy : undefined;
    if (peer) log(`numpy ${peer.version}, one thread, in a peer process (numpy-steps.py)`);
    if (only.includes('logreg')) await logistic(tf, rows, 2, peer);
    if (only.includes('mlp')) await mlpStep(tf, rows, 2, peer);
    peer?.close();
    closeCpuPool();
    log(`relaxed-SIMD FMA in Saturn's kernels: ${wasmFeatures().relaxedMadd ? 'yes' : 'no'}`);
    log(
      formatTable([
        [
          'workload',
          'contender',
          'ms median [min–max]',
          'ratio median [min–max]',
          'CPU-time ratio',
          'page faults/call',
        ],
        ...rows.map((r) => [
          r.workload,
          r.contender,
          fmt(r.ms),
          r.ratio ? `${fmt(r.ratio)} ${r.vs}` : '',
          r.cpuRatio ? fmt(r.cpuRatio) : '',
          r.faults ? fmt(r.faults, 0) : '',
        ]),
      ]),
    );
    return rows;
  },
});
