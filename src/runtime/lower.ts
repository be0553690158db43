/**
 * Lowering: an (optimized) graph with its symbolic dims bound becomes a {@link Program} of kernels over
 * buffers. The fusion pass decides which values are written to buffers; everything else is recomputed
 * inside the kernels that read it, and layout ops become strided views wherever strides can express
 * them. Inputs become `input` buffers, shared variables `param` buffers, larger constants `constant`
 * buffers; each output ends in its own contiguous `output` buffer.
 */
import { byteSize, castValue } from '../graph/dtype.js';
import type { Node } from '../graph/node.js';
import { countAlong } from '../graph/ops/constructors.js';
import { getOp } from '../graph/op-table.js';
import { formatShape } from '../graph/shape.js';
import type { Tensor } from '../graph/tensor.js';
import { topoSort } from '../graph/topo.js';
import { type FusionPlan, FUSING_REDUCTIONS, nodeRole, planFusion } from './fusion.js';
import { sliceUpdate } from './lower-slice-update.js';
import { concreteTypes, type LoweredType } from './lower-types.js';
import {
  castTo,
  leavesOf,
  mapLeaves,
  matmulsOf,
  toScalarExpr,
  type Value,
  type ValueExpr,
} from './lower-value.js';
import { LoweringError } from './lowering-error.js';
import { alignSlot, planMemory } from './memory-plan.js';
import { isView, leafValue, ProgramBuilder } from './program-builder.js';
import type { BufferId, Program, ScalarExpr, Update, View } from './program.js';
import {
  broadcastView,
  contiguousView,
  elementCount,
  isIdentityView,
  permuteView,
  reshapeView,
  sliceRanges,
  sliceView,
} from './views.js';

/** What to lower: the graph's outputs, its shared variables and their updates, and the dims' sizes. */
export interface LowerRequest {
  readonly outputs: readonly Node[];
  /** `input` nodes that are shared variables: their buffers live in the executor between runs. */
  readonly params: readonly Node[];
  /** `[param input node, its new value]`, applied after the outputs are computed (Theano's updates). */
  readonly updates: readonly (readonly [Node, Node])[];
  /** Every symbolic dim of the graph, bound. */
  readonly sizes: ReadonlyMap<string, number>;
  /** From the executor's capabilities: most operands (inputs + output) of one kernel. */
  readonly maxOperands?: number;
  /** False lowers one kernel per op, for comparisons. Default true. */
  readonly fuse?: boolean;
}

/**
 * Lowers a graph to a program. `program.params` follows `request.params`; inputs and params carry their
 * input names; `program.outputs` follows `request.outputs` (the same node twice gives the same buffer).
 *
 * @example
 * const x = T.vector('x', 'f32', 'n');
 * const program = lower({ outputs: [x.exp().add(1).sum()], params: [], updates: [], sizes: new Map([['n', 4]]) });
 * program.kernels.map((k) => k.kind) // ['reduce']
 */
export function lower(request: LowerRequest): Program {
  const updateValues = request.updates.map(([, v]) => v);
  const nodes = topoSort([...request.outputs, ...updateValues, ...request.params]);
  checkParams(request);
  const types = concreteTypes(nodes, request.sizes);
  checkUpdates(request, types);
  const plan = planFusion(nodes, types, [...request.outputs, ...updateValues], {
    fuse: request.fuse,
    maxOperands: request.maxOperands,
  });
  const lowering = new Lowering(types, plan, new Set(request.params.map((p) => p.id)), request.maxOperands);
  for (const node of nodes) lowering.lowerNode(node);
  const outputs = request.outputs.map((o) => lowering.outputBuffer(o));
  const updates = request.updates.flatMap(([param, value]) => lowering.update(param, value));
  const b = lowering.builder;
  const program = planMemory({
    buffers: b.buffers.map((d) => ({ ...d })),
    kernels: b.kernels,
    inputs: lowering.inputs,
    params: request.params.map((p) => lowering.bufferOf(p)),
    outputs,
    updates,
  });
  const perNodeBytes = nodes.reduce((sum, n) => {
    const t = types.get(n.id)!;
    return sum + alignSlot(elementCount(t.shape) * byteSize(t.dtype));
  }, 0);
  return { ...program, memory: { ...program.memory, perNodeBytes } };
}

