/**
 * Numerical equivalence of two graphs on the same inputs, with the reference interpreter.
 *
 * The tolerance rule. A rewrite may reassociate, cancel or fuse, so the error it may introduce is bounded
 * by the working precision times the largest magnitude that flows through either computation, not by the
 * output's own magnitude: `(x + 1e10) - 1e10` and `x` differ by about 1e-6 although both are near 1. So two
 * finite elements `e` (original) and `a` (other side) agree when
 *
 *     |e - a| <= rtol * (max(|e|, |a|) + scale)
 *
 * where `scale` is the largest finite magnitude among all intermediate values of both graphs on these
 * inputs, and `rtol` defaults to 1e-7 for f64 and 1e-3 for f32 outputs (the interpreter rounds every op to
 * its dtype; errors compound over a few ops). Integer and bool outputs must be equal.
 *
 * Non-finite values must agree: NaN with NaN, +Inf with +Inf, -Inf with -Inf. The one exception is a
 * stabilization (`allowStabilization`, which `checkOptimizer` sets when a rule of a *replacing* ruleset
 * such as `stabilize` fired): where the original overflows or loses itself to NaN and the other side is
 * finite, the other side is the accurate value (`log(1 + exp(800))` is inf, `softplus(800)` is 800), and it
 * is accepted. If a `reference` (a float64 formulation of the same function) is given, the finite value
 * must also be within tolerance of it, i.e. closer to the truth than the original's inf or NaN.
 */
import { DTypeError, InputError, SaturnError, ShapeError } from '../graph/errors.js';
import { evaluate, type InputValues } from '../graph/interpret.js';
import type { Node } from '../graph/node.js';
import { formatShape } from '../graph/shape.js';
import { formatDecls, formatExpr } from '../graph/syntax/index.js';
import { formatValue, type Tensor } from '../graph/tensor.js';
import { graphInputs, topoSort } from '../graph/topo.js';
import { optimizedBy, stabilizedBy, unsafeRulesFired } from '../provenance.js';
import { type Domains, randomInputs, valuesFor } from './inputs.js';

/** How two evaluations are compared. */
export interface CompareOptions {
  /** Relative tolerance (see the module doc); default 1e-7 for f64, 1e-3 for other floats. */
  readonly rtol?: number;
  /** Accept a finite value where the original gives Inf or NaN (a documented stabilization). */
  readonly allowStabilization?: boolean;
  /**
   * Finite semantics: compare only where the original is finite (the other side must then be finite
   * and close), for rule libraries whose identities hold on the reals but not for NaN or Inf
   * (`x * 0 = 0`, `x - x = 0`). `checkOptimizer` also skips inputs for which any intermediate value is
   * NaN or Inf, since such a rule may turn `log(-1) == log(-1)` (false) into true. Default false: IEEE
   * semantics, NaN and Inf must agree.
   */
  readonly finiteOnly?: boolean;
}

/** Where two evaluations disagree. */
export interface Mismatch {
  readonly output: number;
  /** Flat (row-major) element index, or -1 for a dtype or shape mismatch. */
  readonly index: number;
  readonly expected: number;
  readonly actual: number;
  readonly tolerance: number;
  readonly why: string;
}

/** The values of every node of `outputs` (outputs first) and the largest finite magnitude among them. */
export interface Evaluation {
  readonly outputs: Tensor[];
  readonly scale: number;
  /** True when every value computed, intermediates included, is finite. */
  readonly finite: boolean;
}

/**
 * Evaluates `outputs` and every intermediate node, returning the outputs and the magnitude scale.
 *
 * @example evaluateWithScale([T.sub(T.add(x, 1e10), 1e10)], { x: 1 }).scale // 10000000001
 */
export function evaluateWithScale(outputs: readonly Node[], values: InputValues): Evaluation {
  const nodes = topoSort(outputs);
  const all = evaluate(nodes, values);
  let scale = 0;
  let finite = true;
  for (const t of all)
    for (const v of t.data) {
      const m = Math.abs(v);
      if (m !== Infinity && m > scale) scale = m;
      if (!Number.isFinite(v)) finite = false;
    }
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  return { outputs: outputs.map((o) => all[index.get(o.id)!]), scale, finite };
}

/**
 * The first element where `actual` disagrees with `expected` under the tolerance rule, or undefined.
 *
 * @example compareOutputs([Tensor.scalar(1)], [Tensor.scalar(1 + 1e-12)], 1) // undefined
 */
