/**
 * Soundness of rules, checked by evaluation against the accuracy contract: for random shapes, dtypes
 * and values of a rule's variables (fast-check, with shrinking to a minimal counterexample), and for
 * values at the edges of the number formats on purpose (`draws.ts`: ±0, subnormals, overflow
 * thresholds, integers at ±2³¹), build the left side from constants, keep the draw only where the
 * rule's guard holds under the real e-graph analyses, build the right side the way the rule applier
 * would, evaluate both with the reference interpreter (in their dtypes: f32 rounds, i32 wraps), and
 * judge the right side against the exact value (`graph/exact/`), computed only where the sides differ.
 *
 * The judgement, per element (`judge`): integer and boolean results must be identical to the left side's
 * or be the exact value (rounding on the left may tie what the reals keep apart: `argmax(exp(x))` where
 * exp rounds two x to one float, and `argmax(x)` is then the exact index). A float right
 * side must be at least as close to the exact value as the left side, up to `rtol * (|exact| + scale)`,
 * `scale` being the largest finite magnitude among every intermediate value of both sides (rounding
 * differences of a regrouping are bounded by what flows through it; rtol is 1e-7 in f64, 1e-3 in f32).
 * NaN only where the exact value is undefined; ±Inf only where the left side or the exact value
 * (rounded to the dtype) is that infinity. A finite right side where the left overflowed rescues it when
 * it is within tolerance of the exact value (always, for a `replacing` ruleset). A NaN born of a domain
 * error on the left (`log(-1)`) with a finite right side is a failure: that is how `exp(log(?x)) => ?x`
 * without its guard is caught. A zero's sign follows the exact value's; where that is 0 and the draw has
 * no negative value, the left side's (`0 - x => -x` at x = 0 is caught).
 *
 * Rules tagged `unsafe` ignore NaN, Inf, overflow and zero signs by design; they are drawn without zeros
 * and away from the edges.
 */
import fc from 'fast-check';
import { foldTree } from '../egraph/fold.js';
import { Runner } from '../egraph/run.js';
import type { Subst } from '../egraph/rewrite.js';
import { addGraph, createTensorEGraph } from '../egraph/tensor/index.js';
import { apply, constant } from '../graph/apply.js';
import type { Node } from '../graph/node.js';
import type { DType } from '../graph/dtype.js';
import type { AttrValue } from '../graph/op-def.js';
import { castValue } from '../graph/dtype.js';
import { type ExactValue, exactValue } from '../graph/exact/evaluate.js';
import { evaluate, type InputValues } from '../graph/interpret.js';
import { formatShape } from '../graph/shape.js';
import { Tensor } from '../graph/tensor.js';
import { topoSort } from '../graph/topo.js';
import { arbDraw, castDrawn, DEFAULT_DTYPES, type Draw, type TypeTemplate, typeTemplates } from './draws.js';
import { compileGuard } from './guards.js';
import { patternArgs, patternVariables, type RulePattern } from './pattern.js';
import type { CompiledRule } from './rule.js';

/** Options of a soundness check. */
export interface SoundnessOptions {
  /** Draws per rule that satisfy its guard (default 100). */
  readonly runs?: number;
  /** fast-check seed, for reproducible runs. */
  readonly seed?: number;
  /** The rule is a stabilization (its ruleset is `replacing`): a finite right side may replace Inf/NaN. */
  readonly replacing?: boolean;
  /** Dtypes to draw (default f64, f32, i64, i32; add `bool` to check rules on booleans too). */
  readonly dtypes?: readonly DType[];
  /** Draws on which the rule is also run in an e-graph, to see it fire and read its counters (default 12). */
  readonly engineRuns?: number;
}

/** A draw where the two sides disagree, after shrinking. */
export interface Counterexample {
  /** Each tensor variable's value, e.g. `?x = f64[] -1`. */
  readonly bindings: Readonly<Record<string, Tensor>>;
  /** Each attribute variable's value. */
  readonly attrs: Readonly<Record<string, AttrValue>>;
  readonly lhs: Tensor;
  readonly rhs: Tensor;
  /** Where and how they differ. */
  readonly why: string;
}

