/**
 * Left sides: a rule pattern over ops with attributes is matched by expanding it, once per combination
 * of op symbols present in the e-graph whose attributes fit, into plain e-graph patterns (which match by
 * symbol). Attribute variables are bound by that choice; literals become hidden variables with a guard
 * that the class's range is exactly that number, so `?x + 0` matches a scalar 0, `zeros_like(y)` or
 * `fill(y, 0)` alike.
 */
import type { Span } from '../graph/syntax/ast.js';
import { foldTree } from '../egraph/fold.js';
import type { SymbolId } from '../egraph/ids.js';
import type { Pattern } from '../egraph/pattern.js';
import type { TensorLanguage } from '../egraph/tensor/language.js';
import { attrsKey, checkAttrs } from '../graph/apply.js';
import type { AttrValue } from '../graph/op-def.js';
import { getOp } from '../graph/op-table.js';
import { type AttrPattern, patternArgs, type RulePattern } from './pattern.js';

/** A literal of the left side, matched through its hidden variable. */
export interface LiteralVar {
  readonly name: string;
  readonly value: number;
}

/** One op position of the left side: what its attributes must be. */
interface OpSlot {
  readonly op: string;
  readonly arity: number;
  readonly fixed: Readonly<Record<string, AttrValue>>;
  readonly vars: Readonly<Record<string, string>>;
}

/** The pattern's tree with its ops as slot numbers (pre-order), and its literals as their variables. */
export type Shape = { kind: 'var'; name: string } | { kind: 'slot'; slot: number; children: Shape[] };

/** A left side checked and numbered, as data: what `lhsFromParts` needs (the build step stores it). */
export interface LhsParts {
  readonly slots: readonly OpSlot[];
  readonly literals: readonly LiteralVar[];
  readonly shape: Shape;
}

/** A left side ready to expand: the pattern shape with op slots, and the literal variables it introduced. */
export interface CompiledLhs {
  readonly slots: readonly OpSlot[];
  readonly literals: readonly LiteralVar[];
  /** Builds the e-graph pattern for one symbol per slot. */
  readonly build: (symbols: readonly SymbolId[]) => Pattern;
}

/** An error in a left side, reported with the rule's location by the caller. */
export class LhsError extends Error {
  constructor(
    message: string,
    /** The op or literal at fault, when the pattern carries spans. */
    readonly at?: Span,
  ) {
    super(message);
  }
}

/**
 * The most ops a left side may hold. The matcher compiles a left side to one nested loop per op, and
 * JavaScript engines refuse code nested about a thousand deep; real left sides hold a handful of ops.
 * Right sides have no such limit.
 */
export const MAX_LHS_OPS = 256;

/**
 * Compiles a left side. Omitted attributes must equal the op's default; required ones must be given.
 *
 * @example compileLhs(parseRulePattern('log(1 + ?x)')).literals // [{ name: '?#1', value: 1 }]
 */
export function compileLhs(p: RulePattern): CompiledLhs {
  return lhsFromParts(lhsParts(p));
}

/**
 * Checks a left side and numbers its slots and literals (all of `compileLhs` but the build function).
 *
 * @example lhsParts(parseRulePattern('log(1 + ?x)')).slots.map((s) => s.op) // ['log', 'add']
 */
export function lhsParts(p: RulePattern): LhsParts {
  if (p.kind === 'literal') throw new LhsError('a left side cannot be a bare number', p.span);
  const slots: OpSlot[] = [];
  const literals: LiteralVar[] = [];
  // Slots and literals are numbered top-down (pre-order), as the expansion and the guards expect.
  const shape = foldTree<RulePattern, Shape, Shape | number>(
    p,
    patternArgs,
    (_q, children, entered) =>
      typeof entered === 'number' ? { kind: 'slot', slot: entered, children } : entered,
    (q) => {
      if (q.kind === 'var') return { kind: 'var', name: q.name };
      if (q.kind === 'literal') {
        const name = `?#${literals.length + 1}`;
        literals.push({ name, value: q.value });
        return { kind: 'var', name };
      }
      if (slots.length === MAX_LHS_OPS)
        throw new LhsError(
          `a left side may hold at most ${MAX_LHS_OPS} ops (the matcher nests one loop per op): this ${q.op} is op ${MAX_LHS_OPS + 1}`,
          q.span,
        );
      slots.push(opSlot(q.op, q.args.length, q.attrs, q.span));
      return slots.length - 1;
    },
  );
  return { slots, literals, shape };
}

/**
 * A compiled left side from its parts (`lhsParts`, or the build step's copy of them).
 *
 * @example lhsFromParts(lhsParts(lhs)).build(symbols)
 */
export function lhsFromParts({ slots, literals, shape }: LhsParts): CompiledLhs {
  const build = (symbols: readonly SymbolId[]): Pattern =>
    foldTree<Shape, Pattern>(
      shape,
      (s) => (s.kind === 'slot' ? s.children : []),
      (s, children) =>
        s.kind === 'var'
          ? { kind: 'var', name: s.name }
          : { kind: 'node', symbol: symbols[s.slot], children },
    );
  return { slots, literals, build };
}

