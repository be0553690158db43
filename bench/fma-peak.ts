/**
 * The machine's 128-bit WebAssembly FMA peak on one thread, measured: twelve independent
 * `f32x4.relaxed_madd` chains over registers (enough to cover the FMA latency with two FMA pipes; four
 * chains run at a third of it, fourteen spill), no memory traffic. W2's ratios are read against it:
 * Saturn's resident GFLOP/s as a share of this peak, and ort's time ÷ the time of the product at this
 * peak, the best ratio 128-bit vectors allow (ort uses 256- or 512-bit ones).
 */
import { f32x4, get, i32, load, op } from '../src/runtime/cpu/wasm/expr.js';
import { wasm } from '../src/runtime/cpu/wasm/api.js';
import { ModuleBuilder } from '../src/runtime/cpu/wasm/module.js';
import { whileNot } from '../src/runtime/cpu/codegen/iteration.js';
import { wasmFeatures } from '../src/runtime/cpu/features.js';
import { loadCpuPlatform } from '../src/runtime/cpu/executor.js';

const CHAINS = 12;
const ITERATIONS = 4_000_000;

/**
 * Best-of-`runs` GFLOP/s of the FMA loop in process CPU time (descheduled time left out), or
 * undefined where relaxed-SIMD FMA is unavailable. The cpu platform is loaded first: in Node it
 * enables relaxed SIMD.
 *
 * @example await fmaPeakGflops() // ≈ 52.8 on the AMD EPYC (Zen 5) benchmark machine
 */
export async function fmaPeakGflops(runs = 7): Promise<number | undefined> {
  await loadCpuPlatform();
  if (!wasmFeatures().relaxedMadd) return undefined;
  const m = new ModuleBuilder({ pages: 1, shared: false });
  m.addFunction('peak', ['i32'], [], (fn) => {
    const acc = Array.from({ length: CHAINS }, () => fn.local('v128'));
    const n = fn.local('i32');
    acc.forEach((a, i) => fn.set(a, f32x4(i)));
    // Operands read from memory, so V8 can neither fold them nor recompute them in the loop.
    const x = fn.let(load('v128.load', i32(0)));
    const y = fn.let(load('v128.load', i32(16)));
    fn.set(n, get(fn.params[0]));
    whileNot(
      fn,
      () => op('i32.eqz', get(n)),
      () => {
        for (const a of acc) fn.set(a, op('f32x4.relaxed_madd', x, y, get(a)));
        fn.set(n, op('i32.sub', get(n), i32(1)));
      },
    );
    // Stored, so the chains are live (a v128 cannot be returned to JavaScript).
    fn.store(
      'v128.store',
      i32(32),
      acc.slice(1).reduce((s, a) => op('f32x4.add', s, get(a)), get(acc[0])),
    );
  });
  const memory = new wasm.Memory({ initial: 1 });
  // x = 1 and y slightly below 1: the chains grow linearly, never to Inf or subnormals.
  new Float32Array(memory.buffer).set([1, 1, 1, 1, 0.999, 0.999, 0.999, 0.999]);
  const peak = new wasm.Instance(new wasm.Module(m.encode()), { env: { memory } }).exports.peak as (
    n: number,
  ) => unknown;
  for (let i = 0; i < 3; i++) peak(ITERATIONS / 10);
  let best = 0;
  for (let r = 0; r < runs; r++) {
    const before = process.cpuUsage();
    peak(ITERATIONS);
    const used = process.cpuUsage(before);
    best = Math.max(best, (ITERATIONS * CHAINS * 8) / ((used.user + used.system) * 1e3));
  }
  return best;
}
