/**
 * Carrying an extraction into a fresh tensor e-graph: the chosen node of each reachable class, with its
 * small constant parts folded, added straight from one e-graph to the next. It stands for building the
 * chosen graph (`buildGraph`), folding it (`foldConstants`) and loading the result (`addGraph`), and gives
 * the same e-graph (the same symbols, interned in the same order, and the same class ids) without a graph
 * node per op: on a 100k-op graph that round trip was a third of `optimize`'s time and most of its garbage.
 */
import { apply, typeApplication } from '../../graph/apply.js';
import { evaluate } from '../../graph/interpret.js';
import { countsAsOp, type Node } from '../../graph/node.js';
import type { Attrs, TypeInfo } from '../../graph/op-def.js';
import { shapeOnlyValue } from '../../graph/ops/constructors.js';
import { isConcrete, isUnknownDim, sizeOf } from '../../graph/shape.js';
import type { EGraph, ENode } from '../egraph.js';
import { asClassId, type ClassId, type SymbolId } from '../ids.js';
import { RENAMING_OPS } from './convert.js';
import { createTensorEGraph, type TensorEGraph, type TensorEGraphOptions } from './index.js';

/** An extraction carried into a fresh e-graph. */
export interface Carried {
  readonly t: TensorEGraph;
  /** The roots' ids in the new e-graph, as `addGraph` returns them. */
  readonly roots: ClassId[];
  /** Op applications in the new e-graph: its classes less inputs and constants (what `countOps` counts). */
  readonly ops: number;
}

/** What the folding pass learnt of a class of the source e-graph. */
const enum Fold {
  Unseen = 0,
  OnPath = 1,
  /** Built as an op application. */
  Op = 2,
  /** Chosen node is a constant. */
  Constant = 3,
  /** Folded to a constant (`foldConstants` would replace it). */
  Folded = 4,
}

/** Ops whose value `shapeOnlyValue` knows from their argument's type alone. */
const SHAPE_ONLY = new Set(['ones_like', 'zeros_like', 'fill', 'size']);

/**
 * Adds the nodes `choose` picks (as indices in the source's node store, what `Choice.nodeIndex` gives) for
 * the classes reachable from `roots` to a fresh tensor e-graph, folding
 * constant parts of at most `foldLimit` elements as `foldConstants` does, and returns it. The result is the
 * e-graph `addGraph(fresh, foldConstants(buildGraph(...)))` would give; where that path would rename
 * unknown dims (the source has renamed inputs, or the result has a `dot`, `gemm` or `reshape` over an
 * unknown dim), it returns undefined and the caller takes that path.
 *
 * @example const carried = carryExtraction(t, roots, (c) => choice.nodeIndex(c), 1024);
 */