/** What checking one rule found. */
export interface SoundnessResult {
  readonly rule: string;
  /** `ok`: every draw agreed; `unsound`: a counterexample; `untested`: too few draws fit the rule. */
  readonly status: 'ok' | 'unsound' | 'untested';
  readonly unsafe: boolean;
  /** Draws that were compared. */
  readonly runs: number;
  /** Draws left out, by why: the left side did not type-check, the guard was false, the right side was ill-typed or changed the type. */
  readonly skipped: Readonly<Record<'lhs-ill-typed' | 'guard' | 'rhs-ill-typed' | 'type-changed', number>>;
  /** Draws where the left side overflowed and the right side gave the finite value. */
  readonly rescued: number;
  /** Engine runs (one iteration on the left side alone) where the rule applied, and where it refused a type change. */
  readonly engine: {
    /** Runs on draws whose right side keeps the type, and on draws where it changes it. */
    readonly runs: number;
    readonly typeChangedRuns: number;
    readonly applied: number;
    readonly typeChanged: number;
    /** The first error the engine threw while applying the rule, if any (a bug to report, not a rule's fault). */
    readonly error?: string;
  };
  readonly counterexample?: Counterexample;
  readonly seed: number;
  readonly note?: string;
}

type Skip = keyof SoundnessResult['skipped'];

/** A variable binding for guards outside a search: `compileGuard`'s checks only call `get`. */
function substOf(classes: ReadonlyMap<string, number>): Subst {
  const view = {
    get(name: string) {
      const c = classes.get(name);
      if (c === undefined) throw new Error(`variable ${name} is not bound by the left-hand side`);
      return c;
    },
  };
  return view as unknown as Subst;
}

/** Builds a pattern as a graph from bound nodes; attribute variables are read from `attrs`. */
function buildPattern(
  p: RulePattern,
  vars: ReadonlyMap<string, Node>,
  attrs: Map<string, AttrValue>,
  bindAttrs: boolean,
): Node | number {
  return foldTree<RulePattern, Node | number>(p, patternArgs, (q, args) => {
    if (q.kind === 'var') return vars.get(q.name)!;
    if (q.kind === 'literal') return q.value;
    const given: Record<string, unknown> = {};
    for (const [name, a] of Object.entries(q.attrs))
      given[name] = a.kind === 'var' ? attrs.get(a.name) : a.value;
    const node = apply(q.op, args, given);
    // The applier binds attribute variables from the matched symbol, i.e. the normalized attributes.
    if (bindAttrs)
      for (const [name, a] of Object.entries(q.attrs))
        if (a.kind === 'var') attrs.set(a.name, node.attrs[name]);
    return node;
  });
}

/** Values of every node of `root` (for `inputs`) and their largest finite magnitude. */
export function evaluateAll(root: Node, inputs: InputValues = {}): { value: Tensor; scale: number } {
  const nodes = topoSort([root]);
  const values = evaluate(nodes, inputs);
  let scale = 0;
  for (const value of values)
    for (const v of value.data) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
  return { value: values[nodes.indexOf(root)], scale };
}

/** How the right side's element compares with the left's and the exact value. */
interface ElementVerdict {
  readonly why?: string;
  readonly rescued?: boolean;
}

/**
 * Judges one element of a float result under the contract: the right side `y` must be at least as
 * close to the exact value `e` (rounded to the dtype) as the left side `x`, up to `tolerance`; NaN only
 * where the left side is NaN or the exact value is undefined; ±Inf only where the left side or the
 * rounded exact value is that infinity. A finite right side where the left is not rescues it when it is
 * within tolerance of the exact value (or always, for a stabilization).
 */
function judge(
  x: number,
  y: number,
  e: number,
  tolerance: number,
  replacing: boolean,
  at: string,
): ElementVerdict {
  if (Number.isNaN(y))
    return Number.isNaN(e)
      ? {}
      : { why: `the right side is NaN${at} where the left side is ${x} and the exact value ${e}` };
  // A left side that is NaN where the exact value is not (an overflow's Inf - Inf) is as wrong as can be.
  if (!Number.isFinite(y))
    return y === e || (Number.isNaN(x) && !Number.isNaN(e))
      ? {}
      : { why: `the right side is ${y}${at} where the left side is ${x} and the exact value ${e}` };
  if (Number.isNaN(e)) {
    if (replacing || !Number.isNaN(x)) return { rescued: !Number.isFinite(x) };
    return {
      why: `the left side is NaN${at} (a domain error: the exact value is undefined), the right side ${y}`,
    };
  }
  if (!Number.isFinite(x)) {
    if (replacing || Math.abs(y - e) <= tolerance) return { rescued: true };
    return { why: `the left side is ${x}${at}, the right side ${y}, the exact value ${e}` };
  }
  if (!Number.isFinite(e))
    return { why: `the exact value overflows to ${e}${at}, the left side is ${x}, the right side ${y}` };
  const [errL, errR] = [Math.abs(x - e), Math.abs(y - e)];
  if (errR <= errL + tolerance) return {};
  return {
    why: `the right side ${y} is ${errR} from the exact value ${e}${at}, the left side ${x} only ${errL} (tolerance ${tolerance})`,
  };
}