function checkParams(request: LowerRequest): void {
  const params = new Set(request.params.map((p) => p.id));
  for (const p of request.params)
    if (p.op !== 'input')
      throw new LoweringError(`parameter ${p.toString()} is a '${p.op}' node; parameters must be inputs`);
  const names = new Map<string, Node>();
  for (const n of topoSort([...request.outputs, ...request.updates.map(([, v]) => v), ...request.params])) {
    if (n.op !== 'input') continue;
    const other = names.get(n.inputName!);
    if (other && other !== n)
      throw new LoweringError(`two different inputs are named '${n.inputName}'; give them distinct names`);
    names.set(n.inputName!, n);
  }
  for (const [param] of request.updates)
    if (!params.has(param.id))
      throw new LoweringError(
        `update of ${param.op === 'input' ? `'${param.inputName}'` : param.toString()}: not one of the parameters`,
      );
}

function checkUpdates(request: LowerRequest, types: ReadonlyMap<number, LoweredType>): void {
  for (const [param, value] of request.updates) {
    const p = types.get(param.id)!;
    const v = types.get(value.id)!;
    if (p.dtype !== v.dtype || formatShape(p.shape) !== formatShape(v.shape))
      throw new LoweringError(
        `update of '${param.inputName}': the new value is ${v.dtype}${formatShape(v.shape)}, the parameter is ${p.dtype}${formatShape(p.shape)}`,
      );
  }
}

/** Most ops one fused kernel computes; a longer chain is cut into several kernels. */
export const MAX_FUSED_OPS = 64;

/** Ops in an expression (each use of a shared subexpression counts). */
function opCount(expr: ValueExpr): number {
  return expr.kind === 'op' ? expr.args.reduce((n, a) => n + opCount(a), 1) : 0;
}

/** The element value of the constructors other than `fill`. */
const CONSTRUCTOR_VALUE: Readonly<Record<string, number>> = {
  zeros: 0,
  ones: 1,
  zeros_like: 0,
  ones_like: 1,
};

const sameShape = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((d, i) => d === b[i]);

/** The lowering of one graph: node values, in topological order. */
class Lowering {
  readonly builder = new ProgramBuilder();
  readonly inputs: BufferId[] = [];
  private readonly values = new Map<number, Value>();
  private readonly leafBuffers = new Map<number, BufferId>();

  constructor(
    private readonly types: ReadonlyMap<number, LoweredType>,
    private readonly plan: FusionPlan,
    private readonly params: ReadonlySet<number>,
    private readonly maxOperands = Number.POSITIVE_INFINITY,
  ) {}

  lowerNode(node: Node): void {
    const type = this.types.get(node.id)!;
    let value: Value;
    switch (nodeRole(node, type)) {
      case 'leaf':
        value = leafValue(contiguousView(this.bufferOf(node), type.dtype, type.shape), []);
        break;
      case 'expr':
        value = this.expression(node, type);
        break;
      case 'matmul':
        value = this.matmul(node, type);
        break;
      case 'view':
        value = this.view(node, type);
        break;
      case 'kernel':
        value = this.kernel(node, type);
        break;
    }
    if (this.plan.materialized.has(node.id)) value = this.builder.materialize(value);
    this.values.set(node.id, value);
  }

  /** The buffer of an input, parameter or constant node, declared on first use. */
  bufferOf(node: Node): BufferId {
    let id = this.leafBuffers.get(node.id);
    if (id !== undefined) return id;
    const type = this.types.get(node.id)!;
    if (node.op === 'constant') {
      const tensor = node.attrs.value as Tensor;
      id = this.builder.addBuffer(type.dtype, type.shape, 'constant', undefined, tensor.data);
    } else if (this.params.has(node.id)) {
      id = this.builder.addBuffer(type.dtype, type.shape, 'param', node.inputName);
    } else {
      id = this.builder.addBuffer(type.dtype, type.shape, 'input', node.inputName);
      this.inputs.push(id);
    }
    this.leafBuffers.set(node.id, id);
    return id;
  }

  private value(node: Node): Value {
    return this.values.get(node.id)!;
  }

  /** A value as a single view, writing it to a buffer first when it is an expression. */
  private asView(value: Value): View {
    const v = this.builder.materialize(value);
    return (v.expr as { view: View }).view;
  }

  /** The count `size` reads from its argument's bound shape. */
  private sizeOf(node: Node, type: LoweredType): number {
    const shape = this.types.get(node.args[0].id)!.shape;
    const axes = type.attrs.axis as number[] | null;
    return countAlong(shape, axes ?? shape.map((_, i) => i))!;
  }

