/**
 * The one JSON encoding of numbers that every command's `--json` output uses. JSON has no NaN, no
 * infinities and no negative zero, so those four are written as the strings `"NaN"`, `"Infinity"`,
 * `"-Infinity"` and `"-0"`; every other number is a JSON number.
 */

/**
 * A number as `--json` writes it.
 *
 * @example [jsonNumber(1.5), jsonNumber(-0), jsonNumber(NaN), jsonNumber(-Infinity)] // [1.5, '-0', 'NaN', '-Infinity']
 */
export function jsonNumber(v: number): number | string {
  if (Object.is(v, -0)) return '-0';
  return Number.isFinite(v) ? v : String(v);
}

/**
 * Nested arrays of numbers (and booleans) with every number encoded by {@link jsonNumber}.
 *
 * @example jsonValues([[1, NaN], [Infinity, -0]]) // [[1, 'NaN'], ['Infinity', '-0']]
 */
export function jsonValues(value: unknown): unknown {
  if (typeof value === 'number') return jsonNumber(value);
  if (Array.isArray(value)) return value.map(jsonValues);
  return value;
}
