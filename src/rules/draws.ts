/**
 * Random instances of a rule's left side, for `rules check`: which shapes and attribute values fit the
 * pattern (found once per rule by type-checking a small candidate set with the op table's `infer`), and
 * fast-check arbitraries of dtypes and values for its variables. Drawing from pre-checked type templates
 * keeps ill-typed draws rare even where ops constrain shapes (`dot` needs matching inner dims).
 */
import { foldTree, preorder } from '../egraph/fold.js';
import { prng } from '../graph/random.js';
import fc from 'fast-check';
import { typeApplication, weakDType } from '../graph/apply.js';
import { castValue, type DType } from '../graph/dtype.js';
import type { AttrSpec, AttrValue, TypeInfo } from '../graph/op-def.js';
import { getOp } from '../graph/op-table.js';
import { patternArgs, patternVariables, type RulePattern } from './pattern.js';

/** Shapes a tensor variable may take; the first ones are the simplest, so shrinking prefers them. */
export const CANDIDATE_SHAPES: readonly (readonly number[])[] = [
  [],
  [3],
  [2, 3],
  [3, 2],
  [3, 3],
  [1],
  [2],
  [1, 3],
  [3, 1],
  [1, 1],
  [1, 2, 3],
  [2, 1, 3],
  [1, 2, 1, 3],
];

/** The largest number of elements of a candidate shape: every variable draws this many values. */
export const MAX_ELEMENTS = 9;

/** One way to type a left side: a shape per tensor variable and a value per attribute variable. */
export interface TypeTemplate {
  readonly shapes: Readonly<Record<string, readonly number[]>>;
  readonly attrs: Readonly<Record<string, AttrValue>>;
}

/** Candidate values of an attribute variable, by the attribute's type. */
function attrCandidates(spec: AttrSpec): AttrValue[] {
  switch (spec.type) {
    case 'axes':
      return [null, [0], [1], [0, 1]];
    case 'bool':
      return [false, true];
    case 'dtype':
      return ['f64', 'f32', 'i64', 'i32', 'bool'];
    case 'int':
      return [0, 1, 2, -1];
    case 'number':
      return [0, 1, 2, 0.5];
    case 'ints':
      return [[0, 1], [1, 0], [0], []];
    case 'optInts':
      return [[0], [1], [null]];
    case 'shape':
      return [[], [1], [2], [3], [6], [9], [2, 3], [3, 2], [1, 3], [3, 1], [3, 3], [1, 1]];
    case 'string':
      return [''];
    case 'tensor':
      return [];
  }
}

/** The spec of every attribute variable of a pattern (the first op that binds it decides). */
export function attrVarSpecs(p: RulePattern): Map<string, AttrSpec> {
  const out = new Map<string, AttrSpec>();
  for (const q of preorder(p, patternArgs)) {
    if (q.kind !== 'op') continue;
    const def = getOp(q.op);
    for (const [name, a] of Object.entries(q.attrs))
      if (a.kind === 'var' && !out.has(a.name) && def.attrs[name]) out.set(a.name, def.attrs[name]);
  }
  return out;
}

/**
 * The type of a pattern for given variable types and attribute values; throws where the op table
 * refuses it. Literals are weak scalars, typed like their siblings (as graph building and the rule
 * applier type them).
 *
 * @example patternType(lhs, new Map([['?x', { dtype: 'f64', shape: [3] }]]), new Map()) // { dtype: 'f64', shape: [3] }
 */
export function patternType(
  p: RulePattern,
  vars: ReadonlyMap<string, TypeInfo>,
  attrs: ReadonlyMap<string, AttrValue>,
): TypeInfo {
  const literalType = (value: number, siblings: readonly TypeInfo[]): TypeInfo => ({
    dtype: weakDType(
      value,
      siblings.map((s) => s.dtype),
    ),
    shape: [],
  });
  if (p.kind === 'literal') return literalType(p.value, []);
  // A literal arg is typed by its op, once the op's other args are (undefined until then).
  return foldTree<RulePattern, TypeInfo | undefined>(p, patternArgs, (q, known) => {
    if (q.kind === 'literal') return undefined;
    if (q.kind === 'var') {
      const t = vars.get(q.name);
      if (!t) throw new Error(`${q.name} has no type`);
      return t;
    }
    const defined = known.filter((k): k is TypeInfo => k !== undefined);
    const args = q.args.map((a, i) => known[i] ?? literalType((a as { value: number }).value, defined));
    const given: Record<string, unknown> = {};
    for (const [name, a] of Object.entries(q.attrs))
      given[name] = a.kind === 'var' ? attrs.get(a.name) : a.value;
    return typeApplication(getOp(q.op), args, given).type;
  })!;
}

/** `k` written in the mixed radix `sizes`, least significant first. */
function digits(k: number, sizes: readonly number[]): number[] {
  let rest = k;
  return sizes.map((n) => {
    const d = rest % n;
    rest = Math.floor(rest / n);
    return d;
  });
}

