/**
 * Builds a rule's right side in the e-graph, type-checked: every op goes through the op table's
 * `typeApplication` (the same checks as graph construction), literals take the dtype of their sibling
 * args (weak scalars), and the result must have the matched class's dtype and shape. A right side that
 * fails any check is not added at all, and the rule is not applied to that match.
 */
import type { ClassId, SymbolId } from '../egraph/ids.js';
import type { Subst } from '../egraph/rewrite.js';
import type { TensorEGraph } from '../egraph/tensor/index.js';
import { attrsKey, type TypedApplication, typeApplication, weakDType } from '../graph/apply.js';
import type { AttrValue, OpDef, TypeInfo } from '../graph/op-def.js';
import { getOp } from '../graph/op-table.js';
import { isConcrete } from '../graph/shape.js';
import { Tensor } from '../graph/tensor.js';
import type { RulePattern } from './pattern.js';

/** Attribute variables bound by the left side (from the matched op symbols). */
export type AttrBindings = ReadonlyMap<string, AttrValue>;

/** A planned e-node: its symbol and planned children, or an existing class. */
type Plan =
  | { readonly cls: ClassId; readonly type: TypeInfo }
  | { readonly symbol: SymbolId; readonly kids: Plan[]; readonly type: TypeInfo };

/** Why a right side was not built, for rules:check and reports. */
export type RejectReason = 'ill-typed' | 'type-changed' | 'literal-shape';

/**
 * Instantiates `rhs` for one match; returns its class, or the reason it was rejected.
 *
 * @example const r = instantiateRhs(t, rhs, subst, attrs, matchedClass); if (typeof r === 'number') …
 */
export function instantiateRhs(
  t: TensorEGraph,
  rhs: RulePattern,
  subst: Subst,
  attrs: AttrBindings,
  matched: ClassId,
): ClassId | RejectReason {
  const want = t.egraph.data(t.types, matched);
  let plan: Plan | RejectReason;
  if (rhs.kind === 'literal') plan = literalLike(t, rhs.value, want);
  else {
    try {
      plan = planNode(t, rhs, subst, attrs, undefined);
    } catch {
      return 'ill-typed';
    }
  }
  if (typeof plan === 'string') return plan;
  if (!provablySameType(plan.type, want)) return 'type-changed';
  return build(t, plan);
}

function build(t: TensorEGraph, plan: Plan): ClassId {
  if ('cls' in plan) return plan.cls;
  return t.egraph.add(
    plan.symbol,
    plan.kids.map((k) => build(t, k)),
  );
}

/** A bare literal on the right side takes the matched class's type; only small concrete shapes fit. */
function literalLike(t: TensorEGraph, value: number, want: TypeInfo): Plan | RejectReason {
  if (!isConcrete(want.shape)) return 'literal-shape';
  const tensor = Tensor.full(want.shape, value, want.dtype);
  if (tensor.size > 1024) return 'literal-shape';
  return constantPlan(t, tensor);
}

function constantPlan(t: TensorEGraph, value: Tensor): Plan {
  return {
    symbol: t.lang.symbol('constant', { value }, 0),
    kids: [],
    type: { dtype: value.dtype, shape: value.shape },
  };
}

// Throws (caught above) when an op does not type-check.
function planNode(
  t: TensorEGraph,
  p: RulePattern,
  subst: Subst,
  attrs: AttrBindings,
  siblings: TypeInfo[] | undefined,
): Plan {
  if (p.kind === 'var') {
    const cls = subst.get(p.name);
    return { cls, type: t.egraph.data(t.types, cls) };
  }
  if (p.kind === 'literal') {
    const dtype = weakDType(
      p.value,
      (siblings ?? []).map((s) => s.dtype),
    );
    return constantPlan(t, Tensor.scalar(p.value, dtype));
  }
  // Non-literal args first, so literals can take their dtype.
  const kids: (Plan | undefined)[] = p.args.map((a) =>
    a.kind === 'literal' ? undefined : planNode(t, a, subst, attrs, undefined),
  );
  const known = kids.filter((k): k is Plan => k !== undefined).map((k) => k.type);
  const plans = p.args.map((a, i) => kids[i] ?? planNode(t, a, subst, attrs, known));
  const given: Record<string, unknown> = {};
  for (const [name, a] of Object.entries(p.attrs))
    given[name] = a.kind === 'var' ? attrs.get(a.name) : a.value;
  const def = getOp(p.op);
  const typed = typedCached(
    def,
    plans.map((k) => k.type),
    given,
  );
  return { symbol: t.lang.symbol(def.name, typed.attrs, plans.length), kids: plans, type: typed.type };
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
