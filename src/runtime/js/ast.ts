/**
 * A small JavaScript AST for generated kernels, and its printer. Kernels are built as trees by the
 * typed builders below and printed once; nothing is assembled by string concatenation, so every
 * expression is parenthesized correctly and every number prints as the exact literal.
 */

export type JsExpr =
  | { readonly kind: 'num'; readonly value: number }
  | { readonly kind: 'id'; readonly name: string }
  | { readonly kind: 'index'; readonly array: JsExpr; readonly index: JsExpr }
  | { readonly kind: 'member'; readonly object: JsExpr; readonly name: string }
  | { readonly kind: 'unary'; readonly op: '-' | '!' | '+'; readonly arg: JsExpr }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: JsExpr; readonly right: JsExpr }
  | { readonly kind: 'call'; readonly callee: JsExpr; readonly args: readonly JsExpr[] }
  | { readonly kind: 'cond'; readonly test: JsExpr; readonly then: JsExpr; readonly else: JsExpr };

export type BinaryOp =
  '+' | '-' | '*' | '/' | '%' | '|' | '<' | '<=' | '>' | '>=' | '===' | '!==' | '&&' | '||';

export type JsStmt =
  | { readonly kind: 'const' | 'let'; readonly name: string; readonly init: JsExpr }
  | {
      readonly kind: 'assign';
      readonly target: JsExpr;
      readonly op: '=' | '+=' | '*=';
      readonly value: JsExpr;
    }
  | {
      readonly kind: 'for';
      readonly index: string;
      readonly from: JsExpr;
      readonly to: JsExpr;
      readonly body: readonly JsStmt[];
    }
  | { readonly kind: 'expr'; readonly expr: JsExpr }
  | { readonly kind: 'return'; readonly value?: JsExpr };

// Expression builders.
export const num = (value: number): JsExpr => ({ kind: 'num', value });
export const id = (name: string): JsExpr => ({ kind: 'id', name });
export const index = (array: JsExpr, i: JsExpr): JsExpr => ({ kind: 'index', array, index: i });
export const member = (object: JsExpr, name: string): JsExpr => ({ kind: 'member', object, name });
export const unary = (op: '-' | '!' | '+', arg: JsExpr): JsExpr => ({ kind: 'unary', op, arg });
export const binary = (op: BinaryOp, left: JsExpr, right: JsExpr): JsExpr => ({
  kind: 'binary',
  op,
  left,
  right,
});
export const call = (callee: JsExpr, ...args: JsExpr[]): JsExpr => ({ kind: 'call', callee, args });
export const cond = (test: JsExpr, then: JsExpr, otherwise: JsExpr): JsExpr => ({
  kind: 'cond',
  test,
  then,
  else: otherwise,
});
/** `Math.<name>(args)` */
export const math = (name: string, ...args: JsExpr[]): JsExpr => call(member(id('Math'), name), ...args);

/** `a + b`, folding literal zeros and constants, so index arithmetic prints short. */
export function add(a: JsExpr, b: JsExpr): JsExpr {
  if (a.kind === 'num' && b.kind === 'num') return num(a.value + b.value);
  if (a.kind === 'num' && a.value === 0) return b;
  if (b.kind === 'num' && b.value === 0) return a;
  return binary('+', a, b);
}

/** `a * b`, folding literal ones and zeros. */
export function mul(a: JsExpr, b: JsExpr): JsExpr {
  if (a.kind === 'num' && b.kind === 'num') return num(a.value * b.value);
  if ((a.kind === 'num' && a.value === 0) || (b.kind === 'num' && b.value === 0)) return num(0);
  if (a.kind === 'num' && a.value === 1) return b;
  if (b.kind === 'num' && b.value === 1) return a;
  return binary('*', a, b);
}

// Statement builders.
export const constDecl = (name: string, init: JsExpr): JsStmt => ({ kind: 'const', name, init });
export const letDecl = (name: string, init: JsExpr): JsStmt => ({ kind: 'let', name, init });
export const assign = (target: JsExpr, value: JsExpr, op: '=' | '+=' | '*=' = '='): JsStmt => ({
  kind: 'assign',
  target,
  op,
  value,
});
/** `for (let index = from; index < to; index++) { body }` */
export const forRange = (i: string, from: JsExpr, to: JsExpr, body: readonly JsStmt[]): JsStmt => ({
  kind: 'for',
  index: i,
  from,
  to,
  body,
});
export const exprStmt = (expr: JsExpr): JsStmt => ({ kind: 'expr', expr });
export const ret = (value?: JsExpr): JsStmt => ({ kind: 'return', value });

/** Prints a number as a literal that reads back as the same double (NaN, ±Infinity and -0 included). */
function printNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return 'Infinity';
  if (v === Number.NEGATIVE_INFINITY) return '(-Infinity)';
  if (Object.is(v, -0)) return '(-0)';
  return v < 0 ? `(${String(v)})` : String(v);
}

/** Prints an expression, parenthesizing every compound subexpression. */
export function printExpr(e: JsExpr): string {
  switch (e.kind) {
    case 'num':
      return printNumber(e.value);
    case 'id':
      return e.name;
    case 'index':
      return `${printExpr(e.array)}[${printExpr(e.index)}]`;
    case 'member':
      return `${printExpr(e.object)}.${e.name}`;
    case 'unary':
      return `(${e.op}${printExpr(e.arg)})`;
    case 'binary':
      return `(${printExpr(e.left)} ${e.op} ${printExpr(e.right)})`;
    case 'call':
      return `${printExpr(e.callee)}(${e.args.map(printExpr).join(', ')})`;
    case 'cond':
      return `(${printExpr(e.test)} ? ${printExpr(e.then)} : ${printExpr(e.else)})`;
  }
}

/** Prints statements, indented by `depth` levels. */
export function printStmts(stmts: readonly JsStmt[], depth = 0): string {
  const pad = '  '.repeat(depth);
  return stmts
    .map((s) => {
      switch (s.kind) {
        case 'const':
        case 'let':
          return `${pad}${s.kind} ${s.name} = ${printExpr(s.init)};`;
        case 'assign':
          return `${pad}${printExpr(s.target)} ${s.op} ${printExpr(s.value)};`;
        case 'for':
          return (
            `${pad}for (let ${s.index} = ${printExpr(s.from)}; ${s.index} < ${printExpr(s.to)}; ${s.index}++) {\n` +
            `${printStmts(s.body, depth + 1)}\n${pad}}`
          );
        case 'expr':
          return `${pad}${printExpr(s.expr)};`;
        case 'return':
          return s.value ? `${pad}return ${printExpr(s.value)};` : `${pad}return;`;
      }
    })
    .join('\n');
}
