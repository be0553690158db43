/**
 * How long each step would take on one thread, estimated from its sizes alone. The executor splits a
 * step across threads when the estimate is above {@link SPLIT_THRESHOLD_NS}, so which steps use the
 * workers depends on the program and never on how busy the machine was at prepare (a timed warm-up
 * did that before, and a loaded machine made it split tiny steps or keep huge ones on one thread).
 *
 * Provenance of the constants: one-kernel programs timed once on this project's benchmark machine
 * (Xeon Ice Lake 2.6 GHz, Node 20, relaxed-SIMD FMA, one thread, best of 15 runs, 2026-12-02):
 * contiguous float32 copy 0.51 ns/element, `x·y+z` 1.02, exp 1.24, sin 2.81, tanh 2.58,
 * `exp(x)·y + sin(x)/(1+z²)` 4.58; sum of 4M 0.65 ns/element, row sums of 1024² 0.22, column sums
 * (a strided reduced axis) 4.6; matmul 256³ 0.028 ns/flop, 512³ 0.073; gemv 1024² 0.09 ns/flop;
 * softmax rows of 1024 5.7 ns/element. Only the order of magnitude matters: the threshold sits where a
 * worker round trip (10–25 µs) is a small part of the step.
 *
 * Rechecked on the 2-core machine the threshold was tuned on (resident one-kernel programs of 2^20
 * elements, one thread, CPU time, 15 rounds in rotating order, median; relaxed-SIMD FMA, then without,
 * 2026-12-02 evening): `-x` 0.17 ns/element, `x·y+z` 0.37, x/y 0.28, sqrt 0.36, exp 0.64 (0.98 without
 * FMA), tanh 1.09 (1.61), sigmoid 1.13 (1.57), tan 1.09 (1.87), `exp(x)·y + sin(x)/(1+z²)` 1.46 (2.29).
 * The estimates are 2.4–3.4× those, so the constants keep the old machine's scale and the threshold its
 * tuning. Functions far off that ratio were set to 2.5× their time here (FMA): sin 0.50 (1.27 without)
 * and cos 0.59 (1.41), 6× and 5× before the reduction by π; log 1.62 (2.12), log1p 2.16 (2.68) and
 * expm1 1.64 (2.28), about 1×; softplus 5.4 (6.3), 0.6×, then 2.1 (3.3) with its own log1p polynomial
 * (64K floats in [-10, 10], 31 rounds interleaved with the old form, CPU time, median).
 */
import type { ScalarExpr } from '../program.js';

/**
 * Steps estimated to take longer than this on one thread are split across threads. A split costs
 * more than the round trip of an idle machine (10–25 µs): between calls the worker sleeps, and on a
 * loaded machine it waits for a core once woken, reads what the calling thread just wrote from that
 * core's cache, and may keep the calling thread waiting for a chunk it claimed. Logistic regression's
 * step (10,000×100, two ~0.1 ms passes over x estimated at 0.2 ms each) interleaved with
 * tfjs-backend-wasm as the benchmark runs it, load 6–9 on 2 cores: 1.14 ms with both passes split at
 * the former 0.15 ms, 0.65 ms with neither (0.77 and 0.36 ms with inputs in `f.alloc` storage).
 */
export const SPLIT_THRESHOLD_NS = 500_000;

/** Per element, beyond the loop itself: each operand read or result written. */
const NS_PER_ACCESS = 0.2;
const NS_PER_LOOP_ELEMENT = 0.35;
/** Vector math functions' extra cost per element (see the provenance above); other lane ops 0.05. */
const NS_PER_OP: Readonly<Record<string, number>> = {
  exp: 0.8,
  log: 3.3,
  log1p: 4.6,
  expm1: 3.3,
  tanh: 2,
  sigmoid: 1.5,
  softplus: 5.3,
  sin: 0.6,
  cos: 0.75,
  tan: 3,
  div: 0.2,
  sqrt: 0.2,
};
const NS_CHEAP_OP = 0.05;
/** Ops with no vector form run per lane in float64; scalar (non-float32) kernels cost about as much. */
const NS_PER_LANE_OP = 4;

/**
 * Nanoseconds per element of `expr` over `operands` operands (plus the result).
 *
 * @example
 * expressionNs({ kind: 'op', op: 'exp', args: [x], dtype: 'f32' }, 1, true) // 0.35 + 0.4 + 0.8 = 1.55
 */
export function expressionNs(expr: ScalarExpr, operands: number, vector: boolean): number {
  let ops = 0;
  const walk = (e: ScalarExpr): void => {
    if (e.kind !== 'op') return;
    ops += vector ? (NS_PER_OP[e.op] ?? NS_CHEAP_OP) : NS_PER_LANE_OP;
    e.args.forEach(walk);
  };
  walk(expr);
  return NS_PER_LOOP_ELEMENT + NS_PER_ACCESS * (operands + 1) + ops;
}

/** A reduction's producer per element: strided reduced axes read one element per cache line. */
export const NS_PER_STRIDED_REDUCE_ELEMENT = 4.6;
/** The same walked four columns at a time (reduce-columns.ts): 2.0 ns/element over axis 0 of 1024². */
export const NS_PER_COLUMN_REDUCE_ELEMENT = 2;
/** Packed float32 matmul and matrix-vector products, per flop (2·m·n·k). */
export const NS_PER_GEMM_FLOP = 0.05;
export const NS_PER_GEMV_FLOP = 0.1;
/** Non-float32 matmul (scalar, float64 accumulation), per flop. */
export const NS_PER_SCALAR_MATMUL_FLOP = 1;
/** Packing B, per element copied. */
export const NS_PER_PACKED_ELEMENT = 1;
export const NS_PER_SOFTMAX_ELEMENT = 6;
