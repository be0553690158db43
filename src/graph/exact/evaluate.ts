/**
 * The exact reference: evaluates a graph on the real numbers (30-digit decimals with an exponent range
 * no float reaches), so that an optimized graph and its original can both be measured against the value
 * they approximate. Float ops do not round (a `cast` to f32 is the identity on a real); integer ops wrap
 * modulo 2³² (i32) or 2⁶⁴ (i64) as numpy's do, so for integer dtypes the reference is the computed value.
 *
 * Only the arithmetic is new here: where an op moves elements without computing (layout, slicing,
 * broadcasting), the reference interpreter runs it on tensors of element indices and the decimals follow
 * the indices; reductions, lanes and `dot` group elements the way their float kernels do.
 */
import { isInteger, type DType } from '../dtype.js';
import { InputError } from '../errors.js';
import { bindInputs, type InputValues, resolveAttrs } from '../interpret.js';
import type { Node } from '../node.js';
import type { Attrs, ConcreteType } from '../op-def.js';
import { getOp } from '../op-table.js';
import { mapElementwise } from '../ops/kernels.js';
import { sizeOf, stridesOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { topoSort } from '../topo.js';
import { EXACT_SCALAR, Exact, fromDouble } from './decimal-math.js';
import { argOfLevels, STRICTLY_INCREASING } from './arg-extreme.js';
import { fastExactValue } from './fast.js';

/** A tensor of exact values: the shape and dtype of the float tensor it stands for. */
export interface ExactTensor {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: readonly Exact[];
  /**
   * Whether a value on the way overflowed even the decimal range (e^(1e154)): then ±Inf and NaN in this
   * tensor are artifacts of the reference, not the exact value.
   */
  readonly overflowed: boolean;
  /** Whether a nonzero value underflowed the decimal range to 0 (e^(-1e154)): then a zero's sign is unknown. */
  readonly underflowed: boolean;
  /**
   * Whether a sum of nonzero values cancelled to exactly 0 on the way: at this precision a tiny input
   * may have been rounded away (1 - e^(1e-300) is 0 at 30 digits), so a higher one is needed to know.
   */
  readonly cancelled: boolean;
  /** Whether a zero came from a cancellation of nonzero values, whose sign the reals do not tell. */
  readonly signLost: boolean;
}

/** Ops whose exact zero may be a cancellation. */
const CANCELLING = new Set(['add', 'sub', 'sum', 'mean', 'gemm', 'dot', 'expm1', 'log', 'log1p']);

/** Ops whose infinite results from finite arguments are poles (1/0, log 0), not overflow. */
const POLES = new Set(['div', 'reciprocal', 'log', 'log1p', 'log1mexp', 'tan', 'int_div', 'pow']);

/** Ops whose zero results from nonzero arguments can only be underflow (sums cancel exactly instead). */
const SHRINKING = new Set([
  'exp',
  'mul',
  'div',
  'sqr',
  'reciprocal',
  'pow',
  'sigmoid',
  'softplus',
  'prod',
  'expm1',
  'log1p',
  'erfc',
  'softmax',
  'dot',
  'gemm',
]);

/** The reference's value rounded to float64, then to the tensor's dtype. */
export function toTensor(t: ExactTensor): Tensor {
  return Tensor.from(
    t.data.map((v) => v.toNumber()),
    t.shape,
    t.dtype,
  );
}

const TWO_32 = new Exact(2).pow(32);
const TWO_64 = new Exact(2).pow(64);

/** A real as the dtype holds it: floats exactly; integers truncated and wrapped; bools as 0 or 1. */
function castExact(v: Exact, dtype: DType): Exact {
  if (dtype === 'f32' || dtype === 'f64') return v;
  if (dtype === 'bool') return new Exact(v.isZero() ? 0 : 1);
  if (!v.isFinite()) return new Exact(0);
  const modulus = dtype === 'i32' ? TWO_32 : TWO_64;
  const half = modulus.div(2);
  const wrapped = v.trunc().mod(modulus);
  const positive = wrapped.isNeg() ? wrapped.plus(modulus) : wrapped;
  return positive.gte(half) ? positive.minus(modulus) : positive;
}

/** Float64 tensors of element indices, offset per argument so that one index names one element. */
function indexTensors(args: readonly ExactTensor[]): { tensors: Tensor[]; lookup: Exact[] } {
  const lookup: Exact[] = [];
  const tensors = args.map((a) => {
    const offset = lookup.length;
    lookup.push(...a.data);
    return Tensor.wrap(
      Float64Array.from(a.data, (_, i) => offset + i),
      a.shape,
      'f64',
    );
  });
  return { tensors, lookup };
}

/** For each element of `shape`, the flat index of its group after reducing `axes` (row-major groups). */
function groupsOf(shape: readonly number[], axes: readonly number[]): { group: Int32Array; count: number } {
  const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const strides = stridesOf(kept).map((s, i) => (axes.includes(i) ? 0 : s));
  const n = sizeOf(shape);
  const group = new Int32Array(n);
  const index = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    group[i] = index.reduce((g, k, d) => g + k * strides[d], 0);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
  }
  return { group, count: sizeOf(kept) };
}