/**
 * Compares an original's and a rewritten form's values against the exact value (computed only where they differ); returns why
 * the right side is worse, or undefined, and whether a finite right side rescued the left. Integer and
 * boolean results must be identical to the left side's or the exact value. A zero's sign must match the exact value's where that is not 0,
 * and with `signedZeros` (see the caller) the left side's where it is.
 */
export function compare(
  l: { value: Tensor; scale: number },
  r: { value: Tensor; scale: number },
  exact: () => ExactValue,
  replacing: boolean,
  signedZeros: boolean,
): { why?: string; rescued: boolean } {
  const [a, b] = [l.value, r.value];
  const scale = Math.max(l.scale, r.scale);
  const rtol = a.dtype === 'f64' ? 1e-7 : 1e-3;
  const float = a.dtype === 'f64' || a.dtype === 'f32';
  let rescued = false;
  let reference: ExactValue | undefined;
  for (let i = 0; i < a.data.length; i++) {
    const [x, y] = [a.data[i], b.data[i]];
    if (Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y))) continue;
    const at = a.data.length > 1 ? ` at element ${i}` : '';
    reference ??= exact();
    if (!float) {
      const e = reference.value.data[i];
      if (Object.is(y, castValue(e, a.dtype)) && !Number.isNaN(e)) continue;
      return {
        why: `${x} and ${y} differ${at}, the exact value ${e} (${a.dtype} results must be identical to the left side's or exact)`,
        rescued,
      };
    }
    if (x === y) {
      // A zero's sign must follow the exact value's where it is not 0, and the left side's where it is.
      const e = reference.value.data[i];
      if (Number.isNaN(e) || (e === 0 && reference.zeroSignUnknown)) continue;
      const expected = e !== 0 ? Math.sign(e) : Math.sign(1 / (signedZeros ? x : y));
      if (Math.sign(1 / y) === expected) continue;
      const show = (z: number) => (Object.is(z, -0) ? '-0' : '0');
      return {
        why: `the sign of zero flips${at}: the left side is ${show(x)}, the right side ${show(y)}, the exact value ${e}`,
        rescued,
      };
    }
    const e = castValue(reference.value.data[i], a.dtype);
    const tolerance = rtol * (Math.abs(Number.isFinite(e) ? e : x) + scale);
    const verdict = judge(x, y, e, tolerance, replacing, at);
    if (verdict.why) return { why: verdict.why, rescued };
    rescued ||= verdict.rescued === true;
  }
  return { rescued };
}

/**
 * Checks one rule by evaluation (see the module doc). Deterministic for a given seed.
 *
 * @example
 * const { library } = loadLibrary([{ text: 'ruleset r\nrule bad [r]: exp(log(?x)) => ?x' }]);
 * checkSoundness(library.rules[0], { runs: 50 }).status // 'unsound', counterexample ?x = f64[] -1
 */
export function checkSoundness(rule: CompiledRule, options: SoundnessOptions = {}): SoundnessResult {
  const result = checkDraws(rule, options, true);
  // A guard that edge values never meet (moderate(?x): within 2^-64..2^64) leaves too few draws; the
  // edges it excludes need no testing, so the rule is drawn again away from them, in its simplest shapes
  // (nine elements, all positive and moderate, are rare).
  if (result.status !== 'untested' || result.unsafe || result.skipped.guard === 0) return result;
  const away = checkDraws(rule, options, false);
  return {
    ...away,
    note: [away.note, 'drawn away from the edges (its guard excludes them)'].filter(Boolean).join('; '),
  };
}