export function compareOutputs(
  expected: readonly Tensor[],
  actual: readonly Tensor[],
  scale: number,
  options: CompareOptions = {},
): Mismatch | undefined {
  if (expected.length !== actual.length)
    return {
      output: -1,
      index: -1,
      expected: expected.length,
      actual: actual.length,
      tolerance: 0,
      why: 'output count differs',
    };
  for (let o = 0; o < expected.length; o++) {
    const e = expected[o];
    const a = actual[o];
    const header = { output: o, index: -1, expected: Number.NaN, actual: Number.NaN, tolerance: 0 };
    if (e.dtype !== a.dtype) return { ...header, why: `dtype ${e.dtype} became ${a.dtype}` };
    if (e.shape.length !== a.shape.length || e.shape.some((d, i) => d !== a.shape[i]))
      return { ...header, why: `shape ${formatShape(e.shape)} became ${formatShape(a.shape)}` };
    const rtol = options.rtol ?? (e.dtype === 'f64' ? 1e-7 : 1e-3);
    const exact = e.dtype !== 'f64' && e.dtype !== 'f32';
    for (let i = 0; i < e.data.length; i++) {
      const x = e.data[i];
      const y = a.data[i];
      const tolerance = exact ? 0 : rtol * (Math.max(Math.abs(x), Math.abs(y)) + scale);
      const at = { output: o, index: i, expected: x, actual: y, tolerance };
      if (Object.is(x, y) || x === y) continue;
      if (Number.isNaN(x) && Number.isNaN(y)) continue;
      const finiteX = Number.isFinite(x);
      const finiteY = Number.isFinite(y);
      if (!finiteX && options.finiteOnly) continue;
      if (!finiteX && finiteY) {
        if (options.allowStabilization) continue;
        return {
          ...at,
          why: `the original gives ${x}, the other side ${y} (pass { allowStabilization: true } if the other side is a stabilized form; graphs from optimize get it when a stabilizing rule fired)`,
        };
      }
      if (!finiteX || !finiteY) return { ...at, why: 'non-finite values differ' };
      if (Math.abs(x - y) > tolerance) return { ...at, why: `|difference| ${Math.abs(x - y)} > tolerance` };
    }
  }
  return undefined;
}

/** A pair of graphs that evaluate differently; the message says where and on which inputs. */
export class EquivalenceError extends SaturnError {
  override name = 'EquivalenceError';
  constructor(
    message: string,
    readonly mismatch: Mismatch,
    readonly inputs: Readonly<Record<string, Tensor>>,
    readonly seed: number,
    /** When the other side came from `optimize`: the `unsafe` rules that fired there (may explain it). */
    readonly unsafeRules: readonly string[] = [],
  ) {
    super(message);
  }
}

/** Options of {@link assertEquivalent}. */
export interface EquivalenceOptions extends CompareOptions {
  /** Random input sets to try (default 20); ignored when `inputs` is given. */
  readonly runs?: number;
  /** Seed of the first run's inputs; run k uses `seed + k` (default: random, printed on failure). */
  readonly seed?: number;
  /** Fixed values for some or all inputs; the others are drawn at random (one run when all are fixed). */
  readonly inputs?: Readonly<Record<string, Tensor>>;
  /**
   * Domain of random inputs (default [-10, 10]), for all inputs or per input name:
   * `{ y: [0, 1], x: 'any', n: 'integer', mask: 'boolean' }` (see `InputDomain`); `'any'` for all.
   */
  readonly domain?: Domains;
  /**
   * Draw edge values on purpose besides random ones (default true): those of each input's domain among
   * 0, -0, ±1, exact integers, tiny magnitudes and subnormals; with `'any'` also huge ones, NaN and ±Inf.
   */
  readonly edges?: boolean;
  /** Largest size of a symbolic dim (default 4). */
  readonly maxDim?: number;
  /** A float64 formulation of the same function that stabilized values must be close to. */
  readonly reference?: Node | readonly Node[];
}

const asList = (x: Node | readonly Node[]): readonly Node[] => (Array.isArray(x) ? x : [x as Node]);