function opSlot(
  opName: string,
  arity: number,
  attrs: Readonly<Record<string, AttrPattern>>,
  at?: Span,
): OpSlot {
  const def = getOp(opName);
  if (typeof def.arity === 'number' && def.arity !== arity)
    throw new LhsError(
      `${opName} takes ${def.arity} argument${def.arity === 1 ? '' : 's'}, got ${arity}`,
      at,
    );
  const fixedGiven: Record<string, unknown> = {};
  const vars: Record<string, string> = {};
  for (const [name, a] of Object.entries(attrs)) {
    if (a.kind === 'var') vars[name] = a.name;
    else fixedGiven[name] = a.value;
  }
  for (const [name, spec] of Object.entries(def.attrs))
    if (!(name in attrs) && spec.default === undefined)
      throw new LhsError(
        `${opName} needs its attribute '${name}' on a left side (a value or a ?variable)`,
        at,
      );
  // Checked like a graph's attributes; defaults fill what is omitted, and variables are left open.
  const checked = checkAttrs(def, {
    ...fixedGiven,
    ...Object.fromEntries(Object.keys(vars).map((k) => [k, placeholder(def.attrs[k]?.type)])),
  });
  const fixed: Record<string, AttrValue> = {};
  for (const [name, value] of Object.entries(checked)) if (!(name in vars)) fixed[name] = value;
  for (const name of ['axis', 'perm'] as const)
    if (Array.isArray(fixed[name]) && (fixed[name] as number[]).some((v) => v < 0))
      throw new LhsError(
        `${opName}: negative ${name} values depend on the rank; bind ${name}=?a and guard on rank instead`,
        at,
      );
  return { op: opName, arity, fixed, vars };
}

// A value that passes an attribute's type check, standing in for a variable during checking.
function placeholder(type: string | undefined): unknown {
  switch (type) {
    case 'int':
    case 'number':
      return 0;
    case 'bool':
      return false;
    case 'dtype':
      return 'f64';
    case 'string':
      return '';
    case 'tensor':
      return undefined;
    default:
      return [];
  }
}

/** One way to match a left side: a symbol per slot and the attribute variables it binds. */
export interface Expansion {
  readonly key: string;
  readonly symbols: readonly SymbolId[];
  readonly attrs: ReadonlyMap<string, AttrValue>;
}

/**
 * Every combination of symbols interned in `lang` that fits the left side's slots with consistent
 * attribute variables.
 *
 * @example expand(compileLhs(p), lang).length // 1 for ops without attributes
 */
export function expand(lhs: CompiledLhs, lang: TensorLanguage): Expansion[] {
  // A depth-first search over the slots, one level per slot, with its stack in `next` (the candidate
  // to try next at each level) and `added` (the variables each level bound), not in recursion: a left
  // side has as many slots as ops.
  const out: Expansion[] = [];
  const { slots } = lhs;
  const chosen: SymbolId[] = [];
  const bindings = new Map<string, AttrValue>();
  const next: number[] = slots.map(() => 0);
  const added: string[][] = slots.map(() => []);
  // Binds level i to its next fitting candidate; false when none is left.
  const advance = (i: number): boolean => {
    const slot = slots[i];
    const candidates = lang.symbolsOf(slot.op);
    while (next[i] < candidates.length) {
      const s = candidates[next[i]++];
      if (lang.arity(s) !== slot.arity) continue;
      const { attrs } = lang.tensorSymbol(s);
      if (!Object.entries(slot.fixed).every(([k, v]) => sameValue(attrs[k], v))) continue;
      const bound: string[] = [];
      let ok = true;
      for (const [attr, v] of Object.entries(slot.vars)) {
        const prior = bindings.get(v);
        if (prior === undefined && !bindings.has(v)) {
          bindings.set(v, attrs[attr]);
          bound.push(v);
        } else if (!sameValue(prior as AttrValue, attrs[attr])) ok = false;
      }
      if (ok) {
        chosen.push(s);
        added[i] = bound;
        return true;
      }
      for (const v of bound) bindings.delete(v);
    }
    next[i] = 0;
    return false;
  };
  const retreat = (i: number) => {
    chosen.pop();
    for (const v of added[i]) bindings.delete(v);
  };
  let i = 0;
  while (i >= 0) {
    if (i === slots.length) {
      out.push({ key: chosen.join(','), symbols: [...chosen], attrs: new Map(bindings) });
      if (--i >= 0) retreat(i);
    } else if (advance(i)) i++;
    else if (--i >= 0) retreat(i);
  }
  return out;
}

function sameValue(a: AttrValue, b: AttrValue): boolean {
  // Most attributes are numbers, booleans, strings or absent: compared without building keys.
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b); // -0 and NaN as keys do
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return attrsKey({ v: a }) === attrsKey({ v: b });
}
