/**
 * The fusion pass (Theano's FusionOptimizer, tinygrad's scheduler): decides which values of the graph
 * are written to a buffer and which are recomputed inside their consumers' kernels. The lowering then
 * builds kernels around the materialized values: an elementwise chain ends up in one kernel, a
 * reduction absorbs its elementwise producer, and a matmul absorbs a same-shaped elementwise consumer
 * as its epilogue.
 *
 * The cost model counts work per element: an op costs its `elementCost` from the op table, writing an
 * element costs {@link STORE_COST} and reading one {@link LOAD_COST}. A value read by several kernels
 * is recomputed in each when that is cheaper than writing it once and reading it back.
 */
import type { ConcreteType } from '../graph/op-def.js';
import type { Node } from '../graph/node.js';
import { getOp } from '../graph/op-table.js';
import { elementCount } from './views.js';

/** Cost of writing one element to memory, in `elementCost` units (an add is 1). */
export const STORE_COST = 2;
/** Cost of reading one element back. */
export const LOAD_COST = 1;

/** Options of {@link planFusion}. */
export interface FusionOptions {
  /** False lowers one kernel per op, for comparisons and debugging. Default true. */
  readonly fuse?: boolean;
  /** Most operands (inputs + output) of one kernel. Default unlimited. */
  readonly maxOperands?: number;
}

/** Why a value is written to a buffer, for reports and tests. */
export type MaterializeReason =
  'unfused' | 'output' | 'needs-view' | 'shared' | 'broadcast' | 'operand-limit' | 'matmul';

/** The decision: the nodes whose values are written to a buffer, each with its reason. */
export interface FusionPlan {
  readonly materialized: ReadonlyMap<number, MaterializeReason>;
}

/** How a node's value is produced, as the fusion pass sees it. */
export type NodeRole =
  /** an input or constant tensor: already a buffer */
  | 'leaf'
  /** an expression that may be inlined into consumers (elementwise, constructors, scalar constants) */
  | 'expr'
  /** a matmul whose single elementwise consumer may become its epilogue */
  | 'matmul'
  /** a view of its first arg (transpose, reshape, broadcast, expand_dims, squeeze, slice) */
  | 'view'
  /** a kernel that always writes its own buffer (reductions over lanes, concat, slice_update) */
  | 'kernel';

const VIEW_OPS = new Set(['transpose', 'reshape', 'broadcast_to', 'expand_dims', 'squeeze', 'slice']);
/** Consumers that read operands through views only, so an inlined expression would be materialized. */
const VIEW_READERS = new Set([
  'dot',
  'softmax',
  'log_softmax',
  'logsumexp',
  'argmax',
  'argmin',
  'concat',
  'slice_update',
]);
/** Reductions whose producer is fused into the reduction kernel. */
export const FUSING_REDUCTIONS = new Set(['sum', 'prod', 'max', 'min', 'mean', 'all', 'any']);

/** The role of a node in lowering; scalar constants are expressions, larger ones buffers. */
export function nodeRole(node: Node, type: ConcreteType): NodeRole {
  if (node.op === 'input') return 'leaf';
  if (node.op === 'constant') return elementCount(type.shape) === 1 ? 'expr' : 'leaf';
  if (node.op === 'dot' || node.op === 'gemm') return 'matmul';
  if (VIEW_OPS.has(node.op)) return 'view';
  const kind = getOp(node.op).kind;
  return kind === 'elementwise' || kind === 'constructor' ? 'expr' : 'kernel';
}

/** Whether `consumer` can read arg `index` as an inlined expression. */
function readsExpression(consumer: Node, index: number): boolean {
  if (consumer.op === 'gemm') return index === 0 || index === 1 || index === 4;
  if (VIEW_READERS.has(consumer.op)) return false;
  return true;
}

/** A use of a value, seen through view ops: who reads it and over how many elements. */
interface Use {
  readonly consumer: Node | 'output';
  readonly elements: number;
  /** Read as an expression (true) or needing a buffer. */
  readonly inline: boolean;
  /** Read directly by an elementwise op of the same shape (a matmul epilogue candidate). */
  readonly epilogue: boolean;
}

/**
 * Decides which nodes are materialized. `nodes` is the graph in topological order, `types` their
 * concrete types by node id, `outputs` the nodes the caller reads (and update values).
 *
 * @example
 * const x = T.vector('x', 'f32', 'n');
 * const y = x.exp().add(1);
 * const nodes = topoSort([y]);
 * const plan = planFusion(nodes, concreteTypes(nodes, new Map([['n', 4]])), [y]);
 * [...plan.materialized] // [[y.id, 'output']]: the exp is computed inside the add's kernel
 */