/**
 * The type templates under which a left side type-checks in f64, simplest first. The product of the
 * candidate sets is enumerated when small and sampled (with `seed`) when not.
 *
 * @example typeTemplates(compileRule('dot(?x, ?y)').lhs).every((t) => t.shapes['?x'].length > 0) // true
 */
export function typeTemplates(lhs: RulePattern, seed = 1, budget = 3000, keep = 200): TypeTemplate[] {
  const { classVars } = patternVariables(lhs);
  const specs = attrVarSpecs(lhs);
  const axes: { name: string; kind: 'shape' | 'attr'; options: readonly unknown[] }[] = [
    ...classVars.map((name) => ({ name, kind: 'shape' as const, options: CANDIDATE_SHAPES })),
    ...[...specs].map(([name, spec]) => ({ name, kind: 'attr' as const, options: attrCandidates(spec) })),
  ];
  const total = axes.reduce((n, a) => n * a.options.length, 1);
  const random = prng(seed);
  const picks: number[][] = [];
  if (total <= budget) {
    for (let k = 0; k < total; k++)
      picks.push(
        digits(
          k,
          axes.map((a) => a.options.length),
        ),
      );
  } else {
    // Every combination of the simplest candidates, then random ones over all of them.
    const k = Math.max(2, Math.floor((budget / 2) ** (1 / axes.length)));
    const sizes = axes.map((a) => Math.min(k, a.options.length));
    const small = sizes.reduce((n, s) => n * s, 1);
    for (let i = 0; i < small; i++) picks.push(digits(i, sizes));
    for (let i = small; i < budget; i++) picks.push(axes.map((a) => Math.floor(random() * a.options.length)));
  }
  const found: { template: TypeTemplate; weight: number }[] = [];
  const seen = new Set<string>();
  for (const pick of picks) {
    const vars = new Map<string, TypeInfo>();
    const attrs = new Map<string, AttrValue>();
    const shapes: Record<string, readonly number[]> = {};
    axes.forEach((a, i) => {
      const v = a.options[pick[i]];
      if (a.kind === 'shape') {
        vars.set(a.name, { dtype: 'f64', shape: v as number[] });
        shapes[a.name] = v as number[];
      } else attrs.set(a.name, v as AttrValue);
    });
    try {
      patternType(lhs, vars, attrs);
    } catch {
      continue;
    }
    const key = JSON.stringify([shapes, [...attrs]]);
    if (seen.has(key)) continue;
    seen.add(key);
    const weight = pick.reduce((s, i) => s + i, 0);
    found.push({ template: { shapes, attrs: Object.fromEntries(attrs) }, weight });
  }
  found.sort((a, b) => a.weight - b.weight);
  if (found.length <= keep) return found.map((f) => f.template);
  // Keep the simplest and an even spread of the rest.
  const step = found.length / keep;
  return Array.from({ length: keep }, (_, i) => found[Math.floor(i * step)].template);
}

/** What values a draw may hold. */
export interface ValueOptions {
  /** Leave out exact zeros (rules tagged `unsafe` are checked away from their known failures). */
  readonly nonzero?: boolean;
  /** Leave out the edges of the number formats ({@link EDGE_VALUES}): `unsafe` rules ignore overflow by design. */
  readonly noEdges?: boolean;
  /** The dtypes to draw (default {@link DEFAULT_DTYPES}). */
  readonly dtypes?: readonly DType[];
}

const F64_MAX = Number.MAX_VALUE;
const F32_MAX = 3.4028234663852886e38;
const F64_MIN_NORMAL = 2.2250738585072014e-308;
const F32_MIN_NORMAL = 1.1754943508222875e-38;

/**
 * Values at the edges of the number formats, where rules that hold on the reals break in floats or in
 * modular integers: ±0, subnormals, the smallest normals, the overflow thresholds of the dtype, of its
 * square and of its exponential, and integers next to ±2³¹ (i32 wrap), the square root of 2³¹ (a square
 * that wraps) and 2⁵³ (the last integer a double holds exactly). Each is drawn for every dtype and cast
 * by {@link castDrawn} (an f64 edge beyond f32's range becomes f32's largest value).
 */
export const EDGE_VALUES: readonly number[] = [
  // zeros and subnormals
  -0,
  Number.MIN_VALUE,
  1e-310,
  -1e-310,
  1.4e-45,
  1e-40,
  -1e-40,
  // smallest normals
  F64_MIN_NORMAL,
  F32_MIN_NORMAL,
  -F32_MIN_NORMAL,
  // overflow thresholds: the format's, its square's, its exponential's
  F64_MAX,
  -F64_MAX,
  1e308,
  -1e308,
  F32_MAX,
  -F32_MAX,
  1e38,
  Math.sqrt(F64_MAX),
  1.8446744e19,
  709.78,
  710,
  -745.2,
  88.72,
  89,
  -103.9,
  // integers: i32 wrap, squares that wrap, the end of exact doubles
  2 ** 31 - 1,
  -(2 ** 31),
  2 ** 30,
  46341,
  -46341,
  2 ** 53,
  2 ** 53 - 1,
];

