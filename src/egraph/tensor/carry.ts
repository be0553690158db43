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
 * Adds the nodes `choose` picks for the classes reachable from `roots` to a fresh tensor e-graph, folding
 * constant parts of at most `foldLimit` elements as `foldConstants` does, and returns it. The result is the
 * e-graph `addGraph(fresh, foldConstants(buildGraph(...)))` would give; where that path would rename
 * unknown dims (the source has renamed inputs, or the result has a `dot`, `gemm` or `reshape` over an
 * unknown dim), it returns undefined and the caller takes that path.
 *
 * @example const carried = carryExtraction(t, roots, (c) => choice.get(c)!, 1024);
 */
export function carryExtraction(
  from: TensorEGraph,
  roots: readonly ClassId[],
  choose: (cls: ClassId) => ENode,
  foldLimit: number,
  options: TensorEGraphOptions = {},
): Carried | undefined {
  if (from.lang.declaredInputs.size > 0) return undefined;
  const eg = from.egraph;
  const n = eg.idCount;
  const chosen: ENode[] = new Array(n);
  const state = new Uint8Array(n);
  const constants = new Map<number, Node>();
  const source = from.lang;
  const nodeOf = (cls: number): ENode => (chosen[cls] ??= choose(asClassId(cls)));
  const symbolOf = (node: ENode) => source.tensorSymbol(node.symbol);
  /** The graph node of a class built as a constant (chosen or folded). */
  const constantNode = (cls: number): Node => {
    let c = constants.get(cls);
    if (c === undefined) {
      c = apply('constant', [], { ...symbolOf(nodeOf(cls)).attrs });
      constants.set(cls, c);
    }
    return c;
  };
  const types = new ExactTypes(from, nodeOf);

  // Pass 1: which classes the folded graph holds as constants, bottom-up.
  postOrder(
    eg,
    roots,
    nodeOf,
    state,
    Fold.Unseen,
    Fold.OnPath,
    () => true,
    (cls, node) => {
      const { def, attrs } = symbolOf(node);
      if (def.name === 'constant') return Fold.Constant;
      const kids = node.children;
      if (kids.length === 0) return Fold.Op;
      let allConstant = true;
      for (const k of kids) if (state[eg.find(k)] < Fold.Constant) allConstant = false;
      if (allConstant) {
        const next = apply(
          def.name,
          kids.map((k) => constantNode(eg.find(k))),
          { ...attrs },
        );
        if (!isConcrete(next.shape) || sizeOf(next.shape) > foldLimit) return Fold.Op;
        constants.set(cls, apply('constant', [], { value: evaluate(next, {}) }));
        return Fold.Folded;
      }
      if (kids.length !== 1 || !SHAPE_ONLY.has(def.name)) return Fold.Op;
      // The argument's class type unifies the types of all its nodes, so it is at least as precise as the
      // chosen node's: when even it gives no value, the exact type (a walk of the argument) gives none.
      if (shapeOnlyValue(def.name, eg.data(from.types, kids[0]), attrs, foldLimit) === undefined)
        return Fold.Op;
      // ones_like(x) and the like fold on a static type of x: the type of x as built, which can be less
      // precise than its class's (a class unifies the types of all its nodes).
      const argType = types.of(eg.find(kids[0]));
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
  // One child list for every node added: `addUncanonical` copies it.
  const kids: ClassId[] = [];
  let renames = false;
  const entered = new Uint8Array(n);
  postOrder(
    eg,
    roots,
    nodeOf,
    entered,
    0,
    1,
    (cls) => state[cls] === Fold.Op,
    (cls, node) => {
      let symbol: SymbolId;
      kids.length = 0;
      if (state[cls] === Fold.Folded) {
        symbol = to.lang.symbol('constant', constants.get(cls)!.attrs, 0);
      } else {
        for (const k of node.children) kids.push(asClassId(newId[eg.find(k)]));
        const { def, attrs } = symbolOf(node);
        if (def.normalize) {
          // `apply` normalizes attributes against its arguments' types: do the same.
          kidTypes.length = 0;
          for (const k of kids) kidTypes.push(target.data(to.types, k));
          const normalized: Attrs = typeApplication(def, kidTypes, attrs).attrs;
          symbol = to.lang.symbol(def.name, normalized, kids.length);
        } else {
          symbol = symbols[node.symbol] ??= to.lang.symbol(def.name, attrs, kids.length);
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
    if (eg.classNodes.count(id) === 0) continue;
    if (countsAsOp(t.lang.op(eg.nodes.sym[eg.classNodes.at(id, 0)] as SymbolId))) ops++;
  }
  return ops;
}

/**
 * Visits the classes reachable from `roots` through chosen nodes in post-order (children left to right),
 * each once; `enter` says whether to visit a class's children, `leave` gives its final state. Iterative:
 * graphs may be deep.
 */
function postOrder(
  eg: EGraph,
  roots: readonly ClassId[],
  nodeOf: (cls: number) => ENode,
  state: Uint8Array,
  unseen: number,
  onPath: number,
  enter: (cls: number) => boolean,
  leave: (cls: number, node: ENode) => number,
): void {
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
      const node = nodeOf(cls);
      if (next >= 0 && next < node.children.length) {
        stackNext[top] = next + 1;
        const k = eg.find(node.children[next]);
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
      state[cls] = leave(cls, node);
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
