/**
 * The expression grammar (`expr.ohm`) and its semantics: the `ast` operation that turns a parse tree
 * into the syntax tree of `ast.ts`, resolving infix precedence with the op table.
 */
import { readFileSync } from 'node:fs';
import type * as ohm from 'ohm-js';
import { ohm as ohmLib } from './ohm.js';
import type { OpDef } from '../op-def.js';
import { OPS } from '../op-table.js';
import { grammarFromRecipe } from './recipe.js';
import type {
  Arg,
  AttrArg,
  AttrExpr,
  BindingAst,
  CallExpr,
  DeclAst,
  Expr,
  ListAttr,
  NumberExpr,
  SourceAst,
  Span,
  TypeAst,
} from './ast.js';

/** The Ohm source of the expression grammar, for sub-grammars: `ohm().grammars(src, { Expr: exprGrammar() })`. */
export const exprGrammarSource: string = readFileSync(new URL('./expr.ohm', import.meta.url), 'utf8');

let grammar: ohm.Grammar | undefined;

/**
 * The `Expr` grammar, built on first use (see `ohm.ts`). Start rules: `Source` (declarations and infix
 * expressions), `SSource` (declarations and s-expressions), `DeclsOnly`, `TypeOnly`.
 *
 * @example exprGrammar().match('x: f32[n]; exp(x)', 'Source').succeeded() // true
 */
export function exprGrammar(): ohm.Grammar {
  grammar ??= grammarFromRecipe(exprGrammarSource, new URL('./expr.recipe.json', import.meta.url), () =>
    ohmLib().grammar(exprGrammarSource),
  );
  return grammar;
}

/** Infix and prefix ops of the table, by symbol. */
export const INFIX_OPS: ReadonlyMap<string, OpDef> = symbolTable('infix');
export const PREFIX_OPS: ReadonlyMap<string, OpDef> = symbolTable('prefix');

function symbolTable(kind: 'infix' | 'prefix'): ReadonlyMap<string, OpDef> {
  const table = new Map<string, OpDef>();
  for (const op of OPS.values()) if (op.syntax?.kind === kind) table.set(op.syntax.symbol, op);
  return table;
}

/**
 * Heads an s-expression may use besides op names: egg-math's symbols, and every infix symbol of the
 * table. `-` with one arg is `neg`.
 */
export const SEXPR_ALIASES: Readonly<Record<string, string>> = {
  ...Object.fromEntries([...INFIX_OPS].map(([symbol, op]) => [symbol, op.name])),
  ln: 'log',
};

/** Binary ops whose s-expression form may take more args, folded left: `(+ a b c)` is `(a + b) + c`. */
export const VARIADIC_SEXPR_OPS: ReadonlySet<string> = new Set([
  'add',
  'mul',
  'and',
  'or',
  'xor',
  'maximum',
  'minimum',
]);

/** One operand of an infix run: its prefix operators and its primary. */
export interface InfixOperand {
  readonly prefixes: readonly { readonly symbol: string; readonly span: Span }[];
  readonly primary: Expr;
  /** True when the primary is a bare number literal, which a `-` before it folds into. */
  readonly literal: boolean;
}

/**
 * Resolves `a + b * -c ** d` (operands and the operators between them) by precedence climbing with
 * the precedences of the op table: `**` is right-associative, and a prefix op's operand takes only
 * operators that bind tighter than it, so `-x**2` is `-(x**2)` as in Python.
 *
 * @example resolveInfix([x, y], [{ symbol: '+', span }]) // { kind: 'call', op: 'add', args: [x, y], … }
 */
