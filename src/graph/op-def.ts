import type { DType } from './dtype.js';
import type { Node } from './node.js';
import type { Shape } from './shape.js';
import type { Tensor } from './tensor.js';

/** What the type checker knows of a value: its dtype and (possibly symbolic) shape. */
export interface TypeInfo {
  readonly dtype: DType;
  readonly shape: Shape;
}

/** The same with a concrete shape, as the interpreter sees it. */
export interface ConcreteType {
  readonly dtype: DType;
  readonly shape: readonly number[];
}

/** Values an attribute may hold once checked. */
export type AttrValue =
  number | boolean | string | null | readonly number[] | readonly (number | null)[] | Shape | Tensor;

export type Attrs = Readonly<Record<string, AttrValue>>;

/**
 * Attribute kinds: `axes` is `null` (all), an int or a list of ints; `optInts` a list whose entries may
 * be `null` (slice ends); `shape` a list of dims (ints or names); `tensor` a constant's value.
 */
export type AttrType =
  'int' | 'number' | 'bool' | 'string' | 'dtype' | 'axes' | 'ints' | 'optInts' | 'shape' | 'tensor';

export interface AttrSpec {
  readonly type: AttrType;
  /** Used when the attribute is omitted; an attribute with no default is required. */
  readonly default?: AttrValue;
  /** True when `null` is a legal value besides the type's own values. */
  readonly nullable?: boolean;
  /** For `shape` attributes: one -1 may stand for the size left over (reshape). */
  readonly wildcard?: boolean;
}

/** Broad families of ops; fusion, cost models and runtimes read this. */
export type OpKind = 'leaf' | 'elementwise' | 'reduction' | 'linalg' | 'layout' | 'constructor';

/** How the printer and parser write an op: infix with a precedence, prefix, or a call (the default). */
export type OpSyntax =
  | {
      readonly kind: 'infix';
      readonly symbol: string;
      readonly precedence: number;
      readonly rightAssoc?: boolean;
    }
  | { readonly kind: 'prefix'; readonly symbol: string; readonly precedence: number };

/** What a vector-Jacobian product sees: the node, its args, and the adjoint `g` of its output. */
export interface VjpContext {
  readonly node: Node;
  readonly args: readonly Node[];
  readonly g: Node;
}

/**
 * The one definition of an op, read by the graph API, the parser and printer, the interpreter, `grad`,
 * the e-graph, the cost models and the runtimes.
 */
export interface OpDef {
  readonly name: string;
  /** A fixed number of args, or a minimum for variadic ops such as `concat`. */
  readonly arity: number | { readonly min: number };
  readonly kind: OpKind;
  readonly attrs: Readonly<Record<string, AttrSpec>>;
  /** One line of documentation with the math. */
  readonly doc: string;
  /** Rewrites checked attributes against the arg types (negative axes, default perms). Optional. */
  normalize?(args: readonly TypeInfo[], attrs: Attrs): Attrs;
  /** Output dtype and shape; throws ShapeError/DTypeError naming the op. */
  infer(args: readonly TypeInfo[], attrs: Attrs): TypeInfo;
  /** Reference evaluation in float64; `out` is the inferred concrete output type. */
  evaluate(args: readonly Tensor[], attrs: Attrs, out: ConcreteType): Tensor;
  /** Vector-Jacobian product: one adjoint per arg, or null where the op is not differentiable in it. */
  vjp?(ctx: VjpContext): readonly (Node | null)[];
  /** For elementwise ops: the float64 function of one element per arg. */
  readonly scalar?: (...xs: number[]) => number;
  readonly syntax?: OpSyntax;
  /** Relative cost of computing one output element (add = 1, transcendental ≈ 8–20). */
  readonly elementCost: number;
}
