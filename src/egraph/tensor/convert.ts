/**
 * Between graphs and e-graphs: load a graph's nodes into an e-graph (shared nodes become one class),
 * and build a graph back from one chosen e-node per class (what an extractor returns).
 */
import { applyOwned } from '../../graph/apply.js';
import { IdMap } from '../../graph/id-map.js';
import { countsAsOp, type Node } from '../../graph/node.js';
import type { Dim } from '../../graph/shape.js';
import { impliedDimRenaming, renameShapeAttrs } from '../../graph/unknown-dims.js';
import type { EGraph, ENode } from '../egraph.js';
import { asClassId, type ClassId } from '../ids.js';
import type { TensorLanguage } from './language.js';

/**
 * Adds every node reachable from `outputs` and returns an id for each output: its class, and with
 * explanations on, the id that stands for exactly that term (what `explain` takes).
 *
 * Nodes are added in post-order (outputs in order, arguments left to right), not by node id: ids grow
 * with everything built earlier in the process, so an id order would make class ids, and with them
 * extraction's tie-breaks, depend on process history. This order depends on the graph alone.
 *
 * Unknown dims that the graph implies equal (see `impliedDimRenaming`) are renamed to one name in every
 * input and shape attribute, so the type analysis sees them equal; `buildGraph` gives back the inputs as
 * the user declared them.
 *
 * @example const [root] = addGraph(eg, lang, [T.exp(x)]);
 */
export function addGraph(eg: EGraph, lang: TensorLanguage, outputs: readonly Node[]): ClassId[] {
  return loadGraph(eg, lang, outputs).roots;
}

/** A graph loaded into an e-graph: `addGraph`'s ids, and the graph's op count as `countOps` gives it. */
export interface LoadedGraph {
  readonly roots: ClassId[];
  /** Distinct nodes reachable from the outputs that apply an op (inputs and constants not counted). */
  readonly ops: number;
}

/**
 * `addGraph`, also counting the graph's ops on the way (the optimizer reports them, and a second walk of
 * a 100k-op graph only to count was 2% of `optimize`).
 *
 * @example const { roots, ops } = loadGraph(eg, lang, [T.exp(x)]); // ops === 1
 */
export function loadGraph(eg: EGraph, lang: TensorLanguage, outputs: readonly Node[]): LoadedGraph {
  const { order, position } = postOrder(outputs);
  // Only these ops imply dims equal: without them the renaming is empty, and finding that out walks
  // and sorts the whole graph again.
  const renaming = order.some((n) => RENAMING_OPS.has(n.op)) ? impliedDimRenaming(outputs) : NO_RENAMING;
  // Each node's id in the e-graph by its place in `order`, and one reused list of child ids per arity
  // (emptying a list with `length = 0` drops its storage): a second map from node to class and an array
  // per node were a fifth of loading a 100k-op graph.
  const added = new Int32Array(order.length);
  eg.reserve(order.length);
  const kidLists: number[][] = [];
  let ops = 0;
  for (let i = 0; i < order.length; i++) {
    const node = order[i];
    const attrs = renameShapeAttrs(node.op, node.attrs, renaming);
    const symbol = lang.symbol(node.op, attrs, node.args.length);
    if (node.op === 'input' && attrs !== node.attrs) lang.declaredInputs.set(symbol, node);
    const args = node.args;
    const kids = (kidLists[args.length] ??= new Array<number>(args.length));
    for (let k = 0; k < args.length; k++) kids[k] = added[position.get(args[k].id)];
    added[i] = eg.addUncanonical(symbol, kids);
    if (countsAsOp(node.op)) ops++;
  }
  return { roots: outputs.map((o) => asClassId(added[position.get(o.id)])), ops };
}

/** Ops from which `impliedDimRenaming` learns equal dims. */
export const RENAMING_OPS = new Set(['dot', 'gemm', 'reshape']);

const NO_RENAMING: ReadonlyMap<string, Dim> = new Map();

/**
 * Every node reachable from `outputs`, arguments before users, in depth-first order, and each node's
 * place in that order by node id. Iterative, with the stack as two arrays rather than a frame object per
 * node (loading a 100k-op graph walks it twice).
 */
function postOrder(outputs: readonly Node[]): { order: Node[]; position: IdMap } {
  // -1 while a node waits on the stack, then its place in `order`.
  const position = new IdMap();
  const order: Node[] = [];
  const stackNode: Node[] = [];
  const stackNext: number[] = [];
  for (const out of outputs) {
    if (position.has(out.id)) continue;
    position.set(out.id, -1);
    stackNode.push(out);
    stackNext.push(0);
    while (stackNode.length > 0) {
      const top = stackNode.length - 1;
      const node = stackNode[top];
      const next = stackNext[top];
      if (next < node.args.length) {
        stackNext[top] = next + 1;
        const arg = node.args[next];
        if (!position.has(arg.id)) {
          position.set(arg.id, -1);
          stackNode.push(arg);
          stackNext.push(0);
        }
        continue;
      }
      stackNode.pop();
      stackNext.pop();
      position.set(node.id, order.length);
      order.push(node);
    }
  }
  return { order, position };
}

/**
 * Builds graph nodes for `roots` from one chosen e-node per class. Iterative (graphs may be deep), and
 * hash-consing in `apply` keeps shared classes shared.
 *
 * @example const [out] = buildGraph(eg, lang, [root], (c) => best.get(c)!);
 */
export function buildGraph(
  eg: EGraph,
  lang: TensorLanguage,
  roots: readonly ClassId[],
  choose: (cls: ClassId) => ENode,
): Node[] {
  // Per class id: its built node, and whether it is on the walk's path; the stack is two arrays. No
  // object per class beyond the node itself: the optimized 100k-op graph is built here.
  const built: (Node | undefined)[] = new Array(eg.idCount);
  const onPath = new Uint8Array(eg.idCount);
  const stackCls: ClassId[] = [];
  const stackNode: ENode[] = [];
  const push = (cls: ClassId) => {
    const c = eg.find(cls);
    if (built[c] === undefined) {
      stackCls.push(c);
      stackNode.push(choose(c));
    }
  };
  for (const root of roots) {
    push(root);
    while (stackCls.length) {
      const top = stackCls.length - 1;
      const cls = stackCls[top];
      const node = stackNode[top];
      if (built[cls] !== undefined) {
        stackCls.pop();
        stackNode.pop();
        continue;
      }
      if (onPath[cls] === 0) {
        onPath[cls] = 1;
        for (const child of node.children) {
          const c = eg.find(child);
          if (onPath[c] === 1 && built[c] === undefined)
            throw new Error(`buildGraph: the chosen nodes form a cycle through class ${c}`);
          push(c);
        }
        continue;
      }
      stackCls.pop();
      stackNode.pop();
      onPath[cls] = 2;
      const declared = lang.declaredInputs.get(node.symbol);
      if (declared !== undefined) {
        built[cls] = declared;
        continue;
      }
      const { def, attrs } = lang.tensorSymbol(node.symbol);
      const args = node.children.map((c) => built[eg.find(c)]!);
      built[cls] = applyOwned(def, args, attrs);
    }
  }
  return roots.map((r) => built[eg.find(r)]!);
}