function checkDraws(rule: CompiledRule, options: SoundnessOptions, edges: boolean): SoundnessResult {
  const def = rule.def;
  const seed = options.seed ?? 42;
  const runs = options.runs ?? 100;
  const unsafe = def.tags.includes('unsafe');
  const replacing = options.replacing ?? def.replaces === true;
  const vars = patternVariables(def.lhs).classVars;
  const fitting = fitGuard(rule, typeTemplates(def.lhs, seed));
  // Away from the edges the draws serve a guard on values: the simplest shapes (scalars first) meet it.
  const templates = edges ? fitting : fitting.slice(0, 1);
  const skipped: Record<Skip, number> = {
    'lhs-ill-typed': 0,
    guard: 0,
    'rhs-ill-typed': 0,
    'type-changed': 0,
  };
  const engine: {
    runs: number;
    typeChangedRuns: number;
    applied: number;
    typeChanged: number;
    error?: string;
  } = { runs: 0, typeChangedRuns: 0, applied: 0, typeChanged: 0 };
  const engineRuns = options.engineRuns ?? 12;
  const base = { rule: def.name, unsafe, seed, skipped, engine };
  if (templates.length === 0)
    return {
      ...base,
      status: 'untested',
      runs: 0,
      rescued: 0,
      note: 'no shapes or attributes tried make the left side well-typed',
    };
  const guard = def.guard;
  let compared = 0;
  let rescued = 0;

  /** Runs one draw: undefined when skipped, else the comparison. */
  const run = (d: Draw, withEngine: boolean) => {
    const template = templates[d.template];
    const bindings = new Map<string, Node>();
    const tensors: Record<string, Tensor> = {};
    vars.forEach((name, i) => {
      const shape = template.shapes[name];
      const size = shape.reduce((n, k) => n * k, 1);
      const data = d.values[i].slice(0, size).map((v) => castDrawn(v, d.dtypes[i], unsafe));
      const tensor = Tensor.from(data, shape, d.dtypes[i]);
      tensors[name] = tensor;
      bindings.set(name, constant(tensor));
    });
    const attrs = new Map(Object.entries(template.attrs));
    let lhs: Node;
    try {
      const built = buildPattern(def.lhs, bindings, attrs, true);
      if (typeof built === 'number') return { skip: 'lhs-ill-typed' as Skip };
      lhs = built;
    } catch {
      return { skip: 'lhs-ill-typed' as Skip };
    }
    if (guard) {
      const { t, byName } = loadLhs(lhs, bindings, vars);
      if (!compileGuard(guard, t).check(t.egraph, substOf(byName))) return { skip: 'guard' as Skip };
    }
    let rhs: Node;
    try {
      const built = buildPattern(def.rhs, bindings, attrs, false);
      rhs = typeof built === 'number' ? constant(Tensor.full(concreteShape(lhs), built, lhs.dtype)) : built;
    } catch {
      return { skip: 'rhs-ill-typed' as Skip };
    }
    const changed = rhs.dtype !== lhs.dtype || formatShape(rhs.shape) !== formatShape(lhs.shape);
    // The engine sees the same left side: it should apply the rule, or refuse it for the type change.
    if (withEngine && (changed ? engine.typeChangedRuns < engineRuns : engine.runs < engineRuns)) {
      const { t } = loadLhs(lhs, bindings, vars);
      const before = { applied: rule.counters.applied, changed: rule.counters.rejected['type-changed'] };
      try {
        new Runner(t.egraph, { iterLimit: 1, nodeLimit: 10_000 }).run(() => rule.rewrites(t));
      } catch (e) {
        engine.error ??= `${e instanceof Error ? e.message : String(e)} (on ${formatBindings(tensors)})`;
      }
      if (changed) engine.typeChangedRuns++;
      else engine.runs++;
      if (rule.counters.applied > before.applied) engine.applied++;
      if (rule.counters.rejected['type-changed'] > before.changed) engine.typeChanged++;
    }
    if (changed) return { skip: 'type-changed' as Skip };
    const left = evaluateAll(lhs);
    const right = evaluateAll(rhs);
    const exact = () => exactValue([lhs, rhs]);
    // A zero's sign is part of the value (1/z tells it). With no negative input and no -0, a -0 can only
    // come from a negation the rule wrote (0 - x => -x at x = 0); where the draw has them, identities
    // that pass x through (log(exp(x)) => x at x = -0) keep the input's sign where IEEE gives +0.
    const signedZeros =
      !unsafe && Object.values(tensors).every((t) => t.data.every((v) => v >= 0 && !Object.is(v, -0)));
    const result = compare(left, right, exact, replacing, signedZeros);
    return {
      result,
      example: { bindings: tensors, attrs: Object.fromEntries(attrs), lhs: left.value, rhs: right.value },
    };
  };

  const property = fc.property(
    arbDraw(vars.length, templates.length, {
      nonzero: unsafe,
      noEdges: unsafe || !edges,
      dtypes: fitDTypes(rule, templates[0], options.dtypes ?? DEFAULT_DTYPES),
    }),
    (d) => {
      const out = run(d, true);
      if ('skip' in out) {
        skipped[out.skip as Skip]++;
        fc.pre(false);
        return true;
      }
      compared++;
      if (out.result.rescued) rescued++;
      return out.result.why === undefined;
    },
  );
  const details = fc.check(property, { numRuns: runs, seed, maxSkipsPerRun: 50 });
  if (details.failed && details.counterexample) {
    const out = run(details.counterexample[0], false);
    if (!('skip' in out) && out.result.why)
      return {
        ...base,
        status: 'unsound',
        runs: compared,
        rescued,
        counterexample: { ...out.example, why: out.result.why },
      };
    // The property threw rather than returned false: an evaluation error is a finding too.
    return { ...base, status: 'unsound', runs: compared, rescued, note: String(details.errorInstance) };
  }
  if (details.failed || compared < Math.min(10, runs))
    return {
      ...base,
      status: 'untested',
      runs: compared,
      rescued,
      note: `only ${compared} of the draws fit the rule (left side well-typed, guard true, type kept)`,
    };
  return { ...base, status: 'ok', runs: compared, rescued };
}