  /** Elementwise ops, constructors and scalar constants. */
  private expression(node: Node, type: LoweredType): Value {
    const { dtype, shape } = type;
    if (node.args.length === 0 || getOp(node.op).kind === 'constructor') {
      const value =
        node.op === 'constant'
          ? (node.attrs.value as Tensor).data[0]
          : castValue(
              node.op === 'fill'
                ? (type.attrs.value as number)
                : node.op === 'size'
                  ? this.sizeOf(node, type)
                  : CONSTRUCTOR_VALUE[node.op],
              dtype,
            );
      return {
        shape,
        dtype,
        expr: { kind: 'const', value, dtype },
        ops: node.op === 'constant' ? [] : [node.op],
      };
    }
    // One pending matmul may ride along as the kernel's accumulator, if its shape is the output's.
    let carried = false;
    let args = node.args.map((a) => {
      const v = this.value(a);
      if (matmulsOf(v.expr).size === 0) return v;
      if (!carried && sameShape(v.shape, shape)) {
        carried = true;
        return v;
      }
      return this.builder.materialize(v);
    });
    args = args.map((v) =>
      sameShape(v.shape, shape)
        ? v
        : { ...v, shape, expr: mapLeaves(v.expr, (view) => broadcastView(view, shape))! },
    );
    // A bound on a kernel's size keeps generated functions small and every walk over them short.
    while (args.reduce((n, a) => n + opCount(a.expr), 1) > MAX_FUSED_OPS) {
      const largest = args.reduce((best, a, i) => (opCount(a.expr) > opCount(args[best].expr) ? i : best), 0);
      args[largest] = this.builder.materialize(args[largest]);
    }
    // The operand limit: write the widest inlined args to buffers until the kernel fits.
    const reserved = 1 + (carried ? 2 : 0);
    const combined = () => leavesOf({ kind: 'op', op: node.op, args: args.map((a) => a.expr), dtype }).size;
    while (combined() + reserved > this.maxOperands) {
      const widest = args
        .map((a, i) => ({ i, n: leavesOf(a.expr).size, leaf: isView(a) }))
        .filter((a) => !a.leaf)
        .sort((a, b) => b.n - a.n)[0];
      if (!widest) break;
      args[widest.i] = this.builder.materialize(args[widest.i]);
    }
    const expr: ValueExpr = {
      kind: 'op',
      op: node.op,
      args: args.map((a) => a.expr),
      dtype,
      ...(node.op === 'cast' ? { attrs: { dtype } } : {}),
    };
    return { shape, dtype, expr, ops: [...args.flatMap((a) => a.ops), node.op] };
  }

  /** dot and gemm: a pending matmul that a same-shaped elementwise consumer may take as epilogue. */
  private matmul(node: Node, type: LoweredType): Value {
    const [xNode, yNode] = node.op === 'dot' ? node.args : [node.args[2], node.args[3]];
    const x = this.asView(this.value(xNode));
    const y = this.asView(this.value(yNode));
    const m = x.shape.length === 2 ? x.shape[0] : 1;
    const k = x.shape[x.shape.length - 1];
    const n = y.shape.length === 2 ? y.shape[1] : 1;
    const matmul = {
      a: reshapeView(x, [1, m, k])!,
      b: reshapeView(y, [1, k, n])!,
      batch: 1,
      m,
      n,
      k,
      shape: type.shape,
    };
    const acc: ValueExpr = { kind: 'acc', matmul };
    if (node.op === 'dot')
      return { shape: type.shape, dtype: type.dtype, expr: castTo(acc, 'f64', type.dtype), ops: ['dot'] };
    // gemm(z, a, x, y, b) = b*z + a*dot(x, y), in float64 as the reference computes it.
    const [z, alpha, , , beta] = node.args.map((a) => {
      let v = this.value(a);
      if (matmulsOf(v.expr).size) v = this.builder.materialize(v);
      return sameShape(v.shape, type.shape)
        ? v
        : { ...v, shape: type.shape, expr: mapLeaves(v.expr, (view) => broadcastView(view, type.shape))! };
    });
    const f64 = (op: string, args: ValueExpr[]): ValueExpr => ({ kind: 'op', op, args, dtype: 'f64' });
    const expr = f64('add', [f64('mul', [beta.expr, z.expr]), f64('mul', [alpha.expr, acc])]);
    return {
      shape: type.shape,
      dtype: type.dtype,
      expr: castTo(expr, 'f64', type.dtype),
      ops: [...z.ops, ...alpha.ops, ...beta.ops, 'gemm'],
    };
  }

