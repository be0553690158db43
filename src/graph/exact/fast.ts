/**
 * The fast path of the exact reference: an elementwise float graph is evaluated one element at a time
 * in double-double with error bounds (`dd-scalar.ts`), and only the elements whose bound leaves the
 * rounding to float64 in doubt (a cancellation deeper than 40 bits, a value near the ends of the
 * double range, an op without a double-double form) go to the decimal reference, in one evaluation of
 * graphs holding only those elements.
 */
import { apply, constant } from '../apply.js';
import { isFloat } from '../dtype.js';
import { bindInputs, type InputValues } from '../interpret.js';
import type { Node } from '../node.js';
import { getOp } from '../op-table.js';
import { isConcrete } from '../shape.js';
import { Tensor } from '../tensor.js';
import { topoSort } from '../topo.js';
import { applyTracked, exactly, hasTrackedOp, settledNumber, type Tracked } from './dd-scalar.js';

/** Ops whose result is a bool decided exactly (a comparison, a logical op). */
const BOOLEAN_OPS = new Set(['lt', 'le', 'gt', 'ge', 'eq', 'neq', 'not', 'and', 'or', 'xor']);

/** The value of each leaf (input or constant), or undefined if the graph is not one the fast path takes. */
function elementwiseLeaves(nodes: readonly Node[], inputs: InputValues): Map<number, Tensor> | undefined {
  const leaves = bindInputs(nodes, inputs, new Map());
  for (const node of nodes) {
    if (node.op === 'input') continue;
    if (node.op === 'constant') {
      leaves.set(node.id, node.attrs.value as Tensor);
      continue;
    }
    if (getOp(node.op).kind !== 'elementwise' || !hasTrackedOp(node.op)) return undefined;
    // Integer ops wrap, which the reals do not: only float results (and exact booleans) are taken.
    if (!isFloat(node.dtype) && !(node.dtype === 'bool' && BOOLEAN_OPS.has(node.op))) return undefined;
    if (!isConcrete(node.shape)) return undefined;
  }
  return leaves;
}

/** The flat index into a tensor of `shape` that broadcasting reads for element `i` of `out`. */
function broadcastIndex(shape: readonly number[], out: readonly number[], i: number): number {
  let index = 0;
  let stride = 1;
  let rest = i;
  for (let d = out.length - 1, s = shape.length - 1; d >= 0; d--, s--) {
    const coord = rest % out[d];
    rest = Math.floor(rest / out[d]);
    if (s < 0) continue;
    if (shape[s] !== 1) index += coord * stride;
    stride *= shape[s];
  }
  return index;
}

/** Some elements of every form, as graphs of constants holding just those elements (for the decimal reference). */
function gatheredForms(
  forms: readonly Node[],
  leaves: ReadonlyMap<number, Tensor>,
  out: readonly number[],
  elements: readonly number[],
): Node[] {
  const memo = new Map<number, Node>();
  for (const node of topoSort(forms)) {
    const leaf = leaves.get(node.id);
    memo.set(
      node.id,
      leaf
        ? constant(
            Tensor.from(
              elements.map((i) => leaf.data[broadcastIndex(leaf.shape, out, i)]),
              [elements.length],
              leaf.dtype,
            ),
          )
        : apply(
            node.op,
            node.args.map((a) => memo.get(a.id)!),
            node.attrs,
          ),
    );
  }
  return forms.map((f) => memo.get(f.id)!);
}

/**
 * The exact value of `forms[0]` rounded to float64, by double-double where that settles it, else by
 * `decimal` (the decimal reference) on the unsettled elements; undefined where the graph is not
 * an elementwise float graph (the caller uses the decimal reference for all of it).
 *
 * @example fastExactValue([T.sub(T.add(x, 1), x)], { x: 1e300 }, decimal)?.value.item() // 1
 */
export function fastExactValue(
  forms: readonly Node[],
  inputs: InputValues,
  decimal: (forms: readonly Node[]) => { value: Tensor; zeroSignUnknown: boolean },
): { value: Tensor; zeroSignUnknown: boolean } | undefined {
  const nodes = topoSort([forms[0]]);
  const leaves = elementwiseLeaves(topoSort(forms), inputs);
  const out = forms[0].shape;
  if (!leaves || !isConcrete(out)) return undefined;
  const size = out.reduce((n, d) => n * d, 1);
  const data = new Float64Array(size);
  const unsettled: number[] = [];
  const values = new Map<number, Tracked | undefined>();
  for (let i = 0; i < size; i++) {
    values.clear();
    for (const node of nodes) {
      const leaf = leaves.get(node.id);
      if (leaf) {
        const x = leaf.data[broadcastIndex(leaf.shape, out, i)];
        values.set(node.id, Number.isFinite(x) || Number.isNaN(x) ? exactly(x) : undefined);
        continue;
      }
      const args = node.args.map((a) => values.get(a.id));
      values.set(
        node.id,
        args.every((a) => a !== undefined) ? applyTracked(node.op, args as Tracked[]) : undefined,
      );
    }
    const result = values.get(forms[0].id);
    const settled = result && settledNumber(result);
    // A zero goes to the decimal reference too: it tells whether a cancellation lost the zero's sign.
    if (settled !== undefined && settled !== 0) {
      data[i] = settled;
      continue;
    }
    unsettled.push(i);
  }
  // One decimal evaluation for all the elements left in doubt, over just those elements (the digits a
  // decimal needs follow their values, not the whole tensor's).
  let zeroSignUnknown = false;
  if (unsettled.length > 0) {
    const exact = decimal(gatheredForms(forms, leaves, out, unsettled));
    unsettled.forEach((i, k) => (data[i] = exact.value.data[k]));
    zeroSignUnknown = exact.zeroSignUnknown;
  }
  return { value: Tensor.from(data, out, 'f64'), zeroSignUnknown };
}