/** Loads a left side and its variables' constants into a fresh tensor e-graph. */
function loadLhs(lhs: Node, bindings: ReadonlyMap<string, Node>, vars: readonly string[]) {
  const t = createTensorEGraph();
  const classes = addGraph(t.egraph, t.lang, [lhs, ...bindings.values()]);
  t.egraph.rebuild();
  return { t, byName: new Map(vars.map((v, i) => [v, classes[i + 1]])) };
}

/**
 * Drops the templates on which the guard fails whatever the values (`rank(?x) == 2`, `is_scalar(?a)`):
 * it is tried on a few uniform fills, and a template is kept if one of them satisfies it.
 */
const FILLS: readonly (readonly [number, DType])[] = [
  [1, 'f64'],
  [-1, 'f64'],
  [2, 'f64'],
  [0.5, 'f64'],
  [1, 'i32'],
  [1, 'bool'],
];

function fitGuard(rule: CompiledRule, templates: TypeTemplate[]): TypeTemplate[] {
  const guard = rule.def.guard;
  if (!guard) return templates;
  const vars = patternVariables(rule.def.lhs).classVars;
  const kept = templates.filter((template) =>
    FILLS.some(([fill, dtype]) => guardHoldsOnFill(rule, guard, vars, template, fill, dtype)),
  );
  return kept.length ? kept : templates;
}

/**
 * The dtypes worth drawing for a guarded rule: those under which the guard can hold on some uniform
 * fill of the first template (`is_int(?a) and dtype(?a) == dtype(?b)` needs integers), so that draws
 * are not spent where the guard is false whatever the values. All of `dtypes` when none fits.
 */
function fitDTypes(
  rule: CompiledRule,
  template: TypeTemplate | undefined,
  dtypes: readonly DType[],
): readonly DType[] {
  const guard = rule.def.guard;
  if (!guard || !template) return dtypes;
  const vars = patternVariables(rule.def.lhs).classVars;
  const fits = dtypes.filter((dtype) =>
    [1, -1, 2, 0.5].some((fill) => guardHoldsOnFill(rule, guard, vars, template, fill, dtype)),
  );
  return fits.length ? fits : dtypes;
}

/** Whether the rule's guard holds with every variable of its left side bound to `fill` of `dtype`. */
function guardHoldsOnFill(
  rule: CompiledRule,
  guard: NonNullable<CompiledRule['def']['guard']>,
  vars: readonly string[],
  template: TypeTemplate,
  fill: number,
  dtype: DType,
): boolean {
  const bindings = new Map(
    vars.map((v) => [v, constant(Tensor.full(template.shapes[v], fill, dtype))] as const),
  );
  try {
    const lhs = buildPattern(rule.def.lhs, bindings, new Map(Object.entries(template.attrs)), true);
    if (typeof lhs === 'number') return false;
    const { t, byName } = loadLhs(lhs, bindings, vars);
    return compileGuard(guard, t).check(t.egraph, substOf(byName));
  } catch {
    return false;
  }
}

function formatBindings(tensors: Readonly<Record<string, Tensor>>): string {
  return Object.entries(tensors)
    .map(([k, t]) => `${k} = ${showTensor(t)}`)
    .join(', ');
}

function showTensor(t: Tensor): string {
  return `${t.dtype}${formatShape(t.shape)} ${Array.from(t.data, String).join(', ')}`;
}

function concreteShape(n: Node): number[] {
  return n.shape.map((d) => (typeof d === 'number' ? d : 1));
}

/**
 * Prints a counterexample, one binding per line.
 *
 * @example formatCounterexample(result.counterexample!) // '?x = f64[] -1\nleft side: f64[] NaN\n…'
 */
export function formatCounterexample(c: Counterexample): string {
  const show = showTensor;
  return [
    ...Object.entries(c.bindings).map(([k, t]) => `${k} = ${show(t)}`),
    ...Object.entries(c.attrs).map(([k, v]) => `${k} = ${JSON.stringify(v)}`),
    `left side:  ${show(c.lhs)}`,
    `right side: ${show(c.rhs)}`,
    c.why,
  ].join('\n');
}