export function carryExtraction(
  from: TensorEGraph,
  roots: readonly ClassId[],
  choose: (cls: ClassId) => number,
  foldLimit: number,
  options: TensorEGraphOptions = {},
): Carried | undefined {
  if (from.lang.declaredInputs.size > 0) return undefined;
  const eg = from.egraph;
  const store = eg.nodes;
  const n = eg.idCount;
  const constants = new Map<number, Node>();
  const source = from.lang;
  // The chosen nodes are read in the store by index: a node object per class, kept for the two passes,
  // was most of what a 100k-class carry left for the young-generation GC to move.
  const chosen = (cls: number): number => {
    const e = choose(asClassId(cls));
    if (e < 0) throw new Error(`carryExtraction: no node chosen for reachable class ${cls}`);
    return e;
  };
  const arityOf = (e: number): number => source.arity(store.sym[e] as SymbolId);
  const childOf = (e: number, i: number): number => eg.find(asClassId(store.kids[store.start[e] + i]));
  const symbolOf = (e: number) => source.tensorSymbol(store.sym[e] as SymbolId);
  /** The graph node of a class built as a constant (chosen or folded). */
  const constantNode = (cls: number): Node => {
    let c = constants.get(cls);
    if (c === undefined) {
      c = apply('constant', [], { ...symbolOf(chosen(cls)).attrs });
      constants.set(cls, c);
    }
    return c;
  };
  // Rare (shape-only ops): a node object per class walked is fine here.
  const types = new ExactTypes(from, (cls) => eg.enode(chosen(cls)));

  // Pass 1: which classes the folded graph holds as constants, bottom-up.
  const state = new Uint8Array(n);
  postOrder(
    eg,
    roots,
    chosen,
    state,
    Fold.Unseen,
    Fold.OnPath,
    () => true,
    (cls, e) => {
      const { def, attrs } = symbolOf(e);
      if (def.name === 'constant') return Fold.Constant;
      const arity = arityOf(e);
      if (arity === 0) return Fold.Op;
      let allConstant = true;
      for (let i = 0; i < arity; i++) if (state[childOf(e, i)] < Fold.Constant) allConstant = false;
      if (allConstant) {
        const args: Node[] = [];
        for (let i = 0; i < arity; i++) args.push(constantNode(childOf(e, i)));
        const next = apply(def.name, args, { ...attrs });
        if (!isConcrete(next.shape) || sizeOf(next.shape) > foldLimit) return Fold.Op;
        constants.set(cls, apply('constant', [], { value: evaluate(next, {}) }));
        return Fold.Folded;
      }
      if (arity !== 1 || !SHAPE_ONLY.has(def.name)) return Fold.Op;
      const arg = childOf(e, 0);
      // The argument's class type unifies the types of all its nodes, so it is at least as precise as the
      // chosen node's: when even it gives no value, the exact type (a walk of the argument) gives none.
      if (shapeOnlyValue(def.name, eg.data(from.types, asClassId(arg)), attrs, foldLimit) === undefined)
        return Fold.Op;
      // ones_like(x) and the like fold on a static type of x: the type of x as built, which can be less
      // precise than its class's (a class unifies the types of all its nodes).
      const argType = types.of(arg);
      const typed = typeApplication(def, [argType], attrs);
      if (!isConcrete(typed.type.shape) || sizeOf(typed.type.shape) > foldLimit) return Fold.Op;
      const value = shapeOnlyValue(def.name, argType, typed.attrs);
      if (value === undefined) return Fold.Op;
      constants.set(cls, apply('constant', [], { value }));
      return Fold.Folded;
    },
  );

  // Pass 2: add the folded graph to a fresh e-graph in `addGraph`'s order (post-order, arguments left
  // to right), not entering folded classes.
  const to = createTensorEGraph(options);
  const target = to.egraph;
  let reached = 0;
  for (let c = 0; c < n; c++) if (state[c] >= Fold.Op) reached++;
  target.reserve(reached);
  const newId = new Int32Array(n).fill(-1);
  const symbols: SymbolId[] = [];
  const kidTypes: TypeInfo[] = [];
  // One child list per arity, reused for every node added (`addUncanonical` copies it): emptying one list
  // with `length = 0` drops its storage, and refilling it was 29 MB of garbage per 100k-op carry.
  const kidLists: ClassId[][] = [];
  let renames = false;
  const entered = new Uint8Array(n);
  postOrder(
    eg,
    roots,
    chosen,
    entered,
    0,
    1,
    (cls) => state[cls] === Fold.Op,
    (cls, e) => {
      let symbol: SymbolId;
      const folded = state[cls] === Fold.Folded;
      const arity = folded ? 0 : arityOf(e);
      const kids = (kidLists[arity] ??= new Array<ClassId>(arity));
      if (folded) {
        symbol = to.lang.symbol('constant', constants.get(cls)!.attrs, 0);
      } else {
        for (let i = 0; i < arity; i++) kids[i] = asClassId(newId[childOf(e, i)]);
        const { def, attrs } = symbolOf(e);
        if (def.normalize) {
          // `apply` normalizes attributes against its arguments' types: do the same.
          kidTypes.length = 0;
          for (const k of kids) kidTypes.push(target.data(to.types, k));
          const normalized: Attrs = typeApplication(def, kidTypes, attrs).attrs;
          symbol = to.lang.symbol(def.name, normalized, kids.length);
        } else {
          symbol = symbols[store.sym[e]] ??= to.lang.symbol(def.name, attrs, kids.length);
        }
      }
      const id = target.addUncanonical(symbol, kids);
      newId[cls] = id;
      // Conservative: any unknown dim around these ops sends the caller the long way.
      if (RENAMING_OPS.has(to.lang.op(symbol))) renames ||= hasUnknownDim(to, [...kids, id]);
      return 2;
    },
  );
  if (renames) return undefined;
  return { t: to, roots: roots.map((r) => asClassId(newId[eg.find(r)])), ops: countOps(to) };
}

