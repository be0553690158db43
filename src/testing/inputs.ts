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

/**
 * The domain of one input: a {@link ValueDomain}, `[lo, hi]`, `'integer'` (whole numbers in
 * [-10, 10]), `'boolean'` (0 and 1) or `'any'` (the default range, and every edge value: NaN and ±Inf
 * included).
 */
export type InputDomain = ValueDomain | readonly [number, number] | 'any' | 'integer' | 'boolean';

/**
 * One domain for every input (`'any'`: every input `'any'`), or a domain per input name (inputs not
 * named take the default).
 */
export type Domains = ValueDomain | 'any' | Readonly<Record<string, InputDomain>>;

/** How {@link randomInputs} sizes symbolic dims and draws values. */
export interface RandomInputOptions {
  readonly domain?: Domains;
  /** Largest size of a symbolic dim (default 4; sizes start at 1). */
  readonly maxDim?: number;
  /**
   * `independent` (default): each named dim its own size, every `?` dim its own. `shared`: one size for
   * every symbolic dim, which satisfies graphs that broadcast or add unknown dims against each other.
   */
  readonly dims?: 'independent' | 'shared';
  /** Values to use as they are; their shapes bind the symbolic dims they declare. */
  readonly fixed?: Readonly<Record<string, Tensor>>;
  /**
   * Draw edge values on purpose ({@link EDGE_VALUES}) besides random ones: about one element in four,
   * and the first element of each input is the `run`-th edge value of its domain. Only edge values the
   * input's domain admits are drawn: those in its range, NaN and ±Inf with `special`, all with `'any'`.
   * Default false.
   */
  readonly edges?: boolean;
  /** Which run this is, to cycle the first element through the edge values (default 0). */
  readonly run?: number;
}

/**
 * Values where identities of the reals and IEEE arithmetic part: zeros of both signs, ±1, exact
 * integers, the smallest and largest magnitudes (subnormals included), the infinities and NaN.
 */
export const EDGE_VALUES: readonly number[] = [
  0,
  -0,
  1,
  -1,
  Number.NaN,
  Infinity,
  -Infinity,
  2,
  -3,
  1e-300,
  -1e-300,
  5e-324,
  -2.5e-310,
  1e300,
  -1e300,
  0.5,
  1e-8,
  16777217,
];

const KEYS_OF_VALUE_DOMAIN = new Set(['min', 'max', 'nonzero', 'special']);

/** The per-input domains of a {@link Domains}, or undefined when it is one domain for all. */
function perInput(domain: Domains | undefined): Readonly<Record<string, InputDomain>> | undefined {
  if (domain === undefined || domain === 'any') return undefined;
  return Object.keys(domain).some((k) => !KEYS_OF_VALUE_DOMAIN.has(k))
    ? (domain as Record<string, InputDomain>)
    : undefined;
}

/** What to draw for one input: range, nonzero, specials, whole numbers, edges. */
interface Draw {
  readonly min: number;
  readonly max: number;
  readonly nonzero: boolean;
  readonly special: boolean;
  readonly integer: boolean;
  /** Every edge value is welcome, huge and non-finite ones included (`'any'`). */
  readonly open: boolean;
}

function drawOf(domain: InputDomain | undefined): Draw {
  const base = { min: -10, max: 10, nonzero: false, special: false, integer: false, open: false };
  if (domain === undefined) return base;
  if (domain === 'any') return { ...base, special: true, open: true };
  if (domain === 'integer') return { ...base, integer: true };
  if (domain === 'boolean') return { ...base, min: 0, max: 1, integer: true };
  if (Array.isArray(domain)) return { ...base, min: domain[0], max: domain[1] };
  const d = domain as ValueDomain;
  return {
    ...base,
    min: d.min ?? -10,
    max: d.max ?? 10,
    nonzero: d.nonzero ?? false,
    special: d.special ?? false,
  };
}

/** The edge values a draw admits for a dtype, rounded to it, without repeats. */
function edgesFor(draw: Draw, dtype: Node['dtype']): number[] {
  const out: number[] = [];
  for (const e of EDGE_VALUES) {
    const v = castValue(e, dtype);
    if (!isFloat(dtype) && !Number.isFinite(e)) continue;
    if (Number.isNaN(v) || !Number.isFinite(v)) {
      if (draw.open || draw.special) out.push(v);
      continue;
    }
    if (draw.nonzero && v === 0) continue;
    if (draw.integer && !Number.isInteger(v)) continue;
    if (!draw.open && (v < draw.min || v > draw.max)) continue;
    if (!out.some((o) => Object.is(o, v))) out.push(v);
  }
  return out;
}

/**
 * A value for every input of `outputs`, drawn from `seed`: floats uniform in the domain (with NaN
 * and ±Inf one time in twelve when `domain.special`), integers rounded, bools 0 or 1; with `edges`,
 * edge values besides (see {@link RandomInputOptions.edges}).
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
  const domains = perInput(options.domain);
  const common = domains ? undefined : (options.domain as ValueDomain | 'any' | undefined);
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
    const draw = drawOf(domains ? domains[name] : common);
    const edges = options.edges && input.dtype !== 'bool' ? edgesFor(draw, input.dtype) : [];
    const shape = input.shape.map((d) => (typeof d === 'number' ? d : size(d)));
    const n = shape.reduce((a, b) => a * b, 1);
    const data = Array.from({ length: n }, (_, i) => {
      if (input.dtype === 'bool') return random() < 0.5 ? 0 : 1;
      if (edges.length && i === 0) return edges[(options.run ?? 0) % edges.length];
      if (edges.length && random() < 0.25) return edges[Math.floor(random() * edges.length)];
      if (draw.special && isFloat(input.dtype) && random() < 1 / 12)
        return [Number.NaN, Infinity, -Infinity][Math.floor(random() * 3)];
      for (;;) {
        const u = draw.min + (draw.max - draw.min) * random();
        const v = castValue(draw.integer ? Math.round(u) : u, input.dtype);
        if (!draw.nonzero || v !== 0) return v;
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