export function resolveInfix(
  operands: readonly InfixOperand[],
  operators: readonly { readonly symbol: string; readonly span: Span }[],
): Expr {
  let nextOperand = 0;
  let nextOperator = 0;
  const unary = (prefix: number): Expr => {
    const item = operands[nextOperand];
    if (prefix === item.prefixes.length) {
      nextOperand++;
      return item.primary;
    }
    const { symbol, span } = item.prefixes[prefix];
    const op = PREFIX_OPS.get(symbol);
    const body = climb(unary(prefix + 1), (op?.syntax?.precedence ?? Infinity) + 1);
    const whole = { start: span.start, end: body.span.end };
    if (symbol === '-' && item.literal && body === item.primary && body.kind === 'number')
      return { kind: 'number', value: -body.value, span: whole };
    return call(op?.name ?? symbol, [body], whole, span);
  };
  const climb = (left: Expr, minPrecedence: number): Expr => {
    let lhs = left;
    while (nextOperator < operators.length) {
      const { symbol, span } = operators[nextOperator];
      const op = INFIX_OPS.get(symbol);
      const syntax = op?.syntax;
      if (!op || syntax?.kind !== 'infix')
        throw new Error(`expr.ohm: infix symbol '${symbol}' is not in the op table`);
      if (syntax.precedence < minPrecedence) break;
      nextOperator++;
      const rhs = climb(unary(0), syntax.rightAssoc ? syntax.precedence : syntax.precedence + 1);
      lhs = call(op.name, [lhs, rhs], { start: lhs.span.start, end: rhs.span.end }, span);
    }
    return lhs;
  };
  return climb(unary(0), -Infinity);
}

function call(
  op: string,
  args: readonly Arg[],
  span: Span,
  opSpan: Span,
  attrs: readonly AttrArg[] = [],
): CallExpr {
  return { kind: 'call', op, args, attrs, span, opSpan };
}

/** A keyword argument, told apart from positional ones while a call's args are collected. */
interface Keyword {
  readonly keyword: AttrArg;
}

const isKeyword = (x: Arg | Keyword): x is Keyword => 'keyword' in x;

function spanOf(node: ohm.Node): Span {
  return { start: node.source.startIdx, end: node.source.endIdx };
}

/** The s-expression `(head args…)` as calls: aliases resolved, `(- x)` as neg, variadic ops folded. */
function sexprCall(head: ohm.Node, items: readonly (Arg | Keyword)[], span: Span): CallExpr {
  const text = head.sourceString;
  const args = items.filter((x) => !isKeyword(x)) as Arg[];
  const attrs = items.filter(isKeyword).map((x) => x.keyword);
  const op = text === '-' && args.length === 1 ? 'neg' : (SEXPR_ALIASES[text] ?? text);
  const opSpan = spanOf(head);
  if (!VARIADIC_SEXPR_OPS.has(op) || args.length <= 2) return call(op, args, span, opSpan, attrs);
  let acc = call(op, args.slice(0, 2), { start: span.start, end: args[1].span.end }, opSpan, attrs);
  for (const arg of args.slice(2))
    acc = call(op, [acc, arg], { start: span.start, end: arg.span.end }, opSpan, attrs);
  return acc;
}

const children = (list: ohm.Node): ohm.Node[] => list.asIteration().children;

/**
 * The actions of the `ast` operation, one per rule whose default (pass the single child through) is
 * not enough. A sub-grammar's semantics extend it: `Rules.extendSemantics(exprSemantics)
 * .extendOperation('ast', { Primary_var: … })`.
 */