export function planFusion(
  nodes: readonly Node[],
  types: ReadonlyMap<number, ConcreteType>,
  outputs: readonly Node[],
  options: FusionOptions = {},
): FusionPlan {
  const fuse = options.fuse ?? true;
  const maxOperands = options.maxOperands ?? Number.POSITIVE_INFINITY;
  const consumers = new Map<number, { node: Node; index: number }[]>();
  for (const n of nodes)
    n.args.forEach((a, index) => {
      let list = consumers.get(a.id);
      if (!list) consumers.set(a.id, (list = []));
      list.push({ node: n, index });
    });
  const outputIds = new Set(outputs.map((o) => o.id));
  const sizeOf = (n: Node) => elementCount(types.get(n.id)!.shape);

  const usesOf = (node: Node): Use[] => {
    const uses: Use[] = [];
    if (outputIds.has(node.id))
      uses.push({ consumer: 'output', elements: 0, inline: false, epilogue: false });
    for (const { node: c, index } of consumers.get(node.id) ?? []) {
      if (nodeRole(c, types.get(c.id)!) === 'view') {
        // A view passes the expression through; its own uses are the real readers.
        for (const u of usesOf(c)) uses.push({ ...u, epilogue: false });
        continue;
      }
      const elements = FUSING_REDUCTIONS.has(c.op) ? sizeOf(c.args[index]) : sizeOf(c);
      const kind = getOp(c.op).kind;
      uses.push({
        consumer: c,
        elements,
        inline: readsExpression(c, index),
        epilogue: kind === 'elementwise' && sizeOf(c) === sizeOf(node),
      });
    }
    return uses;
  };

  const materialized = new Map<number, MaterializeReason>();
  /** Per inlined node: its elementCost summed over the inlined subtree. */
  const inlineCost = new Map<number, number>();
  /** Per node: the buffers an inlined expression of it reads (views of one buffer count apart). */
  const leaves = new Map<number, Set<string>>();
  /** Nodes whose inlined expression holds a matmul not yet written (its epilogue so far). */
  const carriesMatmul = new Set<number>();

  const leavesThrough = (arg: Node): Set<string> => {
    const own = leaves.get(arg.id);
    if (own && !materialized.has(arg.id)) return own;
    return new Set([String(arg.id)]);
  };

  for (const node of nodes) {
    const type = types.get(node.id)!;
    const role = nodeRole(node, type);
    if (role === 'leaf' || role === 'kernel') continue;
    if (role === 'view') {
      // Views of distinct view ops are distinct operands: tag the arg's leaves with this node.
      const arg = node.args[0];
      const through = [...leavesThrough(arg)].map((l) => `${node.id}:${l}`);
      leaves.set(node.id, new Set(through));
      inlineCost.set(node.id, materialized.has(arg.id) ? 0 : (inlineCost.get(arg.id) ?? 0));
      if (!materialized.has(arg.id) && carriesMatmul.has(arg.id)) carriesMatmul.add(node.id);
      continue;
    }
    // Expressions and matmuls.
    const own = new Set<string>();
    let cost = getOp(node.op).elementCost;
    node.args.forEach((arg, i) => {
      if (role === 'matmul' && !readsExpression(node, i)) {
        own.add(String(arg.id));
        return;
      }
      for (const l of leavesThrough(arg)) own.add(l);
      if (!materialized.has(arg.id)) cost += inlineCost.get(arg.id) ?? 0;
    });
    // Keep within the operand limit (+1 for the output, +2 for a matmul's own a and b) by writing the
    // widest inlined args to buffers.
    const budget = maxOperands - 1;
    while (own.size > budget) {
      // Views keep the leaf sets they were built with, so only expressions are candidates here; the
      // lowering writes a view's expression when that is still not enough.
      const widest = node.args
        .filter(
          (a) =>
            !materialized.has(a.id) &&
            nodeRole(a, types.get(a.id)!) !== 'view' &&
            (leaves.get(a.id)?.size ?? 0) > 1,
        )
        .sort((a, b) => leaves.get(b.id)!.size - leaves.get(a.id)!.size)[0];
      if (!widest) break;
      materialized.set(rootOf(widest, types).id, 'operand-limit');
      own.clear();
      for (const arg of node.args) for (const l of leavesThrough(arg)) own.add(l);
    }
    leaves.set(node.id, own);
    inlineCost.set(node.id, cost);
    const carries =
      role === 'matmul' || node.args.some((a) => !materialized.has(a.id) && carriesMatmul.has(a.id));

    const uses = usesOf(node);
    // A value carrying a matmul is never recomputed: that would repeat the whole product.
    const reason =
      decide(node, role, uses, sizeOf(node), cost, fuse) ??
      (carries && uses.length > 1 ? 'shared' : undefined);
    if (reason) materialized.set(node.id, reason);
    else if (carries) carriesMatmul.add(node.id);
  }
  return { materialized };
}

/** A view op's value is materialized at the expression under it. */
function rootOf(node: Node, types: ReadonlyMap<number, ConcreteType>): Node {
  let n = node;
  while (nodeRole(n, types.get(n.id)!) === 'view') n = n.args[0];
  return n;
}

function decide(
  node: Node,
  role: NodeRole,
  uses: readonly Use[],
  size: number,
  cost: number,
  fuse: boolean,
): MaterializeReason | undefined {
  const constant = node.args.length === 0 || getOp(node.op).kind === 'constructor';
  if (uses.some((u) => u.consumer === 'output')) return 'output';
  if (constant) return undefined;
  if (!fuse) return 'unfused';
  if (uses.some((u) => !u.inline)) return 'needs-view';
  if (role === 'matmul') return uses.length === 1 && uses[0].epilogue ? undefined : 'matmul';
  // Recomputing in every reader versus writing once and reading back.
  const readElements = uses.reduce((s, u) => s + u.elements, 0);
  const recompute = readElements * cost;
  const store = size * cost + size * STORE_COST + readElements * LOAD_COST;
  if (recompute <= store) return undefined;
  return uses.length > 1 ? 'shared' : 'broadcast';
}
