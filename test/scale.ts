/**
 * How big the slow tests run. `npm test` runs them at a size that still exercises what they test (a
 * 20,000-deep graph overflows any recursion over depth as surely as a 100,000-deep one) and keeps the
 * suite under two minutes; `npm run test:long` (SATURN_LONG_TESTS=1) runs them at full size.
 */
export const LONG = process.env.SATURN_LONG_TESTS === '1';

/**
 * `fast` under `npm test`, `long` under `npm run test:long`.
 *
 * @example const depth = scale(20_000, 100_000);
 */
export function scale<T>(fast: T, long: T): T {
  return LONG ? long : fast;
}
