/** `dot` with numpy's semantics for vectors and matrices, and `gemm(z, a, x, y, b) = b*z + a*dot(x, y)`. */
import { apply } from '../apply.js';
import { promote } from '../dtype.js';
import { DTypeError, ShapeError } from '../errors.js';
import type { Node } from '../node.js';
import type { OpDef, TypeInfo } from '../op-def.js';
import { broadcastShapes, type Dim, formatShape, type Shape, shapesMatch, unifyDims } from '../shape.js';
import { Tensor } from '../tensor.js';
import { mapElementwise } from './kernels.js';

const A = (op: string, ...args: (Node | number)[]): Node => apply(op, args);

/** Output shape of dot for ranks 1 and 2; the contracted dims must agree. */
function dotShape(op: string, a: Shape, b: Shape): Shape {
  if (a.length < 1 || a.length > 2 || b.length < 1 || b.length > 2)
    throw new ShapeError(
      `${op}: supports vectors and matrices, got shapes ${formatShape(a)} and ${formatShape(b)} (use mul for scalars)`,
    );
  const k1 = a[a.length - 1];
  const k2 = b.length === 1 ? b[0] : b[0];
  if (unifyDims(k1, k2) === undefined)
    throw new ShapeError(
      `${op}: shapes ${formatShape(a)} and ${formatShape(b)} do not align (${String(k1)} vs ${String(k2)})`,
    );
  const out: Dim[] = [];
  if (a.length === 2) out.push(a[0]);
  if (b.length === 2) out.push(b[1]);
  return out;
}

function dotDType(op: string, a: TypeInfo, b: TypeInfo) {
  if (a.dtype === 'bool' || b.dtype === 'bool')
    throw new DTypeError(`${op}: needs numeric tensors, got bool`);
  return promote(a.dtype, b.dtype);
}

/** Reference matrix product over float64, viewing vectors as a row (left) or a column (right). */
function dotEval(a: Tensor, b: Tensor, outShape: readonly number[], dtype: TypeInfo['dtype']): Tensor {
  const m = a.rank === 2 ? a.shape[0] : 1;
  const k = a.shape[a.rank - 1];
  const n = b.rank === 2 ? b.shape[1] : 1;
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      // -0 is IEEE's additive identity: a dot of negative zeros is -0, as numpy's; of nothing, +0.
      let s = k === 0 ? 0 : -0;
      for (let p = 0; p < k; p++) s += a.data[i * k + p] * b.data[p * n + j];
      out[i * n + j] = s;
    }
  return Tensor.from(out, outShape, dtype);
}

/** The adjoints of dot(a, b) for adjoint g, for each rank combination. */
function dotVjp(a: Node, b: Node, g: Node): [Node, Node] {
  const outer = (u: Node, v: Node) =>
    A('mul', apply('expand_dims', [u], { axis: 1 }), apply('expand_dims', [v], { axis: 0 }));
  if (a.rank === 1 && b.rank === 1) return [A('mul', g, b), A('mul', g, a)];
  if (a.rank === 2 && b.rank === 1) return [outer(g, b), A('dot', apply('transpose', [a]), g)];
  if (a.rank === 1 && b.rank === 2) return [A('dot', b, g), outer(a, g)];
  return [A('dot', g, apply('transpose', [b])), A('dot', apply('transpose', [a]), g)];
}

const DOT: OpDef = {
  name: 'dot',
  arity: 2,
  kind: 'linalg',
  attrs: {},
  doc: 'dot(a, b): matrix/vector product with numpy semantics',
  infer: ([a, b]) => ({ dtype: dotDType('dot', a, b), shape: dotShape('dot', a.shape, b.shape) }),
  evaluate: ([a, b], _attrs, out) => dotEval(a, b, out.shape, out.dtype),
  vjp: ({ args: [a, b], g }) => dotVjp(a, b, g),
  elementCost: 2,
};

const GEMM: OpDef = {
  name: 'gemm',
  arity: 5,
  kind: 'linalg',
  attrs: {},
  doc: 'gemm(z, a, x, y, b) = b*z + a*dot(x, y), with scalars a and b',
  infer: ([z, a, x, y, b]) => {
    for (const [name, s] of [
      ['a', a],
      ['b', b],
    ] as const)
      if (s.shape.length !== 0)
        throw new ShapeError(`gemm: '${name}' must be a scalar, got shape ${formatShape(s.shape)}`);
    const d = dotShape('gemm', x.shape, y.shape);
    const shape = broadcastShapes('gemm', [z.shape, d]);
    if (!shapesMatch(shape, d) || shape.length !== d.length)
      throw new ShapeError(
        `gemm: z of shape ${formatShape(z.shape)} does not fit dot(x, y) of shape ${formatShape(d)}`,
      );
    return { dtype: promote(promote(z.dtype, dotDType('gemm', x, y)), promote(a.dtype, b.dtype)), shape: d };
  },
  evaluate: ([z, a, x, y, b], _attrs, out) => {
    const d = dotEval(x, y, out.shape, 'f64');
    return mapElementwise([z, a, d, b], out.shape, out.dtype, (zv, av, dv, bv) => bv * zv + av * dv);
  },
  vjp: ({ args: [z, a, x, y, b], g }) => {
    const d = A('dot', x, y);
    const [gx, gy] = dotVjp(x, y, A('mul', g, a));
    return [A('mul', g, b), A('sum', A('mul', g, d)), gx, gy, A('sum', A('mul', g, z))];
  },
  elementCost: 2,
};

/** dot and gemm. */
export const LINALG_OPS: readonly OpDef[] = [DOT, GEMM];
