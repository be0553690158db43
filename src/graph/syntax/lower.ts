/**
 * From the syntax tree to graph nodes: declarations become inputs, calls go through `apply`, and every
 * error is re-thrown as a `SourceError` pointing at the offending name, call or attribute.
 */
import { apply, type TensorLike } from '../apply.js';
import { T } from '../builders.js';
import { type DType, parseDType } from '../dtype.js';
import { SaturnError, SourceError } from '../errors.js';
import { Node } from '../node.js';
import { editDistance, getOp, OPS } from '../op-table.js';
import type { Arg, AttrArg, AttrExpr, CallExpr, DeclAst, Expr, Span, TypeAst } from './ast.js';
import { sourceError } from './errors.js';

/** Where lowering happens: the source (for error messages), the names in scope, and what to do with others. */
export interface LowerScope {
  readonly source: string;
  readonly file?: string;
  readonly vars: Map<string, Node>;
  /** Declares unknown names with this type instead of failing, e.g. `{ dtype: 'f32', dims: [] }`. */
  readonly defaultType?: { readonly dtype: DType; readonly dims: readonly (number | string)[] };
}

/**
 * The input node a declaration declares (an unknown dim `?` is named after input and axis, `?x0`).
 *
 * @example lowerDecl(decl /* x: f32[n] *\/, scope).shape // ['n']
 */
export function lowerDecl(decl: DeclAst, scope: LowerScope): Node {
  return wrap(scope, decl.span, () => T.tensor(decl.name, lowerType(decl.type, scope), decl.type.dims));
}

/** The dtype of a type; unknown dtype names are reported at the name. */
export function lowerType(type: TypeAst, scope: LowerScope): DType {
  return wrap(scope, type.dtypeSpan, () => parseDType(type.dtype));
}

/**
 * The node of an expression. Iterative, so deeply nested trees cannot overflow the stack; a bare
 * number becomes an i64 or f64 constant, numbers among other args take their dtype (`apply`'s rule).
 *
 * @example lowerExpr(ast /* x + 1 *\/, scope) === T.add(x, 1) // true
 */
export function lowerExpr(root: Expr, scope: LowerScope): Node {
  const done = new Map<Arg, TensorLike>();
  const stack: { expr: Expr; expanded: boolean }[] = [{ expr: root, expanded: false }];
  while (stack.length) {
    const top = stack[stack.length - 1];
    const { expr } = top;
    if (expr.kind !== 'call' || expr.op === 'constant' || top.expanded) {
      stack.pop();
      if (!done.has(expr)) done.set(expr, lowerOne(expr, done, scope));
      continue;
    }
    top.expanded = true;
    for (const arg of expr.args) {
      if (arg.kind === 'list') throw listError(arg.span, scope);
      if (!done.has(arg)) stack.push({ expr: arg, expanded: false });
    }
  }
  const result = done.get(root)!;
  return result instanceof Node ? result : T.constant(result);
}

function lowerOne(expr: Expr, done: Map<Arg, TensorLike>, scope: LowerScope): TensorLike {
  switch (expr.kind) {
    case 'number':
      return expr.value;
    case 'name':
      return lookup(expr.name, expr.span, scope);
    case 'var':
      throw sourceError(
        scope.source,
        expr.span,
        `pattern variable '${expr.name}' outside a rule`,
        scope.file,
      );
    case 'call':
      return expr.op === 'constant' ? lowerConstant(expr, scope) : lowerCall(expr, done, scope);
  }
}

function lookup(name: string, span: Span, scope: LowerScope): Node {
  const found = scope.vars.get(name);
  if (found) return found;
  if (scope.defaultType) {
    const { dtype, dims } = scope.defaultType;
    const input = wrap(scope, span, () => T.tensor(name, dtype, dims));
    scope.vars.set(name, input);
    return input;
  }
  // Short names are all close to each other: allow fewer edits for them.
  const allowed = Math.min(2, Math.floor(name.length / 2));
  const close = [...scope.vars.keys()].filter((k) => editDistance(k, name) <= allowed).slice(0, 3);
  const hint = close.length ? ` (did you mean ${close.map((c) => `'${c}'`).join(' or ')}?)` : '';
  throw sourceError(scope.source, span, `undeclared variable '${name}'${hint}`, scope.file);
}