const axesOf = (attrs: Attrs, rank: number): number[] =>
  attrs.axis === null || attrs.axis === undefined
    ? Array.from({ length: rank }, (_, i) => i)
    : (attrs.axis as number[]);

/** The elements of each group, in row-major order. */
function grouped(x: ExactTensor, axes: readonly number[]): Exact[][] {
  const { group, count } = groupsOf(x.shape, axes);
  const out: Exact[][] = Array.from({ length: count }, () => []);
  x.data.forEach((v, i) => out[group[i]].push(v));
  return out;
}

const sumOf = (vs: readonly Exact[]) => vs.reduce((a, v) => a.plus(v), new Exact(0));
const firstNaN = (vs: readonly Exact[]) => vs.find((v) => v.isNaN());
const maxOf = (vs: readonly Exact[]) =>
  firstNaN(vs) ?? vs.reduce((a, v) => (v.gt(a) ? v : a), new Exact(Number.NEGATIVE_INFINITY));
const minOf = (vs: readonly Exact[]) =>
  firstNaN(vs) ?? vs.reduce((a, v) => (v.lt(a) ? v : a), new Exact(Number.POSITIVE_INFINITY));
function logsumexp(vs: readonly Exact[]): Exact {
  const m = maxOf(vs);
  if (!m.isFinite()) return m;
  return m.plus(Exact.ln(sumOf(vs.map((v) => Exact.exp(v.minus(m))))));
}

const REDUCE: Readonly<Record<string, (vs: readonly Exact[]) => Exact>> = {
  sum: sumOf,
  prod: (vs) => vs.reduce((a, v) => a.times(v), new Exact(1)),
  max: maxOf,
  min: minOf,
  mean: (vs) => sumOf(vs).div(vs.length),
  all: (vs) => new Exact(vs.every((v) => !v.isZero()) ? 1 : 0),
  any: (vs) => new Exact(vs.some((v) => !v.isZero()) ? 1 : 0),
  logsumexp,
};

const ARG_OPS = new Set(['argmax', 'argmin']);

/**
 * argmax / argmin of a node on the reals (see arg-extreme.ts), with the tensors its argument was
 * computed from through strictly increasing maps to break ties. An index among infinities past the
 * decimal range is unknown (NaN: the caller takes it from another form, see decimalExactValue).
 * `tied` when a lane ties at every level: more digits may still tell them apart.
 */
