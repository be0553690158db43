/**
 * Builds a rule's right side in the e-graph, type-checked: every op goes through the op table's
 * `typeApplication` (the same checks as graph construction), literals take the dtype of their sibling
 * args (weak scalars), and the result must have the matched class's dtype and shape. A right side that
 * fails any check is not added at all, and the rule is not applied to that match.
 */
import { foldTree } from '../egraph/fold.js';
import type { ClassId, SymbolId } from '../egraph/ids.js';
import type { Subst } from '../egraph/rewrite.js';
import type { TensorEGraph } from '../egraph/tensor/index.js';
import { attrsKey, type TypedApplication, typeApplication, weakDType } from '../graph/apply.js';
import type { DType } from '../graph/dtype.js';
import type { AttrValue, OpDef, TypeInfo } from '../graph/op-def.js';
import { getOp } from '../graph/op-table.js';
import { isConcrete } from '../graph/shape.js';
import { Tensor } from '../graph/tensor.js';
import { type AttrPattern, patternArgs, type RulePattern } from './pattern.js';

/** Attribute variables bound by the left side (from the matched op symbols). */
export type AttrBindings = ReadonlyMap<string, AttrValue>;

/** Why a right side was not built, for rules:check and reports. */
export type RejectReason = 'ill-typed' | 'type-changed' | 'literal-shape';

/**
 * One step of a compiled right side. Steps are in post-order (args before the op that takes them), so
 * a right side is planned and built by one loop over them, never by recursion (a long sum is a chain as
 * deep as it is long). A literal argument is planned by the op that takes it, after its other args,
 * since it takes their dtype.
 */
type RhsStep =
  | { readonly kind: 'var'; readonly name: string }
  | { readonly kind: 'literal'; readonly value: number }
  | {
      readonly kind: 'op';
      readonly def: OpDef;
      /** Indices of the args' steps. */
      readonly args: readonly number[];
      readonly attrs: readonly (readonly [string, AttrPattern])[];
    };

/** A right side compiled once per rule ({@link compileRhs}). */
export interface CompiledRhs {
  readonly steps: readonly RhsStep[];
}

/**
 * Compiles a right side to steps (ops looked up once, not per match).
 *
 * @example compileRhs(rhs).steps.length // 3 for exp(?x) + 1
 */
export function compileRhs(rhs: RulePattern): CompiledRhs {
  const steps: RhsStep[] = [];
  foldTree<RulePattern, number>(rhs, patternArgs, (p, args) => {
    if (p.kind === 'op') steps.push({ kind: 'op', def: getOp(p.op), args, attrs: Object.entries(p.attrs) });
    else steps.push(p.kind === 'var' ? { kind: 'var', name: p.name } : { kind: 'literal', value: p.value });
    return steps.length - 1;
  });
  return { steps };
}

/**
 * Instantiates a compiled right side for one match; returns its class, or the reason it was rejected.
 *
 * @example const r = instantiateRhs(t, compileRhs(rhs), subst, attrs, matchedClass); if (typeof r === 'number') …
 */
export function instantiateRhs(
  t: TensorEGraph,
  rhs: CompiledRhs,
  subst: Subst,
  attrs: AttrBindings,
  matched: ClassId,
): ClassId | RejectReason {
  const want = t.egraph.data(t.types, matched);
  const { steps } = rhs;
  const root = steps[steps.length - 1];
  if (root.kind === 'literal') {
    const plan = literalLike(t, root.value, want);
    return typeof plan === 'string' ? plan : t.egraph.add(plan, []);
  }
  // Plan every step (its symbol and type, or its class) before adding anything: an ill-typed step
  // anywhere leaves the e-graph untouched.
  const types: TypeInfo[] = new Array(steps.length);
  const planned: (ClassId | SymbolId)[] = new Array(steps.length);
  try {
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i];
      if (step.kind === 'var') {
        const cls = subst.get(step.name);
        planned[i] = cls;
        types[i] = t.egraph.data(t.types, cls);
      } else if (step.kind === 'op') planOp(t, steps, i, attrs, types, planned);
    }
  } catch {
    return 'ill-typed';
  }
  if (!provablySameType(types[steps.length - 1], want)) return 'type-changed';
  const built: ClassId[] = new Array(steps.length);
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    if (step.kind === 'var') built[i] = planned[i] as ClassId;
    else if (step.kind === 'literal') built[i] = t.egraph.add(planned[i] as SymbolId, []);
    else {
      const kids: ClassId[] = new Array(step.args.length);
      for (let k = 0; k < kids.length; k++) kids[k] = built[step.args[k]];
      built[i] = t.egraph.add(planned[i] as SymbolId, kids);
    }
  }
  return built[steps.length - 1];
}

