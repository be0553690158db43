// A median with its range: how every runtime benchmark reports a figure measured several times.

/** The median of several measurements with the smallest and largest. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** The spread of measurements (the upper median for an even count). */
export function spread(xs: readonly number[]): Spread {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1] };
}

/** `median [min–max]` with `digits` decimals. */
export const formatSpread = (s: Spread, digits = 2): string =>
  `${s.median.toFixed(digits)} [${s.min.toFixed(digits)}–${s.max.toFixed(digits)}]`;