function argExact(
  node: Node,
  attrs: Attrs,
  values: ReadonlyMap<number, ExactTensor>,
): { data: Exact[]; tied: boolean } {
  const levels: ExactTensor[] = [values.get(node.args[0].id)!];
  for (let n = node.args[0]; STRICTLY_INCREASING.has(n.op); n = n.args[0]) {
    const inner = values.get(n.args[0].id)!;
    if (inner.data.length !== levels[0].data.length) break;
    levels.push(inner);
  }
  const x = levels[0];
  const axes = attrs.axis === null ? x.shape.map((_, i) => i) : [attrs.axis as number];
  const lanes = levels.map((t) => grouped(t, axes));
  const deepest = levels[levels.length - 1];
  let tied = false;
  const data = lanes[0].map((_, g) => {
    const laneLevels = lanes.map((l) => l[g]);
    if (deepest.overflowed && laneLevels[laneLevels.length - 1].some((v) => !v.isFinite()))
      return new Exact(Number.NaN);
    const found = argOfLevels(node.op as 'argmax' | 'argmin', laneLevels);
    tied ||= found.tied;
    return new Exact(found.index);
  });
  return { data, tied };
}

const LANE: Readonly<Record<string, (vs: readonly Exact[]) => Exact[]>> = {
  softmax: (vs) => {
    const lse = logsumexp(vs);
    return vs.map((v) => Exact.exp(v.minus(lse)));
  },
  log_softmax: (vs) => {
    const lse = logsumexp(vs);
    return vs.map((v) => v.minus(lse));
  },
};

/** dot with numpy's semantics for vectors and matrices (a vector is a row on the left, a column on the right). */
function dotExact(a: ExactTensor, b: ExactTensor): Exact[] {
  const m = a.shape.length === 2 ? a.shape[0] : 1;
  const k = a.shape[a.shape.length - 1];
  const n = b.shape.length === 2 ? b.shape[1] : 1;
  const out: Exact[] = [];
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = new Exact(0);
      for (let p = 0; p < k; p++) s = s.plus(a.data[i * k + p].times(b.data[p * n + j]));
      out.push(s);
    }
  return out;
}

/** Runs an elementwise exact function over broadcast args, in the order the float kernel visits them. */
function elementwise(
  args: readonly ExactTensor[],
  out: ConcreteType,
  fn: (...xs: Exact[]) => Exact,
): Exact[] {
  const { tensors, lookup } = indexTensors(args);
  const result: Exact[] = [];
  mapElementwise(tensors, out.shape, 'f64', (...ix) => {
    result.push(fn(...ix.map((i) => lookup[i])));
    return 0;
  });
  return result;
}

function evaluateNode(
  node: Node,
  args: readonly ExactTensor[],
  attrs: Attrs,
  out: ConcreteType,
  floatValue: () => Tensor,
): Exact[] {
  const op = getOp(node.op);
  const scalar = EXACT_SCALAR[node.op];
  if (scalar) return elementwise(args, out, scalar);
  const reduceFn = REDUCE[node.op];
  if (reduceFn) return grouped(args[0], axesOf(attrs, args[0].shape.length)).map(reduceFn);
  const lane = LANE[node.op];
  if (lane) {
    const x = args[0];
    const axis = (attrs.axis as number) + x.shape.length;
    const { group, count } = groupsOf(x.shape, [axis]);
    const lanes = grouped(x, [axis]).map(lane);
    const next = new Array<number>(count).fill(0);
    return Array.from(group, (g) => lanes[g][next[g]++]);
  }
  if (node.op === 'dot') return dotExact(args[0], args[1]);
  if (node.op === 'gemm') {
    const [z, a, x, y, b] = args;
    const d: ExactTensor = {
      dtype: 'f64',
      shape: out.shape,
      data: dotExact(x, y),
      overflowed: false,
      underflowed: false,
      cancelled: false,
      signLost: false,
    };
    return elementwise([z, a, d, b], out, (zv, av, dv, bv) => bv.times(zv).plus(av.times(dv)));
  }
  if (op.kind === 'layout') {
    const { tensors, lookup } = indexTensors(args);
    const moved = op.evaluate(tensors, attrs, { dtype: 'f64', shape: out.shape });
    return Array.from(moved.data, (i) => lookup[i]);
  }
  // Leaves and constructors (constant, fill, zeros, ones_like, …) compute nothing: their float value is exact.
  if (op.kind === 'leaf' || op.kind === 'constructor') return Array.from(floatValue().data, fromDouble);
  throw new InputError(`the exact reference has no rule for op '${node.op}'`);
}