  /** Layout ops that a strided view can express; a copy where it cannot. */
  private view(node: Node, type: LoweredType): Value {
    const arg = this.value(node.args[0]);
    const argShape = this.types.get(node.args[0].id)!.shape;
    const { shape, attrs } = type;
    switch (node.op) {
      case 'transpose': {
        const perm =
          (attrs.perm as number[] | null) ??
          Array.from({ length: argShape.length }, (_, i) => argShape.length - 1 - i);
        return this.remap(arg, shape, (v) => permuteView(v, perm));
      }
      case 'broadcast_to':
        return this.remap(arg, shape, (v) => broadcastView(v, shape));
      case 'slice': {
        const ranges = sliceRanges(argShape, attrs);
        return this.remap(arg, shape, (v) => sliceView(v, ranges));
      }
      default:
        // reshape, expand_dims, squeeze
        return this.remap(arg, shape, (v) => reshapeView(v, shape));
    }
  }

  /** Applies a view transform to every leaf; materializes (or copies) what it cannot map. */
  private remap(value: Value, shape: readonly number[], fn: (v: View) => View | undefined): Value {
    const mapped = mapLeaves(value.expr, fn);
    if (mapped) return { ...value, shape, expr: mapped };
    let source = this.builder.materialize(value);
    let view = fn((source.expr as { view: View }).view);
    if (!view) {
      source = this.builder.materialize(source, 'temp', true);
      view = fn((source.expr as { view: View }).view)!;
    }
    return leafValue(view, []);
  }

  /** Reductions, the softmax family, concat and slice_update: kernels with their own output buffer. */
  private kernel(node: Node, type: LoweredType): Value {
    if (FUSING_REDUCTIONS.has(node.op)) return this.reduce(node, type);
    switch (node.op) {
      case 'softmax':
      case 'log_softmax':
      case 'logsumexp':
      case 'argmax':
      case 'argmin':
        return this.lanes(node, type);
      case 'concat':
        return this.concat(
          node.args.map((a) => this.asView(this.value(a))),
          type.attrs.axis as number,
          type.dtype,
        );
      case 'slice_update': {
        const x = this.asView(this.value(node.args[0]));
        const v = this.asView(this.value(node.args[1]));
        const ranges = sliceRanges(x.shape, type.attrs);
        const fitted = broadcastView(
          v,
          ranges.map((r) => r.count),
        );
        return sliceUpdate(x, fitted, ranges, type.dtype, {
          concat: (views, axis) => this.concat(views, axis, type.dtype),
          slice: sliceView,
        });
      }
      default:
        throw new LoweringError(`${node.op} (node #${node.id}): no kernel lowers this op`);
    }
  }

  private reduce(node: Node, type: LoweredType): Value {
    let input = this.value(node.args[0]);
    if (matmulsOf(input.expr).size || leavesOf(input.expr).size + 1 > this.maxOperands)
      input = this.builder.materialize(input);
    const rank = input.shape.length;
    const axes = (type.attrs.axis as number[] | null) ?? Array.from({ length: rank }, (_, i) => i);
    const operands: View[] = [];
    const producer = toScalarExpr(input.expr, operands);
    const count = axes.reduce((c, a) => c * input.shape[a], 1);
    const acc: ScalarExpr = { kind: 'acc', dtype: 'f64' };
    // The mean of nothing is 0/0, NaN, as the reference computes it; written as the constant, because a
    // shader compiler that assumes finite math folds acc / 0 to anything.
    const mean: ScalarExpr =
      count === 0
        ? { kind: 'const', value: NaN, dtype: 'f64' }
        : { kind: 'op', op: 'div', args: [acc, { kind: 'const', value: count, dtype: 'f64' }], dtype: 'f64' };
    const output = this.builder.addBuffer(type.dtype, type.shape, 'temp');
    this.builder.emit({
      kind: 'reduce',
      ops: [...input.ops, node.op],
      operands,
      output,
      op: (node.op === 'mean' ? 'sum' : node.op) as 'sum',
      shape: input.shape,
      axes,
      producer,
      epilogue: castScalar(node.op === 'mean' ? mean : acc, type.dtype),
      accDtype: 'f64',
    });
    return leafValue(contiguousView(output, type.dtype, type.shape), []);
  }

