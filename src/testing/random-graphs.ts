/**
 * Random well-typed graphs for property tests: the graph layer's grad checks use them now, the
 * optimizer's equivalence tests later (build a graph, optimize it, compare `evaluate` on `values`).
 *
 * A graph is built from a *choice sequence* (a list of small integers drawn by fast-check, as
 * Hypothesis does): each step reads choices to pick a recipe and its arguments from a pool of earlier
 * nodes. Shrinking the list shrinks the graph, and every choice sequence builds a valid graph, so no
 * generated case is ever discarded. Every node's shape stays *compatible* with one base shape (each
 * dim, right-aligned, is 1 or the base dim), so any two pool nodes broadcast together.
 */
import { prng } from '../graph/random.js';
import { UNARY_NAMES } from '../graph/ops/elementwise.js';
import fc from 'fast-check';
import { T } from '../graph/builders.js';
import type { DType } from '../graph/dtype.js';
import type { Node } from '../graph/node.js';
import { Tensor } from '../graph/tensor.js';
import { graphInputs } from '../graph/topo.js';

/** Options of {@link arbGraph}; every field has a default. */
export interface RandomGraphOptions {
  /** Recipe names to draw from (see {@link RECIPES}); default: every recipe, or every smooth one when `smooth`. */
  readonly ops?: readonly string[];
  /**
   * Keep the graph differentiable with finite differences in mind: only smooth recipes, and args of
   * ops with a restricted domain are squashed into it (log of softplus(x)+0.1, exp of tanh(x)…).
   * Default false: ops are applied to raw args, so NaN and Inf may appear (equivalence tests compare them).
   */
  readonly smooth?: boolean;
  /** Longest path from an input to the output, in recipes (a recipe may add guard nodes). Default 4. */
  readonly maxDepth?: number;
  /** Most recipe steps (at least one is tried). Default 8. */
  readonly maxSteps?: number;
  /** Most inputs besides the parameters dot/gemm create. Default 2. */
  readonly maxInputs?: number;
  /** Rank of the base shape, 0 to 3. Default 2. */
  readonly maxRank?: number;
  /** Largest base dim. Default 3. */
  readonly maxDim?: number;
  /** The inputs' dtype. Default f64. */
  readonly dtype?: DType;
  /** Input values are uniform in [min, max] (a seeded PRNG, so ties are vanishingly rare). Default [-2, 2]. */
  readonly domain?: readonly [number, number];
}

/** A generated graph, its inputs and a value for each. */
export interface RandomGraph {
  readonly output: Node;
  /** Every input of `output`'s graph, in creation order. */
  readonly inputs: readonly Node[];
  /** A value for every input, by name: what `evaluate(output, values)` takes. */
  readonly values: Readonly<Record<string, Tensor>>;
  /** The recipes applied, in order: a readable trace for failure reports. */
  readonly steps: readonly string[];
}

/** What a recipe may ask of the builder. */
export interface RecipeContext {
  /** The next choice in [0, n). */
  choose(n: number): number;
  /** A fresh input of `shape` (a parameter such as dot's right operand), with a random value. */
  parameter(shape: readonly number[]): Node;
  /** The base shape every node's shape is compatible with. */
  readonly base: readonly number[];
  readonly smooth: boolean;
  readonly dtype: DType;
}

/** A way to grow the graph: the op it exercises, how many pool args it takes, and how it builds. */
export interface Recipe {
  readonly name: string;
  readonly arity: number;
  /** Differentiable almost everywhere with a correct vjp, and finite-difference friendly once guarded. */
  readonly smooth: boolean;
  /** Builds a node, or returns undefined when the args do not suit (the builder then tries another). */
  build(ctx: RecipeContext, args: readonly Node[]): Node | undefined;
}

const dims = (n: Node): number[] => n.shape as number[];
const positive = (x: Node) => T.add(T.softplus(x), 0.1);
const bounded = (x: Node) => T.tanh(x);

/** Squashes an arg into the smooth domain of `op` when `ctx.smooth`; identity otherwise. */
function guard(ctx: RecipeContext, op: string, x: Node): Node {
  if (!ctx.smooth) return x;
  if (['log', 'sqrt', 'reciprocal', 'log1p'].includes(op)) return positive(x);
  if (op === 'log1mexp') return T.neg(positive(x));
  if (['exp', 'expm1', 'sinh', 'cosh', 'tan'].includes(op)) return bounded(x);
  return x;
}

const NON_SMOOTH_UNARY = new Set(['sign', 'floor', 'ceil', 'round']);
const unaryRecipe = (op: string): Recipe => ({
  name: op,
  arity: 1,
  smooth: !NON_SMOOTH_UNARY.has(op),
  build: (ctx, [x]) => T.apply(op, [guard(ctx, op, x)]),
});