/**
 * Evaluates outputs exactly (see the module doc). Inputs are given as for `evaluate`.
 *
 * @example
 * const x = T.scalar('x', 'f64');
 * toTensor(evaluateExact([T.exp(x).log()], { x: 800 })[0]).item() // 800 (the float evaluation gives Inf)
 */
export function evaluateExact(outputs: readonly Node[], inputs: InputValues = {}): ExactTensor[] {
  const nodes = topoSort(outputs);
  const dims = new Map<string, number>();
  const values = new Map<number, ExactTensor>();
  for (const [id, t] of bindInputs(nodes, inputs, dims))
    values.set(id, {
      dtype: t.dtype,
      shape: t.shape,
      data: Array.from(t.data, fromDouble),
      overflowed: false,
      underflowed: false,
      cancelled: false,
      signLost: false,
    });
  for (const node of nodes) {
    if (values.has(node.id)) continue;
    const op = getOp(node.op);
    const args = node.args.map((a) => values.get(a.id)!);
    const types = args.map((a) => ({ dtype: a.dtype, shape: a.shape }));
    const resolved = resolveAttrs(node, dims);
    const attrs = op.normalize ? op.normalize(types, resolved) : resolved;
    const out = op.infer(types, attrs) as ConcreteType;
    const floatValue = () =>
      op.evaluate(
        args.map((a) => toTensor(a)),
        attrs,
        out,
      );
    const arg = ARG_OPS.has(node.op) ? argExact(node, attrs, values) : undefined;
    const data = arg?.data ?? evaluateNode(node, args, attrs, out, floatValue);
    // An integer result is wrapped to its dtype; a NaN index (unknown, see argExact) stays NaN.
    const cast =
      isInteger(out.dtype) || out.dtype === 'bool'
        ? data.map((v) => (arg && v.isNaN() ? v : castExact(v, out.dtype)))
        : data;
    const finiteArgs = args.every((a) => a.data.every((v) => v.isFinite()));
    const overflowed =
      args.some((a) => a.overflowed) ||
      (finiteArgs && !POLES.has(node.op) && cast.some((v) => !v.isFinite() && !v.isNaN()));
    const nonzeroArgs = args.every((a) => a.data.every((v) => !v.isZero()));
    const underflowed =
      args.some((a) => a.underflowed) ||
      (nonzeroArgs && SHRINKING.has(node.op) && cast.some((v) => v.isZero()));
    // Any zero of a sum asks for more digits (a zero elsewhere in the args does not make this one exact);
    // its sign is unknown only where it came from nonzero args (0 - x at x = 0 is +0 exactly).
    const cancelling = CANCELLING.has(node.op) && cast.some((v) => v.isZero());
    // A tie for an arg op's extreme is a difference that came out 0: more digits may tell the two apart
    // (-3 + 5e-324 and -3 are one value at 30 digits).
    const cancelled = args.some((a) => a.cancelled) || cancelling || arg?.tied === true;
    const signLost = args.some((a) => a.signLost) || (cancelling && nonzeroArgs);
    values.set(node.id, {
      dtype: out.dtype,
      shape: out.shape,
      data: cast,
      overflowed,
      underflowed,
      cancelled,
      signLost,
    });
  }
  return outputs.map((n) => values.get(n.id)!);
}

/** The precisions tried first, in significant digits. */
const PRECISIONS = [30, 60];

