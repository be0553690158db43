/**
 * E-nodes as scalar functions, for measuring error: accuracy mode treats an elementwise graph one
 * element at a time, so each e-node is an input, a scalar constant, or an elementwise op of its
 * children. Nodes of any other kind (reductions, layout, big constants) are not measurable: extraction
 * never chooses them, and an output with no measurable form is refused.
 */
import type { EGraph, ENode } from '../egraph/egraph.js';
import type { ClassId } from '../egraph/ids.js';
import type { TensorEGraph } from '../egraph/tensor/index.js';
import { isFloat } from '../graph/dtype.js';
import { EXACT_SCALAR, type Exact, fromDouble } from '../graph/exact/decimal-math.js';
import type { Tensor } from '../graph/tensor.js';
import { roundTo, type FloatDType } from './ulps.js';

/** What one e-node computes on one element. */
export type ScalarNode =
  | { readonly kind: 'input'; readonly name: string }
  | { readonly kind: 'constant'; readonly value: number }
  | {
      readonly kind: 'op';
      readonly op: string;
      readonly float: (...xs: number[]) => number;
      readonly exact: (...xs: Exact[]) => Exact;
    };

/** Constructors whose every element is one known value. */
const FILLED: Readonly<Record<string, number>> = { zeros_like: 0, ones_like: 1, zeros: 0, ones: 1 };

/**
 * The scalar meaning of an e-node, or undefined where it has none (not elementwise, or a constant of
 * more than one element).
 *
 * @example scalarNode(t, node) // { kind: 'op', op: 'exp', … }
 */
export function scalarNode(t: TensorEGraph, node: ENode): ScalarNode | undefined {
  const { def, attrs } = t.lang.tensorSymbol(node.symbol);
  if (def.name === 'input') return { kind: 'input', name: String(attrs.name) };
  if (def.name === 'constant') {
    const value = attrs.value as Tensor;
    return value.size === 1 ? { kind: 'constant', value: value.data[0] } : undefined;
  }
  if (def.name in FILLED) return { kind: 'constant', value: FILLED[def.name] };
  if (def.name === 'fill') return { kind: 'constant', value: Number(attrs.value) };
  const exact = EXACT_SCALAR[def.name];
  if (def.kind !== 'elementwise' || !def.scalar || !exact) return undefined;
  return { kind: 'op', op: def.name, float: def.scalar, exact };
}

/** The float dtype of a class, or undefined for integer and bool classes (not measured). */
export function floatDTypeOf(t: TensorEGraph, cls: ClassId): FloatDType | undefined {
  const { dtype } = t.egraph.data(t.types, cls);
  return isFloat(dtype) ? (dtype as FloatDType) : undefined;
}

/** The float value of a node on each sample, rounded to the class's dtype after the op, as a kernel does. */
export function floatValues(
  sn: ScalarNode,
  dtype: string,
  children: readonly Float64Array[],
  inputs: ReadonlyMap<string, Float64Array>,
  n: number,
): Float64Array {
  const out = new Float64Array(n);
  if (sn.kind === 'input') out.set(inputs.get(sn.name)!);
  else if (sn.kind === 'constant') out.fill(sn.value);
  else {
    const f = sn.float;
    const args = new Array<number>(children.length);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < children.length; k++) args[k] = children[k][i];
      out[i] = f(...args);
    }
  }
  if (dtype === 'f32') for (let i = 0; i < n; i++) out[i] = roundTo('f32', out[i]);
  return out;
}

/** The exact value of a node on one sample from its children's exact values. */
export function exactValue(
  sn: ScalarNode,
  children: readonly Exact[],
  point: Readonly<Record<string, number>>,
): Exact {
  if (sn.kind === 'input') return fromDouble(point[sn.name]);
  if (sn.kind === 'constant') return fromDouble(sn.value);
  return sn.exact(...children);
}

/** Every class's nodes with their scalar meaning (unmeasurable nodes left out). */
export function scalarClasses(t: TensorEGraph): Map<ClassId, { node: ENode; sn: ScalarNode }[]> {
  const eg: EGraph = t.egraph;
  const out = new Map<ClassId, { node: ENode; sn: ScalarNode }[]>();
  for (const c of eg.classIds()) {
    const nodes: { node: ENode; sn: ScalarNode }[] = [];
    for (const node of eg.nodesOf(c)) {
      const sn = scalarNode(t, node);
      if (sn)
        nodes.push({ node: { symbol: node.symbol, children: node.children.map((k) => eg.find(k)) }, sn });
    }
    out.set(c, nodes);
  }
  return out;
}