/** Whether a class of `t` has an unknown dim in its type. */
function hasUnknownDim(t: TensorEGraph, ids: readonly ClassId[]): boolean {
  return ids.some((id) => t.egraph.data(t.types, id).shape.some((d) => isUnknownDim(d)));
}

/** Classes of a freshly loaded e-graph that apply an op (inputs and constants not counted). */
function countOps(t: TensorEGraph): number {
  let ops = 0;
  const eg = t.egraph;
  for (let id = 0; id < eg.idCount; id++) {
    const nodes = eg.classNodes[id];
    if (nodes === undefined || nodes.length === 0) continue;
    if (countsAsOp(t.lang.op(eg.nodes.sym[nodes[0]] as SymbolId))) ops++;
  }
  return ops;
}

/**
 * Visits the classes reachable from `roots` through chosen nodes (`chosen` gives a class's node as its store
 * index) in post-order (children left to right), each once; `enter` says whether to visit a class's
 * children, `leave` gives its final state. Iterative: graphs may be deep.
 */
function postOrder(
  eg: EGraph,
  roots: readonly ClassId[],
  chosen: (cls: number) => number,
  state: Uint8Array,
  unseen: number,
  onPath: number,
  enter: (cls: number) => boolean,
  leave: (cls: number, node: number) => number,
): void {
  const store = eg.nodes;
  const lang = eg.lang;
  const stackCls: number[] = [];
  const stackNext: number[] = [];
  for (const root of roots) {
    const r = eg.find(root);
    if (state[r] !== unseen) continue;
    state[r] = onPath;
    stackCls.push(r);
    stackNext.push(enter(r) ? 0 : -1);
    while (stackCls.length > 0) {
      const top = stackCls.length - 1;
      const cls = stackCls[top];
      const next = stackNext[top];
      const e = chosen(cls);
      if (next >= 0 && next < lang.arity(store.sym[e] as SymbolId)) {
        stackNext[top] = next + 1;
        const k = eg.find(asClassId(store.kids[store.start[e] + next]));
        if (state[k] === onPath)
          throw new Error(`carryExtraction: the chosen nodes form a cycle through class ${k}`);
        if (state[k] !== unseen) continue;
        state[k] = onPath;
        stackCls.push(k);
        stackNext.push(enter(k) ? 0 : -1);
        continue;
      }
      stackCls.pop();
      stackNext.pop();
      state[cls] = leave(cls, e);
    }
  }
}

/**
 * The type of each class's chosen node as a graph node built from the chosen nodes below it would have
 * it (`apply`'s inference), computed on demand and remembered.
 */
class ExactTypes {
  private readonly known: (TypeInfo | undefined)[] = [];

  constructor(
    private readonly t: TensorEGraph,
    private readonly nodeOf: (cls: number) => ENode,
  ) {}

  of(cls: number): TypeInfo {
    const eg = this.t.egraph;
    const done = this.known[cls];
    if (done !== undefined) return done;
    const stack = [cls];
    while (stack.length > 0) {
      const c = stack[stack.length - 1];
      if (this.known[c] !== undefined) {
        stack.pop();
        continue;
      }
      const node = this.nodeOf(c);
      let ready = true;
      for (const k of node.children) {
        const kc = eg.find(k);
        if (this.known[kc] === undefined) {
          stack.push(kc);
          ready = false;
        }
      }
      if (!ready) continue;
      stack.pop();
      const { def, attrs } = this.t.lang.tensorSymbol(node.symbol);
      const argTypes = node.children.map((k) => this.known[eg.find(k)]!);
      this.known[c] = typeApplication(def, argTypes, attrs).type;
    }
    return this.known[cls]!;
  }
}
