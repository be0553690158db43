// Dense ulp tests of the f32x4 math functions against float64, over a sweep of float32 bit patterns
// (every 1021st pattern of all 2^32, about 4.2M inputs), every float in a window where tan is worst, and
// the edges, with FMA and without.
import { describe, expect, it } from 'vitest';
import { sigmoid, softplus } from '../../../src/graph/ops/scalar-math.js';
import { wasmFeatures } from '../../../src/runtime/cpu/features.js';
// Registers V8's relaxed-SIMD flag hook, so the FMA variants are measured too where V8 has them.
import '../../../src/runtime/cpu/platform-node.js';
import { scale } from '../../scale.js';
import { type VecFn, vectorFunction } from './math-harness.js';

const REFERENCE: Record<VecFn, (x: number) => number> = {
  exp: Math.exp,
  log: Math.log,
  log1p: Math.log1p,
  expm1: Math.expm1,
  tanh: Math.tanh,
  sigmoid,
  softplus,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
};

/** Measured bounds (max ulp over the sweep, rounded up), so a regression in accuracy fails. */
const BOUND: Record<VecFn, number> = {
  exp: 1.5,
  log: 1.5,
  log1p: 2.5,
  expm1: 2.5,
  tanh: 3,
  sigmoid: 2.5,
  softplus: 2,
  sin: 3,
  cos: 2.5,
  tan: 3,
};

const EDGES = [
  0,
  -0,
  Infinity,
  -Infinity,
  NaN,
  1.4e-45,
  -1.4e-45,
  1.1754942e-38,
  1.17549435e-38,
  -1.17549435e-38,
  3.4028235e38,
  -3.4028235e38,
  88.72283,
  88.72284,
  88.7229,
  -87.33655,
  -103.27893,
  -103.97208,
  -104,
  1,
  -1,
  0.5,
  -0.5,
  2 ** -25,
  -(2 ** -25),
  2 ** -13,
  8192,
  8192.5,
  -8193,
  1e10,
  Math.PI,
  0.34657,
  -0.34657,
  9,
  -9,
  // sin and tan were 8–9 ulp off here while the vector reduction ran to |x| = 8192.
  -7753.45068359375,
  // The floats below 2048 nearest a multiple of π/2 and of π (within 4.2e-9 and 8.4e-9), and where a
  // three-part reduction of π/2 left sin and tan 600 ulp off and cos 50–80 (the sweep's stride misses them).
  252.89820861816406,
  505.7964172363281,
  1011.59283447265625,
  1377.58837890625,
  1936.7918701171875,
  // tan's worst, on a sweep of every 5th float in [0.125, 4096), where tan(r) and 1/tan(r) are near 1:
  // 3.55 ulp (3.71 with FMA) when it divided a sine polynomial by a cosine one.
  3.9213016033172607,
  3.921243190765381,
  3.915686845779419,
  49.510894775390625,
  325.9413146972656,
  475.1654052734375,
  // And where −1/tan(r) is worst since (2.61 ulp).
  268.6051940917969,
  903.2069091796875,
];

/** Every float in a window around 5π/4, where the stride's few points missed tan's worst. */
const TAN_WINDOW = [3.9, 3.93];

const bitsOf = (x: number): number => new Uint32Array(new Float32Array([x]).buffer)[0];

function inputs(): Float32Array {
  // A prime stride over the 2^32 bit patterns: ~1M under npm test, ~4.2M under npm run test:long.
  const step = scale(4093, 1021);
  const strided = Math.floor(2 ** 32 / step);
  const [from, to] = TAN_WINDOW.map(bitsOf);
  const bits = new Uint32Array(strided + (to - from) + EDGES.length);
  for (let i = 0; i < strided; i++) bits[i] = i * step;
  for (let b = from; b < to; b++) bits[strided + b - from] = b;
  const xs = new Float32Array(bits.buffer);
  xs.set(EDGES, bits.length - EDGES.length);
  return xs;
}

function ulpOf(y: number): number {
  const a = Math.abs(y);
  if (a < 2 ** -126) return 2 ** -149;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

/** The largest error in float32 ulps of the correctly rounded result, and where. */
function maxUlp(
  xs: Float32Array,
  got: Float32Array,
  ref: (x: number) => number,
): { ulp: number; at: number } {
  let worst = { ulp: 0, at: 0 };
  for (let i = 0; i < xs.length; i++) {
    const exact = ref(xs[i]);
    const rounded = Math.fround(exact);
    let err: number;
    if (Number.isNaN(exact)) err = Number.isNaN(got[i]) ? 0 : Infinity;
    else if (!Number.isFinite(rounded)) err = got[i] === rounded ? 0 : Infinity;
    else if (!Number.isFinite(got[i])) err = Infinity;
    else err = Math.abs(got[i] - exact) / ulpOf(rounded);
    if (exact === 0 && got[i] === 0 && Object.is(exact, -0) !== Object.is(got[i], -0)) err = Infinity;
    if (err > worst.ulp) worst = { ulp: err, at: xs[i] };
  }
  return worst;
}

const variants = wasmFeatures().relaxedMadd ? [false, true] : [false];

describe.each(variants)('f32x4 math (fma %s)', (fma) => {
  const xs = inputs();
  it.each(Object.keys(REFERENCE) as VecFn[])(
    '%s stays within its ulp bound over the float32 sweep',
    (name) => {
      const got = vectorFunction(name, fma)(xs);
      const worst = maxUlp(xs, got, REFERENCE[name]);
      console.log(`${name}${fma ? ' fma' : ''}: max ${worst.ulp.toFixed(3)} ulp at x = ${worst.at}`);
      expect(worst.ulp, `${name} at x = ${worst.at}`).toBeLessThanOrEqual(BOUND[name]);
    },
  );
});