const actions: ohm.ActionDict<unknown> = {
  Source(decls, bindings, exprs, _semi): SourceAst {
    return {
      decls: decls.ast(),
      bindings: bindings.children.map((b) => b.ast()),
      exprs: children(exprs).map((e) => e.ast()),
      notation: 'infix',
    };
  },
  Binding(name, _eq, expr, _semi): BindingAst {
    return { name: name.sourceString, expr: expr.ast(), span: spanOf(name) };
  },
  SSource(decls, exprs, _semi): SourceAst {
    return { decls: decls.ast(), exprs: children(exprs).map((e) => e.ast()), notation: 'sexpr' };
  },
  Decls(decls, _semis): DeclAst[] {
    return decls.children.map((d) => d.ast());
  },
  Decl(name, _colon, type): DeclAst {
    return { name: name.sourceString, type: type.ast(), span: spanOf(this) };
  },
  Type(dtype, dims): TypeAst {
    const list = dims.children.length ? (dims.children[0].ast() as (number | string)[]) : [];
    return { dtype: dtype.sourceString, dims: list, span: spanOf(this), dtypeSpan: spanOf(dtype) };
  },
  Dims(_open, dims, _comma, _close): (number | string)[] {
    return children(dims).map((d) => d.ast());
  },
  Dim(dim): number | string {
    return dim.ctorName === 'int' ? Number(dim.sourceString) : dim.sourceString;
  },
  Infix(first, operators, rest): Expr {
    const operand = (node: ohm.Node): InfixOperand => {
      const [prefixes, primary] = node.children;
      return {
        prefixes: prefixes.children.map((p) => ({ symbol: p.sourceString, span: spanOf(p) })),
        primary: primary.ast(),
        literal: primary.children[0].ctorName === 'number',
      };
    };
    const ops = operators.children.map((o) => ({ symbol: o.sourceString, span: spanOf(o) }));
    return resolveInfix([first, ...rest.children].map(operand), ops);
  },
  Paren(_open, exp, _close): Expr {
    return exp.ast();
  },
  Call(name, _open, args, _comma, _close): CallExpr {
    const items = children(args).map((a) => a.ast() as Arg | Keyword);
    const positional = items.filter((x) => !isKeyword(x)) as Arg[];
    const attrs = items.filter(isKeyword).map((x) => x.keyword);
    return call(name.sourceString, positional, spanOf(this), spanOf(name), attrs);
  },
  Keyword(name, _eq, value): Keyword {
    return { keyword: { name: name.sourceString, value: value.ast(), span: spanOf(this) } };
  },
  AttrValue(value): AttrExpr {
    const span = spanOf(this);
    switch (value.ctorName) {
      case 'name':
        return { kind: 'ident', name: value.sourceString, span };
      case 'unknownDim':
        return { kind: 'unknown', name: value.sourceString, span };
      case 'bool':
        return { kind: 'bool', value: value.sourceString === 'true', span };
      case 'null':
        return { kind: 'null', span };
      default:
        return value.ast();
    }
  },
  List(_open, items, _comma, _close): ListAttr {
    return { kind: 'list', items: children(items).map((i) => i.ast()), span: spanOf(this) };
  },
  SList(_open, head, args, _close): CallExpr {
    return sexprCall(
      head,
      args.children.map((a) => a.ast()),
      spanOf(this),
    );
  },
  SKeyword(key, value): Keyword {
    return { keyword: { name: key.sourceString.slice(1), value: value.ast(), span: spanOf(this) } };
  },
  number(_n): NumberExpr {
    const text = this.sourceString;
    const value = text === 'inf' ? Infinity : text === 'nan' ? Number.NaN : Number(text);
    return { kind: 'number', value, span: spanOf(this) };
  },
  signedNumber(minus, number): NumberExpr {
    const value = (number.ast() as NumberExpr).value;
    return { kind: 'number', value: minus.children.length ? -value : value, span: spanOf(this) };
  },
  name(_start, _rest) {
    return { kind: 'name', name: this.sourceString, span: spanOf(this) };
  },
};

let semantics: ohm.Semantics | undefined;

/**
 * The semantics of `exprGrammar()` with the `ast` operation, built on first use. Call
 * `exprSemantics()(match).ast()`.
 *
 * @example (exprSemantics()(exprGrammar().match('x + 1', 'Source')).ast() as SourceAst).exprs[0].kind // 'call'
 */
export function exprSemantics(): ohm.Semantics {
  semantics ??= exprGrammar().createSemantics().addOperation('ast', actions);
  return semantics;
}