/** Plans an op step: its literal args first (typed like its other args), then its own symbol and type. */
function planOp(
  t: TensorEGraph,
  steps: readonly RhsStep[],
  at: number,
  attrs: AttrBindings,
  types: TypeInfo[],
  planned: (ClassId | SymbolId)[],
): void {
  const step = steps[at] as Extract<RhsStep, { kind: 'op' }>;
  const { args } = step;
  let known: DType[] | undefined;
  for (const a of args) {
    const literal = steps[a];
    if (literal.kind !== 'literal') continue;
    known ??= args.filter((k) => steps[k].kind !== 'literal').map((k) => types[k].dtype);
    const value = Tensor.scalar(literal.value, weakDType(literal.value, known));
    planned[a] = constantSymbol(t, value);
    types[a] = { dtype: value.dtype, shape: value.shape };
  }
  const given: Record<string, unknown> = {};
  for (const [name, a] of step.attrs) given[name] = a.kind === 'var' ? attrs.get(a.name) : a.value;
  const argTypes: TypeInfo[] = new Array(args.length);
  for (let k = 0; k < args.length; k++) argTypes[k] = types[args[k]];
  const typed = typedCached(step.def, argTypes, given);
  planned[at] = t.lang.symbol(step.def.name, typed.attrs, args.length);
  types[at] = typed.type;
}

/** A bare literal on the right side takes the matched class's type; only small concrete shapes fit. */
function literalLike(t: TensorEGraph, value: number, want: TypeInfo): SymbolId | RejectReason {
  if (!isConcrete(want.shape)) return 'literal-shape';
  const tensor = Tensor.full(want.shape, value, want.dtype);
  if (tensor.size > 1024) return 'literal-shape';
  return constantSymbol(t, tensor);
}

function constantSymbol(t: TensorEGraph, value: Tensor): SymbolId {
  return t.lang.symbol('constant', { value }, 0);
}

/**
 * `typeApplication` results by op, argument types and attributes. Type inference is a pure function of
 * these, and rules build the same few (op, types) combinations over and over: it was a third of the time
 * spent building right sides. `null` records an ill-typed application. Cleared when large, so memory stays
 * bounded on graphs with many distinct shapes.
 */
const typedCache = new Map<string, TypedApplication | null>();
const TYPED_CACHE_LIMIT = 50_000;

function typedCached(
  def: OpDef,
  types: readonly TypeInfo[],
  given: Record<string, unknown>,
): TypedApplication {
  let key = def.name;
  for (const ty of types) {
    key += `|${ty.dtype}`;
    for (const d of ty.shape) key += typeof d === 'number' ? `,${d}` : `,${JSON.stringify(d)}`;
  }
  for (const name in given) {
    // An unbound attribute is left to typeApplication's own defaults and errors, uncached.
    if (given[name] === undefined) return typeApplication(def, types, given);
  }
  for (const _ in given) {
    key += `{${attrsKey(given as Record<string, AttrValue>)}}`;
    break;
  }
  const known = typedCache.get(key);
  if (known === null) throw new Error(`ill-typed ${def.name}`);
  if (known !== undefined) return known;
  if (typedCache.size >= TYPED_CACHE_LIMIT) typedCache.clear();
  try {
    const typed = typeApplication(def, types, given);
    typedCache.set(key, typed);
    return typed;
  } catch (e) {
    typedCache.set(key, null);
    throw e;
  }
}

/**
 * Whether two types are the same for every binding of their dims: same dtype and identical dims. An
 * unknown dim (`?x0`) is not known to equal a concrete size or another unknown dim, so a rewrite that
 * would trade one for the other (`sum(?x, axis=0, keepdims=true) => ?x` on a `?`-sized vector, or
 * `transpose(?x) => ?x` on a matrix of unknown dims) is refused.
 */
function provablySameType(a: TypeInfo, b: TypeInfo): boolean {
  return (
    a.dtype === b.dtype && a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i])
  );
}