function lowerCall(expr: CallExpr, done: Map<Arg, TensorLike>, scope: LowerScope): Node {
  const op = wrap(scope, expr.opSpan, () => getOp(expr.op));
  const attrs: Record<string, unknown> = {};
  for (const attr of expr.attrs) {
    if (!(attr.name in op.attrs)) throw unknownAttribute(op.name, Object.keys(op.attrs), attr, scope);
    if (attr.name in attrs)
      throw sourceError(scope.source, attr.span, `duplicate attribute '${attr.name}'`, scope.file);
    attrs[attr.name] = attrValue(attr.value);
  }
  const args = expr.args.map((a) => done.get(a)!);
  try {
    return apply(op.name, args, attrs);
  } catch (e) {
    if (!(e instanceof SaturnError)) throw e;
    const attr = expr.attrs.find((a) => e.message.includes(`attribute '${a.name}'`));
    throw sourceError(scope.source, attr?.span ?? expr.span, e.message, scope.file);
  }
}

/** `constant(2, dtype=f32)`, `constant([[1, 2], [3, 4]], dtype=f64)`, `constant([], shape=[0, 3])`. */
function lowerConstant(expr: CallExpr, scope: LowerScope): Node {
  const [value, ...extra] = expr.args;
  const fail = (span: Span, detail: string): never => {
    throw sourceError(scope.source, span, detail, scope.file);
  };
  if (!value || extra.length || (value.kind !== 'number' && value.kind !== 'list'))
    return fail(expr.span, 'constant takes one number or list of numbers, then dtype= and shape=');
  const options: Record<string, unknown> = {};
  for (const attr of expr.attrs) {
    if (attr.name !== 'dtype' && attr.name !== 'shape')
      throw unknownAttribute('constant', ['dtype', 'shape'], attr, scope);
    options[attr.name] = attrValue(attr.value);
  }
  return wrap(scope, expr.span, () =>
    T.constant(
      value.kind === 'number' ? value.value : (attrValue(value) as unknown[]),
      options.dtype === undefined ? undefined : parseDType(String(options.dtype)),
      options.shape as number[] | undefined,
    ),
  );
}

function unknownAttribute(op: string, known: readonly string[], attr: AttrArg, scope: LowerScope): Error {
  const close = known.filter((k) => editDistance(k, attr.name) <= 2);
  const hint = close.length
    ? ` (did you mean ${close.map((c) => `'${c}'`).join(' or ')}?)`
    : known.length
      ? ` (attributes: ${known.join(', ')})`
      : '';
  return sourceError(scope.source, attr.span, `${op} has no attribute '${attr.name}'${hint}`, scope.file);
}

function listError(span: Span, scope: LowerScope): Error {
  return sourceError(
    scope.source,
    span,
    'a list is not an expression (only constant(...) takes one)',
    scope.file,
  );
}

/** The JS value of an attribute: names (dtypes, dims) and unknown dims (`?x0`) are strings. */
export function attrValue(value: AttrExpr): unknown {
  switch (value.kind) {
    case 'number':
    case 'bool':
      return value.value;
    case 'null':
      return null;
    case 'ident':
    case 'unknown':
      return value.name;
    case 'list':
      return value.items.map(attrValue);
  }
}

/** Runs `f`, re-throwing Saturn's errors as SourceErrors at `span`. */
function wrap<R>(scope: LowerScope, span: Span, f: () => R): R {
  try {
    return f();
  } catch (e) {
    if (e instanceof SaturnError && !(e instanceof SourceError))
      throw sourceError(scope.source, span, e.message, scope.file);
    throw e;
  }
}

/** True when every call of the tree names an op of the table (how s-expression input is recognized). */
export function callsKnownOps(exprs: readonly Expr[]): boolean {
  const stack: Arg[] = [...exprs];
  while (stack.length) {
    const e = stack.pop()!;
    if (e.kind !== 'call') continue;
    if (!OPS.has(e.op)) return false;
    stack.push(...e.args);
  }
  return true;
}
