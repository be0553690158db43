/**
 * Regimes, as Herbie infers them: where no single form is accurate on every point, sort the points by
 * one input variable and split that line into intervals, each computed by the candidate that is most
 * accurate there. A dynamic program over the sorted points finds the best split into at most
 * MAX_REGIMES intervals; each split must pay for itself (SPLIT_PENALTY bits on average), and the
 * variable whose best split leaves the least error wins. Thresholds lie halfway between the two
 * neighbouring points in bit-pattern order, where Herbie searches for the crossing.
 */
import { fromOrdinal32, fromOrdinal64, ordinal32, ordinal64 } from './ulps.js';

/** At most this many intervals. */
const MAX_REGIMES = 4;
/** The mean error (bits) a split must save to be worth a branch. */
const SPLIT_PENALTY = 0.5;

/** A split of one variable's line: candidate `pick[i]` below `thresholds[i]` (the last one above all). */
export interface RegimeSplit {
  readonly variable: string;
  readonly thresholds: readonly number[];
  readonly pick: readonly number[];
  /** Mean bits of error of the split on the points. */
  readonly bits: number;
}

/**
 * The best split of the points into regimes, or undefined when one candidate is as good as any split.
 *
 * @example inferRegimes([errorsA, errorsB], new Map([['b', bValues]]), 'f64')
 */
export function inferRegimes(
  errors: readonly Float64Array[],
  variables: ReadonlyMap<string, Float64Array>,
  dtype: 'f32' | 'f64',
): RegimeSplit | undefined {
  const n = errors[0]?.length ?? 0;
  if (n < 2 || errors.length < 2) return undefined;
  const single = Math.min(...errors.map((e) => e.reduce((a, b) => a + b, 0))) / n;
  let best: RegimeSplit | undefined;
  for (const [variable, values] of variables) {
    const split = splitOn(errors, values, dtype);
    if (!split) continue;
    const penalized = split.bits + SPLIT_PENALTY * (split.pick.length - 1);
    if (penalized < single && (!best || split.bits < best.bits)) best = { variable, ...split };
  }
  return best;
}

function splitOn(
  errors: readonly Float64Array[],
  values: Float64Array,
  dtype: 'f32' | 'f64',
): Omit<RegimeSplit, 'variable'> | undefined {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  // prefix[k][j]: candidate k's error summed over the first j points in order.
  const prefix = errors.map((e) => {
    const p = new Float64Array(n + 1);
    for (let j = 0; j < n; j++) p[j + 1] = p[j] + e[order[j]];
    return p;
  });
  // A split may only fall between two different values.
  const cuts = [0];
  for (let j = 1; j < n; j++) if (values[order[j]] !== values[order[j - 1]]) cuts.push(j);
  cuts.push(n);
  const segment = (i: number, j: number) => {
    let k = 0;
    for (let c = 1; c < prefix.length; c++)
      if (prefix[c][j] - prefix[c][i] < prefix[k][j] - prefix[k][i]) k = c;
    return { k, cost: prefix[k][j] - prefix[k][i] };
  };
  const penalty = SPLIT_PENALTY * n;
  const last = cuts.length - 1;
  // dp[r][ci]: the least cost of the points before cuts[ci] in r + 1 intervals (penalties included);
  // back[r][ci]: where its last interval starts and which candidate computes it.
  const dp: number[][] = [cuts.map((j) => segment(0, j).cost)];
  const back: { from: number; k: number }[][] = [cuts.map((j) => ({ from: 0, k: segment(0, j).k }))];
  for (let r = 1; r < MAX_REGIMES; r++) {
    const row = cuts.map(() => Number.POSITIVE_INFINITY);
    const steps = cuts.map(() => ({ from: 0, k: 0 }));
    for (let ci = 2; ci < cuts.length; ci++)
      for (let pi = 1; pi < ci; pi++) {
        const s = segment(cuts[pi], cuts[ci]);
        const cost = dp[r - 1][pi] + s.cost + penalty;
        if (cost < row[ci]) {
          row[ci] = cost;
          steps[ci] = { from: pi, k: s.k };
        }
      }
    dp.push(row);
    back.push(steps);
  }
  let r = 0;
  for (let q = 1; q < MAX_REGIMES; q++) if (dp[q][last] < dp[r][last]) r = q;
  const pick: number[] = [];
  const thresholds: number[] = [];
  for (let ci = last; r >= 0; r--) {
    const step = back[r][ci];
    pick.unshift(step.k);
    if (r > 0)
      thresholds.unshift(between(values[order[cuts[step.from] - 1]], values[order[cuts[step.from]]], dtype));
    ci = step.from;
  }
  if (pick.length < 2) return undefined;
  let sum = 0;
  const bounds = [...thresholds, Number.POSITIVE_INFINITY];
  for (let i = 0; i < n; i++) {
    const region = bounds.findIndex((t) => values[i] < t);
    sum += errors[pick[region]][i];
  }
  return { thresholds, pick, bits: sum / n };
}

/** The float halfway between two floats in bit-pattern order (a < b). */
function between(a: number, b: number, dtype: 'f32' | 'f64'): number {
  // Halfway rounded up, so the threshold is above a (a goes below it) and at most b.
  if (dtype === 'f32') return fromOrdinal32(ordinal32(a) + Math.floor((ordinal32(b) - ordinal32(a) + 1) / 2));
  const oa = ordinal64(a);
  return fromOrdinal64(oa + (ordinal64(b) - oa + 1n) / 2n);
}
