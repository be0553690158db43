/**
 * argmax and argmin on the reals, for the exact reference. A lane's values are compared first; where
 * they tie, by the values they were computed from through strictly increasing maps (exp, sigmoid, …),
 * since f(a) = f(b) only where a = b for such an f. Decimals of any precision round sigmoid(999) and
 * sigmoid(1000) to one value; their arguments still tell them apart, as the reals do.
 */
import type { Exact } from './decimal-math.js';

/** Elementwise ops strictly increasing on the reals wherever they are defined (NaN elsewhere). */
export const STRICTLY_INCREASING: ReadonlySet<string> = new Set([
  'exp',
  'expm1',
  'log',
  'log1p',
  'sqrt',
  'sigmoid',
  'tanh',
  'softplus',
]);

/**
 * The index of a lane's first extreme, and whether another element ties with it at every level.
 * `levels[0]` holds the lane's values, each next level the values the previous was computed from
 * through a strictly increasing map. The first NaN of `levels[0]` wins, as in the float reference.
 *
 * @example argOfLevels('argmax', [[new Exact(1), new Exact(1)], [new Exact(2), new Exact(3)]]) // { index: 1, tied: false }
 */
export function argOfLevels(
  op: 'argmax' | 'argmin',
  levels: readonly (readonly Exact[])[],
): { index: number; tied: boolean } {
  const lane = levels[0];
  const nan = lane.findIndex((v) => v.isNaN());
  if (nan >= 0) return { index: nan, tied: false };
  // The sign of a − b in the first level where they differ (0 when equal at every level).
  const order = (a: number, b: number): number => {
    for (const level of levels) {
      const [x, y] = [level[a], level[b]];
      if (x.isNaN() || y.isNaN() || x.eq(y)) continue;
      return x.gt(y) ? 1 : -1;
    }
    return 0;
  };
  const sign = op === 'argmax' ? 1 : -1;
  let index = 0;
  for (let i = 1; i < lane.length; i++) if (order(i, index) * sign > 0) index = i;
  const tied = lane.some((_, i) => i !== index && order(i, index) === 0);
  return { index, tied };
}