/**
 * Digits the inputs' spread of magnitudes needs on top: 1 - e^x at x = 1e-300 cancels 300 digits, and
 * (1 - y)·s - y·(1 - s) at y = 1e308 as many, which no comparison of two lower precisions reveals (both
 * give 0).
 */
function baseDigits(forms: readonly Node[], inputs: InputValues): number {
  let smallest = 1;
  let largest = 1;
  const scan = (data: ArrayLike<number>) => {
    for (let i = 0; i < data.length; i++) {
      const v = Math.abs(data[i]);
      if (v > 0 && v < smallest) smallest = v;
      if (Number.isFinite(v) && v > largest) largest = v;
    }
  };
  for (const node of topoSort(forms)) if (node.op === 'constant') scan((node.attrs.value as Tensor).data);
  for (const value of Object.values(inputs)) if (value instanceof Tensor) scan(value.data);
  return Math.ceil(Math.log10(largest) - Math.log10(smallest));
}

/** The exact value rounded to float64, and whether a zero in it may have lost its sign. */
export interface ExactValue {
  readonly value: Tensor;
  /** A zero may be an underflow or a cancellation of the reference: its sign is not known. */
  readonly zeroSignUnknown: boolean;
}

/**
 * The exact value of `forms[0]` rounded to float64: for an elementwise float graph by double-double
 * arithmetic where its error bound settles the rounding (`fast.ts`), elsewhere (and for the elements
 * it leaves unsettled) by {@link evaluateExact} at 30 and 60 digits, and
 * where they disagree or a sum cancelled to 0, again with the digits the inputs' spread needs on top.
 * Where the decimal range overflowed on the way, NaN and ±Inf are not the exact value: each such element
 * is taken from the first other form (equal on the reals, say the optimized one) that is finite there,
 * or else not NaN.
 *
 * @example exactValue([T.log1p(T.constant(1e-300))]).value.item() // 1e-300
 */
export function exactValue(forms: readonly Node[], inputs: InputValues = {}): ExactValue {
  return (
    fastExactValue(forms, inputs, (scalars) => decimalExactValue(scalars)) ?? decimalExactValue(forms, inputs)
  );
}

/** {@link exactValue} by decimals alone. */
export function decimalExactValue(forms: readonly Node[], inputs: InputValues = {}): ExactValue {
  const base = baseDigits(forms, inputs);
  const first = converged(forms[0], inputs, base);
  const zeroSignUnknown = first.underflowed || first.signLost;
  if (!first.overflowed || first.value.data.every(Number.isFinite))
    return { value: first.value, zeroSignUnknown };
  const others = forms.slice(1).map((f) => converged(f, inputs, base).value);
  const data = Array.from(first.value.data, (v, i) => {
    if (Number.isFinite(v)) return v;
    const candidates = others.map((o) => o.data[i]);
    return candidates.find(Number.isFinite) ?? candidates.find((c) => !Number.isNaN(c)) ?? v;
  });
  return { value: Tensor.from(data, first.value.shape, 'f64'), zeroSignUnknown: true };
}

function converged(
  form: Node,
  inputs: InputValues,
  base: number,
): { value: Tensor; overflowed: boolean; underflowed: boolean; signLost: boolean } {
  const precision = Exact.precision;
  const at = (digits: number) => {
    Exact.set({ precision: digits });
    const [exact] = evaluateExact([form], inputs);
    return { exact, value: toTensor({ ...exact, dtype: 'f64' }) };
  };
  const same = (a: Tensor, b: Tensor) => a.data.every((v, i) => Object.is(v, b.data[i]));
  try {
    const low = at(PRECISIONS[0]);
    let high = at(PRECISIONS[1]);
    if ((!same(low.value, high.value) || high.exact.cancelled) && base > 0) high = at(base + PRECISIONS[1]);
    const { exact, value } = high;
    return {
      value,
      overflowed: exact.overflowed,
      underflowed: exact.underflowed,
      signLost: exact.signLost,
    };
  } finally {
    Exact.set({ precision });
  }
}
