/**
 * The syntax tree that both notations (infix and s-expressions) parse to, before any op is applied.
 * Expressions lower it to graph nodes (`lower.ts`); the rule compiler turns the same tree into
 * patterns. Every piece carries its `span` so later stages can point at it in errors.
 */

/** Offsets `[start, end)` into the parsed source text. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** A number literal; a `-` directly before a bare literal is folded into it (`-2` is the number -2). */
export interface NumberExpr {
  readonly kind: 'number';
  readonly value: number;
  readonly span: Span;
}

/** A name bound to a declared input (or, in rules, to whatever the rule compiler binds). */
export interface NameExpr {
  readonly kind: 'name';
  readonly name: string;
  readonly span: Span;
}

/**
 * A pattern variable `?x`. The expression grammar never produces it; the rule grammar does, and
 * expression lowering rejects it.
 */
export interface VarExpr {
  readonly kind: 'var';
  readonly name: string;
  readonly span: Span;
}

/**
 * An op applied to args: written infix (`a + b`), prefix (`-a`), as a call (`sum(x, axis=1)`) or as an
 * s-expression (`(sum x :axis 1)`). `op` is already the op table's name (`add`, not `+`), though it
 * may name no op at all: lowering reports unknown ops at `opSpan`.
 */
export interface CallExpr {
  readonly kind: 'call';
  readonly op: string;
  readonly args: readonly Arg[];
  readonly attrs: readonly AttrArg[];
  readonly span: Span;
  /** The op's name or symbol in the source. */
  readonly opSpan: Span;
}

export type Expr = NumberExpr | NameExpr | VarExpr | CallExpr;

/** A positional arg: an expression, or a list literal (only `constant([[1, 2]], dtype=f32)` takes one). */
export type Arg = Expr | ListAttr;

/** `name=value` in a call, `:name value` in an s-expression. */
export interface AttrArg {
  readonly name: string;
  readonly value: AttrExpr;
  readonly span: Span;
}

/** A list of attribute values: `[0, 1]`, `[n, 3]`, `[1, null]`, `[[1, 2], [3, 4]]`. */
export interface ListAttr {
  readonly kind: 'list';
  readonly items: readonly AttrExpr[];
  readonly span: Span;
}

/**
 * An attribute value. `ident` is a bare name (a dtype such as `f32`, or a dim name); `unknown` is
 * `?` followed by a name (an unknown dim `?x0`, or a pattern variable in rules).
 */
export type AttrExpr =
  | NumberExpr
  | { readonly kind: 'bool'; readonly value: boolean; readonly span: Span }
  | { readonly kind: 'null'; readonly span: Span }
  | { readonly kind: 'ident'; readonly name: string; readonly span: Span }
  | { readonly kind: 'unknown'; readonly name: string; readonly span: Span }
  | ListAttr;

/** A declaration `x: f32[n, 3]`; dims are ints, names, or `?` (unknown) / `?name`. */
export interface DeclAst {
  readonly name: string;
  readonly type: TypeAst;
  readonly span: Span;
}

/** `f32[n, 3]` or `f64` (a scalar). */
export interface TypeAst {
  readonly dtype: string;
  readonly dims: readonly (number | string)[];
  readonly span: Span;
  readonly dtypeSpan: Span;
}

/** A whole source: declarations, then expressions, and which notation the expressions use. */
/** `t = exp(x);`: a name for a subexpression, usable by the bindings and expressions after it. */
export interface BindingAst {
  readonly name: string;
  readonly expr: Expr;
  readonly span: Span;
}

export interface SourceAst {
  readonly decls: readonly DeclAst[];
  /** Let-bindings, in order (infix sources only). */
  readonly bindings?: readonly BindingAst[];
  readonly exprs: readonly Expr[];
  readonly notation: 'infix' | 'sexpr';
}
