/**
 * Random values for a graph's declared inputs, from a seed: what `assertEquivalent` and
 * `saturn check-equivalence` feed both sides. Symbolic dims get random small sizes.
 */
import { castValue, isFloat } from '../graph/dtype.js';
import type { Node } from '../graph/node.js';
import { Tensor } from '../graph/tensor.js';
import { graphInputs } from '../graph/topo.js';
import type { ValueDomain } from './arbitraries.js';
import { prng } from './random-graphs.js';

/** How {@link randomInputs} sizes symbolic dims and draws values. */
export interface RandomInputOptions {
  readonly domain?: ValueDomain;
  /** Largest size of a symbolic dim (default 4; sizes start at 1). */
  readonly maxDim?: number;
  /**
   * `independent` (default): each named dim its own size, every `?` dim its own. `shared`: one size for
   * every symbolic dim, which satisfies graphs that broadcast or add unknown dims against each other.
   */
  readonly dims?: 'independent' | 'shared';
  /** Values to use as they are; their shapes bind the symbolic dims they declare. */
  readonly fixed?: Readonly<Record<string, Tensor>>;
}

/**
 * A value for every input of `outputs`, drawn from `seed`: floats uniform in the domain (with NaN
 * and ±Inf one time in twelve when `domain.special`), integers rounded, bools 0 or 1.
 *
 * @example
 * const x = T.tensor('x', 'f64', ['n', 3]);
 * randomInputs([T.exp(x)], 7).x.shape // e.g. [2, 3]
 */
export function randomInputs(
  outputs: readonly Node[],
  seed: number,
  options: RandomInputOptions = {},
): Record<string, Tensor> {
  const random = prng(seed);
  const { min = -10, max = 10, nonzero = false, special = false } = options.domain ?? {};
  const maxDim = options.maxDim ?? 4;
  let shared = 1 + Math.floor(random() * maxDim);
  const sizes = new Map<string, number>();
  const size = (d: string) => {
    if (sizes.has(d)) return sizes.get(d)!;
    if (options.dims === 'shared') return shared;
    let s = sizes.get(d);
    if (s === undefined) sizes.set(d, (s = 1 + Math.floor(random() * maxDim)));
    return s;
  };
  const values: Record<string, Tensor> = {};
  const inputs = graphInputs(outputs);
  for (const input of inputs) {
    const given = options.fixed?.[input.inputName!];
    if (!given) continue;
    values[input.inputName!] = given;
    input.shape.forEach((d, i) => {
      if (typeof d === 'string' && given.shape[i] !== undefined) sizes.set(d, given.shape[i]);
    });
  }
  // Sharing one size with the given values is what lets unknown dims broadcast against them.
  const bound = [...sizes.values()].find((n) => n > 1);
  if (bound !== undefined) shared = bound;
  for (const input of inputs) {
    const name = input.inputName!;
    if (name in values) continue;
    const shape = input.shape.map((d) => (typeof d === 'number' ? d : size(d)));
    const n = shape.reduce((a, b) => a * b, 1);
    const data = Array.from({ length: n }, () => {
      if (input.dtype === 'bool') return random() < 0.5 ? 0 : 1;
      if (special && isFloat(input.dtype) && random() < 1 / 12)
        return [Number.NaN, Infinity, -Infinity][Math.floor(random() * 3)];
      for (;;) {
        const v = castValue(min + (max - min) * random(), input.dtype);
        if (!nonzero || v !== 0) return v;
      }
    });
    values[name] = Tensor.from(data, shape, input.dtype);
  }
  return values;
}

/**
 * The entries of `values` that name an input of `outputs`: `evaluate` refuses values for inputs a graph
 * lacks, and an optimized graph may have dropped some (`x * 0` → `0`).
 *
 * @example valuesFor([optimized], { x, y }) // { x } when y was optimized away
 */
export function valuesFor<V>(
  outputs: readonly Node[],
  values: Readonly<Record<string, V>>,
): Record<string, V> {
  const out: Record<string, V> = {};
  for (const input of graphInputs(outputs)) {
    const name = input.inputName!;
    if (name in values) out[name] = values[name];
  }
  return out;
}