const binaryRecipe = (op: string, smooth: boolean): Recipe => ({
  name: op,
  arity: 2,
  smooth,
  build: (ctx, [a, b]) => {
    if (!ctx.smooth) return T.apply(op, [a, b]);
    if (op === 'div') return T.div(a, positive(b));
    if (op === 'pow') return T.pow(positive(a), T.mul(bounded(b), 2));
    return T.apply(op, [a, b]);
  },
});

/** Comparisons and logic give bools; they re-enter the float world through a cast. */
const predicateRecipe = (op: string): Recipe => ({
  name: op,
  arity: 2,
  smooth: false,
  build: (ctx, [a, b]) => {
    const pred = ['and', 'or', 'xor'].includes(op)
      ? T.apply(op, [T.gt(a, 0), T.gt(b, 0)])
      : T.apply(op, [a, b]);
    return T.cast(pred, ctx.dtype);
  },
});

/** Axes to reduce, with keepdims forced where dropping them would break compatibility with the base. */
function reduceAxes(ctx: RecipeContext, x: Node): { axis: number[]; keepdims: boolean } | undefined {
  if (x.rank === 0) return undefined;
  const mask = 1 + ctx.choose((1 << x.rank) - 1);
  const axis = [...Array(x.rank).keys()].filter((i) => mask & (1 << i));
  const prefix = axis.every((a, i) => a === i);
  return { axis, keepdims: !prefix || ctx.choose(2) === 0 };
}

const reductionRecipe = (op: string, smooth: boolean): Recipe => ({
  name: op,
  arity: 1,
  smooth,
  build: (ctx, [x]) => {
    const r = reduceAxes(ctx, x);
    if (!r) return undefined;
    if (op === 'all' || op === 'any') return T.cast(T.apply(op, [T.gt(x, 0)], r), ctx.dtype);
    return T.apply(op, [x], r);
  },
});

const laneRecipe = (op: string): Recipe => ({
  name: op,
  arity: 1,
  smooth: true,
  build: (ctx, [x]) => (x.rank === 0 ? undefined : T.apply(op, [x], { axis: ctx.choose(x.rank) - x.rank })),
});