/**
 * Evaluates both graphs (or lists of outputs) on the same random inputs and throws an
 * {@link EquivalenceError} at the first disagreement beyond the tolerance rule of this module.
 *
 * Run k puts the k-th edge value of each input's domain first and mixes others in (`edges`). When the
 * second graph is what `optimize` returned, stabilization is allowed if a stabilizing rule fired there
 * (unless `allowStabilization` says otherwise), and a difference where an `unsafe` rule fired says so.
 *
 * @example
 * const x = T.vector('x', 'f64');
 * assertEquivalent(T.log(T.exp(x)), x, { domain: { min: -5, max: 5 }, seed: 1 }); // passes
 * assertEquivalent(T.sin(x), x, { seed: 1 }); // throws EquivalenceError
 */
export function assertEquivalent(
  a: Node | readonly Node[],
  b: Node | readonly Node[],
  options: EquivalenceOptions = {},
): void {
  const left = asList(a);
  const right = asList(b);
  const made = optimizedBy(right[0]);
  const provenance = made && right.every((r) => optimizedBy(r) === made) ? made : undefined;
  const unsafeRules = provenance ? unsafeRulesFired(provenance) : [];
  options = {
    ...options,
    allowStabilization:
      options.allowStabilization ??
      (provenance !== undefined &&
        (provenance.report.stabilized || stabilizedBy(provenance.library, provenance.report))),
  };
  const reference = options.reference === undefined ? undefined : asList(options.reference);
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const all = [...left, ...right, ...(reference ?? [])];
  const fixed = options.inputs ?? {};
  const allFixed = graphInputs(all).every((n) => n.inputName! in fixed);
  const runs = allFixed ? 1 : (options.runs ?? 20);
  for (let run = 0; run < runs; run++) {
    const runSeed = seed + run;
    const { values, original, other } = evaluateBoth(all, left, right, runSeed, options);
    let mismatch: Mismatch | undefined;
    if (!(other instanceof Error)) {
      const scale = Math.max(original.scale, other.scale);
      mismatch = compareOutputs(original.outputs, other.outputs, scale, options);
      if (!mismatch && reference && options.allowStabilization) {
        const truth = evaluateWithScale(reference, valuesFor(reference, values));
        const truthScale = Math.max(scale, truth.scale);
        mismatch = compareStabilized(original.outputs, other.outputs, truth.outputs, truthScale, options);
      }
    } else {
      const why = `the other side fails to evaluate: ${other.name}: ${other.message}`;
      mismatch = { output: -1, index: -1, expected: Number.NaN, actual: Number.NaN, tolerance: 0, why };
    }
    if (mismatch) {
      const actual = other instanceof Error ? [] : other.outputs;
      const message = describeFailure(left, right, values, original.outputs, actual, mismatch, runSeed);
      const unsafe = unsafeNote(unsafeRules, mismatch, values, original.outputs);
      throw new EquivalenceError(
        unsafe ? `${unsafe}\n${message}` : message,
        mismatch,
        values,
        runSeed,
        unsafeRules,
      );
    }
  }
}

/**
 * "equal on the reals; differs at x = 0 (NaN vs 1) because rule div-self-any [unsafe] fired; …" when
 * unsafe rules fired and the difference is at an IEEE edge (a NaN, an infinity or a zero in the
 * inputs at that element, or a non-finite value on either side); else undefined.
 */
function unsafeNote(
  rules: readonly string[],
  m: Mismatch,
  inputs: Readonly<Record<string, Tensor>>,
  expected: readonly Tensor[],
): string | undefined {
  if (rules.length === 0 || m.index < 0) return undefined;
  const size = expected[m.output]?.size;
  // Inputs with one value per output element show the element's own inputs; others all their edges.
  const at = Object.entries(inputs).flatMap(([name, t]) => {
    const values = t.size === size ? [t.data[m.index]] : Array.from(t.data);
    const edges = values.filter((v) => v === 0 || !Number.isFinite(v));
    return t.size === size
      ? [`${name} = ${formatValue(values[0])}`]
      : edges.length
        ? [`${name} ∋ ${edges.map(formatValue).join(', ')}`]
        : [];
  });
  const edge =
    !Number.isFinite(m.expected) ||
    !Number.isFinite(m.actual) ||
    Object.values(inputs).some((t) => t.data.some((v) => v === 0 || !Number.isFinite(v)));
  if (!edge) return undefined;
  const which = rules.map((r) => `${r} [unsafe]`).join(', ');
  return (
    `equal on the reals; differs at ${at.join(', ') || 'these inputs'} (${formatValue(m.expected)} vs ${formatValue(m.actual)}) ` +
    `because rule${rules.length > 1 ? 's' : ''} ${which} fired; exclude 'unsafe' to keep IEEE semantics ` +
    `(optimize(g, { exclude: ['unsafe'] }), saturn … --exclude unsafe)`
  );
}