/**
 * An element value: simple numbers, moderate and large magnitudes, small ones, and the edges of the
 * number formats ({@link EDGE_VALUES}), with `edge` (and its negation) more likely than the others so
 * that one draw meets the same edge in several places (x = y = 1e308 overflows x + y). Never NaN or
 * Inf: rules are checked on finite inputs.
 *
 * @example fc.sample(arbElement(), 3) // e.g. [0, -3.25, 1e-310]
 */
export function arbElement(options: ValueOptions = {}, edge?: number): fc.Arbitrary<number> {
  const ordinary = [
    { weight: 3, arbitrary: fc.constantFrom(0, 1, -1, 2, -2, 0.5, -0.5, 3) },
    { weight: 6, arbitrary: fc.double({ min: -10, max: 10, noNaN: true }) },
    { weight: 1, arbitrary: fc.double({ min: -1000, max: 1000, noNaN: true }) },
    { weight: 1, arbitrary: fc.double({ min: -1e-6, max: 1e-6, noNaN: true }) },
  ];
  const element = options.noEdges
    ? fc
        .oneof(...ordinary)
        // Away from the edges: no subnormals either.
        .map((v) => (Math.abs(v) < 1e-12 ? 0 : v))
    : fc.oneof(
        ...ordinary,
        { weight: 3, arbitrary: fc.constantFrom(...EDGE_VALUES) },
        ...(edge === undefined ? [] : [{ weight: 8, arbitrary: fc.constantFrom(edge, edge, -edge) }]),
      );
  return options.nonzero ? element.filter((v) => v !== 0) : element;
}

/**
 * The largest i64 magnitude drawn: the reference interpreter holds i64 in float64, exact up to 2⁵³, so
 * i64 draws stay where a product and a few sums of them are still exact.
 */
const I64_DRAWN = 2 ** 25;

/** The dtypes drawn by default. `bool` is opt-in: `neg` of a bool is the bool itself, so every rule that moves a sign is wrong on bools. */
export const DEFAULT_DTYPES: readonly DType[] = ['f64', 'f32', 'i64', 'i32'];

const DTYPE_WEIGHTS: Readonly<Record<DType, number>> = { f64: 12, f32: 3, i64: 2, i32: 3, bool: 1 };

/** Dtypes a variable may take, from `dtypes`: mostly f64 (the reference precision) when it is among them. */
export function arbDType(dtypes: readonly DType[] = DEFAULT_DTYPES): fc.Arbitrary<DType> {
  return fc.oneof(...dtypes.map((d) => ({ weight: DTYPE_WEIGHTS[d], arbitrary: fc.constant(d) })));
}

/** One draw: a template index, a dtype and `MAX_ELEMENTS` values per variable. */
export interface Draw {
  readonly template: number;
  readonly dtypes: readonly DType[];
  readonly values: readonly (readonly number[])[];
}

/**
 * Draws for a rule with `vars` tensor variables over `templates` type templates.
 *
 * @example fc.sample(arbDraw(2, 10), 1)[0].values.length // 2
 */
export function arbDraw(vars: number, templates: number, options: ValueOptions = {}): fc.Arbitrary<Draw> {
  // Each draw favours one edge of the number formats, shared by all its variables.
  return fc.constantFrom(...EDGE_VALUES).chain((edge) =>
    fc.record({
      template: fc.integer({ min: 0, max: Math.max(0, templates - 1) }),
      dtypes: fc.array(arbDType(options.dtypes), { minLength: vars, maxLength: vars }),
      values: fc.array(
        fc.array(arbElement(options, edge), { minLength: MAX_ELEMENTS, maxLength: MAX_ELEMENTS }),
        { minLength: vars, maxLength: vars },
      ),
    }),
  );
}

/**
 * A drawn value as the dtype holds it: integers rounded (i32 wrapped, i64 kept within ±2²⁵), f32
 * clamped to its finite range, booleans as 0 and 1; with `nonzero`, a value that rounds to 0 becomes 1.
 *
 * @example castDrawn(0.4, 'i64', true) // 1
 */
export function castDrawn(v: number, dtype: DType, nonzero = false): number {
  const cast =
    dtype === 'bool'
      ? v > 0
        ? 1
        : 0
      : dtype === 'i32'
        ? castValue(Math.round(v), 'i32')
        : dtype === 'i64'
          ? Math.max(-I64_DRAWN, Math.min(I64_DRAWN, Math.round(v)))
          : dtype === 'f32'
            ? Math.max(-F32_MAX, Math.min(F32_MAX, v))
            : v;
  return nonzero && cast === 0 ? 1 : cast;
}