/** Every recipe, by name. Names are op names, so `ops` selects what the graph exercises. */
export const RECIPES: readonly Recipe[] = [
  // Every unary elementwise op of the table except logical not, which needs bools.
  ...UNARY_NAMES.filter((name) => name !== 'not').map(unaryRecipe),
  ...['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum'].map((op) => binaryRecipe(op, true)),
  ...['int_div', 'mod'].map((op) => binaryRecipe(op, false)),
  ...['lt', 'le', 'gt', 'ge', 'eq', 'neq', 'and', 'or', 'xor'].map(predicateRecipe),
  {
    name: 'not',
    arity: 1,
    smooth: false,
    build: (ctx, [x]) => T.cast(T.not(T.gt(x, 0)), ctx.dtype),
  },
  {
    name: 'switch',
    arity: 4,
    smooth: true,
    build: (_ctx, [a, b, c, d]) => T.switch(T.gt(a, b), c, d),
  },
  {
    name: 'cast',
    arity: 1,
    smooth: false,
    build: (ctx, [x]) => T.cast(T.cast(x, ctx.dtype === 'f32' ? 'f64' : 'f32'), ctx.dtype),
  },
  ...['sum', 'mean', 'prod', 'max', 'min', 'logsumexp'].map((op) => reductionRecipe(op, true)),
  ...['all', 'any'].map((op) => reductionRecipe(op, false)),
  laneRecipe('softmax'),
  laneRecipe('log_softmax'),
  ...['argmax', 'argmin'].map((op): Recipe => ({
    // An index along one axis, kept as 1 so it broadcasts against the base, back in the float world.
    name: op,
    arity: 1,
    smooth: false,
    build: (ctx, [x]) => {
      if (x.rank === 0) return undefined;
      const axis = ctx.choose(x.rank);
      if (dims(x)[axis] === 0) return undefined;
      return T.cast(T.apply(op, [x], { axis, keepdims: true }), ctx.dtype);
    },
  })),
  {
    // x · W with a fresh W whose columns are the base's last dim: [p, q]·[q, d] stays compatible.
    name: 'dot',
    arity: 1,
    smooth: true,
    build: (ctx, [x]) => {
      if (x.rank === 0 || x.rank > 2 || ctx.base.length === 0) return undefined;
      const q = dims(x)[x.rank - 1];
      if (ctx.choose(2) === 0 || x.rank === 1)
        return T.dot(x, ctx.parameter([q, ctx.base[ctx.base.length - 1]]));
      // W · xᵀ-shaped: [d, q]ᵀ·… would reorder axes, so use a vector on the right instead when rank 2.
      const out = T.dot(x, ctx.parameter([q]));
      return T.expand_dims(out, 1);
    },
  },
  {
    name: 'gemm',
    arity: 2,
    smooth: true,
    build: (ctx, [z, x]) => {
      if (x.rank !== 2) return undefined;
      const d = ctx.base[ctx.base.length - 1];
      const [p, q] = dims(x);
      const zShape = dims(z);
      if (zShape.length > 2 || !compatible(zShape, [p, d])) return undefined;
      return T.gemm(z, 1.5, x, ctx.parameter([q, d]), -0.5);
    },
  },
  {
    name: 'transpose',
    arity: 1,
    smooth: true,
    build: (ctx, [x]) => {
      if (x.rank < 2) return undefined;
      const perm = [...Array(x.rank).keys()];
      const i = ctx.choose(x.rank - 1);
      [perm[i], perm[i + 1]] = [perm[i + 1], perm[i]];
      return T.transpose(x, perm);
    },
  },
  {
    // A round trip through the flat vector: reshape to [-1], then back.
    name: 'reshape',
    arity: 1,
    smooth: true,
    build: (_ctx, [x]) => T.reshape(T.reshape(x, [-1]), x.shape),
  },
  {
    name: 'broadcast_to',
    arity: 1,
    smooth: true,
    build: (ctx, [x]) => T.broadcast_to(x, ctx.base),
  },
  {
    name: 'expand_dims',
    arity: 1,
    smooth: true,
    build: (ctx, [x]) => (x.rank >= ctx.base.length ? undefined : T.expand_dims(x, 0)),
  },
  {
    name: 'squeeze',
    arity: 1,
    smooth: true,
    build: (_ctx, [x]) => (x.rank > 0 && x.shape[0] === 1 ? T.squeeze(x, 0) : undefined),
  },
  {
    // a[:s] ++ b[s:] along an axis: same shape as a and b, so it stays compatible.
    name: 'concat',
    arity: 2,
    smooth: true,
    build: (ctx, [a, b]) => {
      const [x, y] = sameShape(a, b);
      const axis = splittableAxis(ctx, x);
      if (axis === undefined) return undefined;
      const s = 1 + ctx.choose(dims(x)[axis] - 1);
      const head = T.slice(x, { begin: at(axis, 0), end: atEnd(axis, s) });
      const tail = T.slice(y, { begin: at(axis, s), end: atEnd(axis, null) });
      return T.concat([head, tail], axis);
    },
  },
  {
    // x reversed along an axis: numpy's x[::-1].
    name: 'slice',
    arity: 1,
    smooth: true,
    build: (ctx, [x]) => {
      if (x.rank === 0) return undefined;
      const axis = ctx.choose(x.rank);
      return T.slice(x, { begin: at(axis, -1), end: atEnd(axis, null), step: at(axis, -1, 1) });
    },
  },
  {
    // a with a[s:e] replaced by b[s:e].
    name: 'slice_update',
    arity: 2,
    smooth: true,
    build: (ctx, [a, b]) => {
      const [x, y] = sameShape(a, b);
      const axis = splittableAxis(ctx, x);
      if (axis === undefined) return undefined;
      const n = dims(x)[axis];
      const s = ctx.choose(n - 1);
      const bounds = { begin: at(axis, s), end: atEnd(axis, s + 1 + ctx.choose(n - s - 1)) };
      return T.slice_update(x, T.slice(y, bounds), bounds);
    },
  },
];

/** `value` at `axis`, `fill` before it: per-axis slice bounds. */
const at = (axis: number, value: number, fill = 0) => [...Array(axis).fill(fill), value];
const atEnd = (axis: number, value: number | null) => [...Array(axis).fill(null), value];

/** Both args broadcast to their common shape, so that slices of one fit the other. */
function sameShape(a: Node, b: Node): [Node, Node] {
  const target = T.add(a, b).shape;
  const toTarget = (x: Node) =>
    x.rank === target.length && x.shape.every((d, i) => d === target[i]) ? x : T.broadcast_to(x, target);
  return [toTarget(a), toTarget(b)];
}

function splittableAxis(ctx: RecipeContext, x: Node): number | undefined {
  const axes = dims(x).flatMap((d, i) => (d >= 2 ? [i] : []));
  return axes.length ? axes[ctx.choose(axes.length)] : undefined;
}

/** Whether `shape` right-aligns with `base` dim by dim as 1 or equal. */
function compatible(shape: readonly number[], base: readonly number[]): boolean {
  if (shape.length > base.length) return false;
  const off = base.length - shape.length;
  return shape.every((d, i) => d === 1 || d === base[off + i]);
}