  /**
   * softmax, log_softmax (along one axis), logsumexp (over axes) and argmax, argmin (along one axis or
   * the flattened tensor), as rows × length lanes.
   */
  private lanes(node: Node, type: LoweredType): Value {
    const x = this.asView(this.value(node.args[0]));
    const rank = x.shape.length;
    const all = Array.from({ length: rank }, (_, i) => i);
    const axis = type.attrs.axis as number | number[] | null;
    const axes =
      node.op === 'softmax' || node.op === 'log_softmax'
        ? [(axis as number) + rank]
        : axis === null
          ? all
          : typeof axis === 'number'
            ? [axis]
            : axis;
    const kept = Array.from({ length: rank }, (_, i) => i).filter((i) => !axes.includes(i));
    const perm = [...kept, ...axes];
    const permuted = permuteView(x, perm);
    const rows = elementCount(kept.map((a) => x.shape[a]));
    const length = elementCount(axes.map((a) => x.shape[a]));
    let lanes = reshapeView(permuted, [rows, length]);
    if (!lanes) {
      const copy = this.builder.materialize(leafValue(permuted, []), 'temp', true);
      lanes = reshapeView((copy.expr as { view: View }).view, [rows, length])!;
    }
    if (node.op === 'argmax' || node.op === 'argmin') {
      // The kept axes stay in order, so the [rows] indices are the output's elements row-major.
      const output = this.builder.addBuffer(type.dtype, type.shape, 'temp');
      this.builder.emit({
        kind: 'argreduce',
        ops: [node.op],
        operands: [lanes],
        output,
        op: node.op,
        rows,
        length,
      });
      return leafValue(contiguousView(output, type.dtype, type.shape), []);
    }
    const op = node.op as 'softmax' | 'log_softmax' | 'logsumexp';
    const outShape = op === 'logsumexp' ? type.shape : permuted.shape;
    const output = this.builder.addBuffer(type.dtype, outShape, 'temp');
    this.builder.emit({ kind: 'softmax', ops: [op], operands: [lanes], output, op, rows, length });
    const out = contiguousView(output, type.dtype, outShape);
    if (op === 'logsumexp') return leafValue(out, []);
    const inverse = perm.map((_, i) => perm.indexOf(i));
    return leafValue(permuteView(out, inverse), []);
  }

  /** Joins views along an axis, in groups when they exceed the operand limit. */
  private concat(views: readonly View[], axis: number, dtype: Value['dtype']): Value {
    let parts = [...views];
    const perKernel = Math.max(2, this.maxOperands - 1);
    while (parts.length > perKernel) {
      const grouped: View[] = [];
      for (let i = 0; i < parts.length; i += perKernel) {
        const group = parts.slice(i, i + perKernel);
        if (group.length === 1) grouped.push(group[0]);
        else grouped.push(this.concatKernel(group, axis, dtype));
      }
      parts = grouped;
    }
    return leafValue(this.concatKernel(parts, axis, dtype), []);
  }

  private concatKernel(views: readonly View[], axis: number, dtype: Value['dtype']): View {
    const shape = [...views[0].shape];
    shape[axis] = views.reduce((s, v) => s + v.shape[axis], 0);
    const output = this.builder.addBuffer(dtype, shape, 'temp');
    this.builder.emit({ kind: 'concat', ops: ['concat'], operands: views, output, axis, shape });
    return contiguousView(output, dtype, shape);
  }

  /** The buffer an output is read from: the buffer its value was written to, or a fresh copy. */
  outputBuffer(node: Node): BufferId {
    const value = this.value(node);
    if (isView(value)) {
      const buffer = this.builder.buffer(value.expr.view.buffer);
      const fresh = buffer.role === 'temp';
      if (
        (fresh || (buffer.role === 'output' && sameShape(buffer.shape, value.shape))) &&
        isIdentityView(value.expr.view, buffer.size)
      ) {
        // A reshape of the buffer reads the same elements: the buffer takes the output's shape.
        buffer.role = 'output';
        buffer.shape = [...value.shape];
        return buffer.id;
      }
    }
    const written = this.builder.materialize(value, 'output');
    const id = (written.expr as { view: View }).view.buffer;
    this.values.set(node.id, written);
    return id;
  }

  /** An update whose value sits in a buffer no parameter owns; none for `[p, p]`. */
  update(param: Node, valueNode: Node): Update[] {
    if (param === valueNode) return [];
    let value = this.value(valueNode);
    if (isView(value)) {
      const buffer = this.builder.buffer(value.expr.view.buffer);
      if (buffer.role !== 'param' && isIdentityView(value.expr.view, buffer.size))
        return [{ param: this.bufferOf(param), value: buffer.id }];
      // Another parameter's value is read before any update writes: it is copied first.
      value = this.builder.materialize(value, 'temp', true);
    } else value = this.builder.materialize(value);
    return [{ param: this.bufferOf(param), value: (value.expr as { view: View }).view.buffer }];
  }
}

function castScalar(expr: ScalarExpr, dtype: Value['dtype']): ScalarExpr {
  return dtype === 'f64' ? expr : { kind: 'op', op: 'cast', args: [expr], dtype, attrs: { dtype } };
}
