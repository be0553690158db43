/**
 * Equalities between unknown dims (`?x0`) that a graph implies, as PyTensor's ShapeFeature finds them.
 * `T.matrix('x')` gives every dim its own unknown name, and an unknown dim is never known to equal
 * another, so a rewrite that trades one for another (`x - y` for `y - x`, a reshape to the shape it
 * already has) is refused. Some ops cannot run unless two dims agree: `dot(a, b)` contracts the last dim
 * of `a` with the first of `b`, so a graph that runs at all has them equal; a reshape keeps the number of
 * elements, so `reshape(y, shape=[?x0])` of a `[?y0]` vector has them equal too. Those dims are merged in a
 * union-find; the optimizer renames every unknown dim to its class's representative (a concrete size if
 * the class has one, then a named dim, then the first unknown dim by name), and the rewrites that need the
 * equality go through. Dims that merely broadcast against each other are left apart: an unknown dim may
 * be 1 at run time and stretch, so it is not implied equal to the other.
 */
import type { Node } from './node.js';
import { getOp } from './op-table.js';
import type { TypeInfo } from './op-def.js';
import { type Dim, dimProduct, isUnknownDim, type Shape } from './shape.js';
import { topoSort } from './topo.js';

/**
 * The renaming that merges the unknown dims `outputs` imply equal: each unknown dim in a class with
 * another dim maps to the representative. Empty when nothing merges, and also when a class would hold
 * two different known sizes (the graph cannot run then; it is left as written) or the renamed graph
 * would not type-check.
 *
 * @example
 * const x = T.matrix('x'), w = T.vector('w');
 * impliedDimRenaming([T.dot(x, w)]) // Map { '?x1' => '?w0' }
 */
export function impliedDimRenaming(outputs: readonly Node[]): Map<string, Dim> {
  const nodes = topoSort(outputs);
  const classes = new DimClasses();
  for (const node of nodes) {
    if (node.op === 'dot') contract(classes, node.args[0].shape, node.args[1].shape);
    else if (node.op === 'gemm') contract(classes, node.args[2].shape, node.args[3].shape);
    else if (node.op === 'reshape') sameSize(classes, node.args[0].shape, node.shape);
  }
  const renaming = classes.renaming();
  if (renaming === undefined || renaming.size === 0) return new Map();
  return typeChecks(nodes, renaming) ? renaming : new Map();
}

/** `d` renamed, or as it was. */
export function renameDim(renaming: ReadonlyMap<string, Dim>, d: Dim): Dim {
  return typeof d === 'string' ? (renaming.get(d) ?? d) : d;
}

/** A shape with its dims renamed (the same array when nothing changes). */
export function renameShape(renaming: ReadonlyMap<string, Dim>, shape: Shape): Shape {
  let out: Dim[] | undefined;
  shape.forEach((d, i) => {
    const r = renameDim(renaming, d);
    if (r !== d) (out ??= [...shape])[i] = r;
  });
  return out ?? shape;
}

/** Attributes with every shape-typed attribute renamed (the same object when nothing changes). */
export function renameShapeAttrs<A extends Readonly<Record<string, unknown>>>(
  op: string,
  attrs: A,
  renaming: ReadonlyMap<string, Dim>,
): A {
  if (renaming.size === 0) return attrs;
  let out: Record<string, unknown> | undefined;
  for (const [name, spec] of Object.entries(getOp(op).attrs)) {
    if (spec.type !== 'shape' || !Array.isArray(attrs[name])) continue;
    const shape = attrs[name] as Shape;
    const renamed = renameShape(renaming, shape);
    if (renamed !== shape) (out ??= { ...attrs })[name] = renamed;
  }
  return (out ?? attrs) as A;
}

/** The contracted dims of a vector/matrix product agree. */
function contract(classes: DimClasses, a: Shape, b: Shape): void {
  if (a.length < 1 || b.length < 1) return;
  classes.union(a[a.length - 1], b[0]);
}

/**
 * A reshape keeps the number of elements: when the two shapes differ only in one unknown dim each
 * (`[?y0] -> [?x0]`, `[2, ?a] -> [?b, 2]`), those two are equal.
 */
function sameSize(classes: DimClasses, from: Shape, to: Shape): void {
  const a = dimProduct(from);
  const b = dimProduct(to);
  if (a.coefficient !== b.coefficient) return;
  const left = [...a.symbols];
  const right: string[] = [];
  for (const s of b.symbols) {
    const i = left.indexOf(s);
    if (i >= 0) left.splice(i, 1);
    else right.push(s);
  }
  if (left.length === 1 && right.length === 1) classes.union(left[0], right[0]);
}

/** Whether every node still infers a type once its inputs and shape attributes are renamed. */
function typeChecks(nodes: readonly Node[], renaming: ReadonlyMap<string, Dim>): boolean {
  const types = new Map<number, TypeInfo>();
  try {
    for (const node of nodes) {
      const attrs = renameShapeAttrs(node.op, node.attrs, renaming);
      const op = getOp(node.op);
      const args = node.args.map((a) => types.get(a.id)!);
      const type =
        node.op === 'input'
          ? { dtype: node.dtype, shape: renameShape(renaming, node.shape) }
          : op.infer(args, op.normalize ? op.normalize(args, attrs) : attrs);
      types.set(node.id, type);
    }
    return true;
  } catch {
    return false;
  }
}

/** A union-find over dims (numbers kept apart from names by a prefix). */
class DimClasses {
  private readonly parent = new Map<string, string>();
  private readonly dims = new Map<string, Dim>();

  union(a: Dim, b: Dim): void {
    // Only an unknown dim learns anything: two known dims are equal or the graph does not build.
    if (!isUnknownDim(a) && !isUnknownDim(b)) return;
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(ra, rb);
  }

  private find(d: Dim): string {
    let k = typeof d === 'number' ? `#${d}` : d;
    if (!this.parent.has(k)) {
      this.parent.set(k, k);
      this.dims.set(k, d);
    }
    while (this.parent.get(k) !== k) {
      const up = this.parent.get(k)!;
      this.parent.set(k, this.parent.get(up)!);
      k = up;
    }
    return k;
  }

  /** Each unknown dim's representative, or undefined when a class holds two different known dims. */
  renaming(): Map<string, Dim> | undefined {
    const members = new Map<string, Dim[]>();
    for (const k of this.parent.keys()) {
      const r = this.find(this.dims.get(k)!);
      const list = members.get(r) ?? [];
      list.push(this.dims.get(k)!);
      members.set(r, list);
    }
    const out = new Map<string, Dim>();
    for (const dims of members.values()) {
      const known = [...new Set(dims.filter((d) => !isUnknownDim(d)))];
      if (known.length > 1) return undefined;
      const unknown = dims.filter(isUnknownDim).sort();
      const rep = known[0] ?? unknown[0];
      for (const d of known.length > 0 ? unknown : unknown.slice(1)) out.set(d, rep);
    }
    return out;
  }
}