export { prng } from '../graph/random.js';

let graphCount = 0;

/**
 * Builds a graph from a choice sequence and a value seed; {@link arbGraph} draws both. Exposed so a
 * failing case can be rebuilt from the numbers fast-check prints.
 */
export function buildGraph(
  options: RandomGraphOptions,
  choices: readonly number[],
  seed: number,
): RandomGraph {
  const smooth = options.smooth ?? false;
  const dtype = options.dtype ?? 'f64';
  const [lo, hi] = options.domain ?? [-2, 2];
  const maxDepth = options.maxDepth ?? 4;
  const recipes = RECIPES.filter((r) => (options.ops ? options.ops.includes(r.name) : !smooth || r.smooth));
  if (recipes.length === 0) throw new Error(`no recipe among ${JSON.stringify(options.ops)}`);
  let cursor = 0;
  const choose = (n: number) => (n <= 1 ? 0 : (choices[cursor++] ?? 0) % n);
  const random = prng(seed);
  // Distinct names per graph: hash-consing would otherwise share inputs across graphs of one run.
  const tag = `g${graphCount++}_`;
  const inputs: Node[] = [];
  const values: Record<string, Tensor> = {};
  const fresh = (shape: readonly number[]) => {
    const name = `${tag}${inputs.length}`;
    const node = T.tensor(name, dtype, shape);
    const size = shape.reduce((a, b) => a * b, 1);
    values[name] = Tensor.from(
      Array.from({ length: size }, () => lo + (hi - lo) * random()),
      shape,
      dtype,
    );
    inputs.push(node);
    return node;
  };
  const rank = choose((options.maxRank ?? 2) + 1);
  const base = Array.from({ length: rank }, () => 1 + choose(options.maxDim ?? 3));
  const ctx: RecipeContext = { choose, parameter: fresh, base, smooth, dtype };
  // Input shapes: a suffix of the base, some dims replaced by 1 to exercise broadcasting.
  const inputCount = 1 + choose(options.maxInputs ?? 2);
  const pool: { node: Node; depth: number }[] = [];
  for (let i = 0; i < inputCount; i++) {
    const r = rank - choose(rank + 1);
    const shape = base.slice(rank - r).map((d) => (choose(4) === 0 ? 1 : d));
    pool.push({ node: fresh(shape), depth: 0 });
  }
  const steps: string[] = [];
  const stepCount = 1 + choose(options.maxSteps ?? 8);
  for (let s = 0; s < stepCount; s++) {
    const shallow = pool.filter((p) => p.depth < maxDepth);
    const recipe = recipes[choose(recipes.length)];
    // Prefer recent nodes (depth), but any earlier node may be reused: shared subgraphs are common.
    const args = Array.from(
      { length: recipe.arity },
      () => shallow[shallow.length - 1 - choose(shallow.length)],
    );
    const node = recipe.build(
      ctx,
      args.map((a) => a.node),
    );
    if (!node || !compatible(dims(node), base)) continue;
    pool.push({ node, depth: 1 + Math.max(...args.map((a) => a.depth)) });
    steps.push(recipe.name);
  }
  const output = pool[pool.length - 1].node;
  // evaluate refuses values for inputs a graph lacks, so keep only the ones the output reaches.
  const used = graphInputs([output]);
  const usedValues = Object.fromEntries(used.map((n) => [n.inputName!, values[n.inputName!]]));
  return { output, inputs: used, values: usedValues, steps };
}

/**
 * A fast-check arbitrary of random well-typed graphs with input values.
 *
 * @example
 * fc.assert(fc.property(arbGraph({ smooth: true, ops: ['exp', 'sum', 'dot'] }), (g) => {
 *   const y = evaluate(g.output, g.values); // always well-typed, finite in smooth mode
 * }));
 */
export function arbGraph(options: RandomGraphOptions = {}): fc.Arbitrary<RandomGraph> {
  return (
    fc
      // About 5 choices per step and 12 for the shapes: long enough that a graph rarely runs out
      // (missing choices read as 0, which is also where shrinking leads).
      .tuple(
        fc.array(fc.nat({ max: 1000 }), { minLength: 16 + 6 * (options.maxSteps ?? 8), maxLength: 160 }),
        fc.integer(),
      )
      .map(([choices, seed]) => {
        const g = buildGraph(options, choices, seed);
        // What fast-check prints for a counterexample: enough to rebuild it with buildGraph.
        const shown = `graph[${g.steps.join(' ')}] of ${g.output.dtype}${JSON.stringify(g.output.shape)} from buildGraph(options, ${JSON.stringify(choices)}, ${seed})`;
        return Object.assign(g, { [fc.toStringMethod]: () => shown });
      })
  );
}