const isInputProblem = (e: unknown) =>
  e instanceof ShapeError || e instanceof InputError || e instanceof DTypeError;

/**
 * Draws inputs for one run and evaluates both sides. Symbolic dims get independent sizes first; if
 * either side refuses them (unknown dims that broadcast against each other must agree), one shared
 * size. An error of the original then propagates; one of the other side is returned, to be reported.
 */
function evaluateBoth(
  all: readonly Node[],
  left: readonly Node[],
  right: readonly Node[],
  seed: number,
  options: EquivalenceOptions,
): { values: Record<string, Tensor>; original: Evaluation; other: Evaluation | Error } {
  const draw = (dims: 'independent' | 'shared') =>
    randomInputs(all, seed, {
      domain: options.domain,
      maxDim: options.maxDim,
      dims,
      fixed: options.inputs,
      edges: options.edges ?? true,
      run: seed,
    });
  const evaluateOn = (values: Record<string, Tensor>) => ({
    values,
    original: evaluateWithScale(left, valuesFor(left, values)),
    other: evaluateWithScale(right, valuesFor(right, values)) as Evaluation | Error,
  });
  try {
    return evaluateOn(draw('independent'));
  } catch (e) {
    if (!isInputProblem(e)) throw e;
  }
  const values = draw('shared');
  const original = evaluateWithScale(left, valuesFor(left, values));
  try {
    return { values, original, other: evaluateWithScale(right, valuesFor(right, values)) };
  } catch (e) {
    if (!isInputProblem(e)) throw e;
    return { values, original, other: e as Error };
  }
}

/** Where the original is non-finite and the other side finite, the other side must match the reference. */
function compareStabilized(
  original: readonly Tensor[],
  other: readonly Tensor[],
  reference: readonly Tensor[],
  scale: number,
  options: CompareOptions,
): Mismatch | undefined {
  for (let o = 0; o < original.length; o++) {
    const rtol = options.rtol ?? (original[o].dtype === 'f64' ? 1e-7 : 1e-3);
    for (let i = 0; i < original[o].data.length; i++) {
      const y = other[o].data[i];
      const x = reference[o].data[i];
      if (Number.isFinite(original[o].data[i]) || !Number.isFinite(y) || !Number.isFinite(x)) continue;
      const tolerance = rtol * (Math.max(Math.abs(x), Math.abs(y)) + scale);
      if (Math.abs(x - y) > tolerance)
        return {
          output: o,
          index: i,
          expected: x,
          actual: y,
          tolerance,
          why: 'stabilized value is not close to the reference',
        };
    }
  }
  return undefined;
}

/**
 * Prints a tensor with NaN and ±Inf spelled out (JSON would print null), at most 64 elements.
 *
 * @example showTensor(Tensor.from([1, NaN], [2], 'f64')) // 'f64[2] 1, NaN'
 */
export function showTensor(t: Tensor): string {
  const items = Array.from(t.data.subarray(0, 64), formatValue);
  const more = t.data.length > 64 ? `, … (${t.data.length} elements)` : '';
  return `${t.dtype}${formatShape(t.shape)} ${items.join(', ')}${more}`;
}

/** The graphs, the inputs, both values and the seed: everything needed to reproduce a failure. */
export function describeFailure(
  a: readonly Node[],
  b: readonly Node[],
  inputs: Readonly<Record<string, Tensor>>,
  expected: readonly Tensor[],
  actual: readonly Tensor[],
  mismatch: Mismatch,
  seed: number,
): string {
  const where = mismatch.index < 0 ? '' : ` at element ${mismatch.index}`;
  const lines = [
    `not equivalent: output ${mismatch.output}${where}: ${mismatch.why}`,
    mismatch.index < 0
      ? ''
      : `  expected ${mismatch.expected}, got ${mismatch.actual} (tolerance ${mismatch.tolerance})`,
    `original:\n${indent(formatDecls(a))}\n  ${formatExpr(a)}`,
    `other:\n  ${formatExpr(b)}`,
    `inputs (seed ${seed}):`,
    ...Object.entries(inputs).map(([name, t]) => `  ${name} = ${showTensor(t)}`),
    'original values:',
    ...expected.map((t) => `  ${showTensor(t)}`),
    'other values:',
    ...actual.map((t) => `  ${showTensor(t)}`),
  ];
  return lines.filter((l) => l !== '').join('\n');
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
