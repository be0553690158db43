/**
 * Parsing expressions: source text → syntax tree (`parseSource`) → graph nodes (`parseExpr`).
 *
 * A source holds declarations (`x: f32[n, 3]`, separated by `;` or newlines), then an expression,
 * written infix (`log(1 + exp(x))`) or as an s-expression (`(log (add 1 (exp x)))`). It is read as
 * s-expressions when it parses as a sequence of lists `(head …)` whose every head names an op or an
 * egg-math symbol (`+ - * / pow ln sqrt sin cos`, any infix symbol of the table) followed by a space
 * or `)`; otherwise it is infix. So `(-x)` and `(x)` are infix, `(- x)` and `(exp x)` s-expressions.
 */
import type { FailedMatchResult, MatchResult } from 'ohm-js';
import type { Node } from '../node.js';
import type { Expr, SourceAst } from './ast.js';
import { sourceError, syntaxError } from './errors.js';
import { callsKnownOps, type LowerScope, lowerDecl, lowerExpr, lowerType } from './lower.js';
import { exprGrammar, exprSemantics } from './semantics.js';

/** Options of `parseExpr`. */
export interface ParseOptions {
  /** Names in scope: nodes by name, or declarations text such as `'x: f32[n]; w: f32[n]'`. */
  readonly vars?: Readonly<Record<string, Node>> | string;
  /** Shown before line and column in errors. */
  readonly file?: string;
  /** Declares undeclared names with this type (`'f32[n]'`, `'f64'`) instead of failing. */
  readonly defaultType?: string;
}

/**
 * The longest expression source parsed, in characters. The parser (ohm, with packrat memoization) costs
 * about 3 KB of memory per input character and parses some 20 KB a second: 65,536 characters stay within
 * about 200 MB and a few seconds; longer text is refused before parsing with a `SourceError` (build large graphs with the `T`
 * API instead).
 */
export const MAX_SOURCE_LENGTH = 65_536;

/** Refuses text longer than {@link MAX_SOURCE_LENGTH}, pointing at the first character beyond it. */
function checkLength(source: string, file?: string): void {
  if (source.length <= MAX_SOURCE_LENGTH) return;
  throw sourceError(
    source,
    { start: MAX_SOURCE_LENGTH, end: MAX_SOURCE_LENGTH + 1 },
    `expression text of ${source.length} characters is longer than the ${MAX_SOURCE_LENGTH} parsed (build large graphs with the T API)`,
    file,
  );
}

/**
 * Parses a source to its syntax tree, with no op applied yet (the rule compiler starts here).
 * Throws a `SourceError` for syntax errors; nesting too deep for the parser is a `SourceError` too, and
 * so is text longer than {@link MAX_SOURCE_LENGTH}.
 *
 * @example parseSource('x: f32; x + 1').exprs[0] // { kind: 'call', op: 'add', … }
 */
export function parseSource(source: string, file?: string): SourceAst {
  checkLength(source, file);
  return guardDepth(source, file, () => {
    const sexpr = exprGrammar().match(source, 'SSource');
    let sexprAst: SourceAst | undefined;
    if (sexpr.succeeded()) {
      sexprAst = exprSemantics()(sexpr).ast() as SourceAst;
      if (callsKnownOps(sexprAst.exprs)) return sexprAst;
    }
    const infix = exprGrammar().match(source, 'Source');
    if (infix.succeeded()) return exprSemantics()(infix).ast() as SourceAst;
    // An s-expression with an unknown op: lowering names it, with a suggestion.
    if (sexprAst) return sexprAst;
    // Both failed: report the one that got further, preferring infix.
    const reached = (m: MatchResult) => (m as FailedMatchResult).getRightmostFailurePosition();
    const furthest = !sexprAst && reached(sexpr) > reached(infix) ? sexpr : infix;
    throw syntaxError(furthest, source, file);
  });
}

/**
 * Parses declarations and one expression to its (hash-consed) node.
 *
 * @example
 * const y = parseExpr('x: f32[n]; log(1 + exp(x))');
 * y === T.log(T.add(1, T.exp(T.tensor('x', 'f32', ['n'])))) // true
 * parseExpr('(+ x (* 2 y))', { vars: 'x: f64; y: f64' }).op // 'add'
 */
export function parseExpr(source: string, options: ParseOptions = {}): Node {
  const nodes = parseExprs(source, options);
  if (nodes.length !== 1) {
    const second = parseSource(source, options.file).exprs[1];
    throw sourceError(
      source,
      second.span,
      'expected one expression (parseExprs reads several)',
      options.file,
    );
  }
  return nodes[0];
}

/**
 * Parses declarations and several expressions (`;`-separated, or consecutive s-expressions).
 *
 * @example parseExprs('x: f32; exp(x); log(x)').map((n) => n.op) // ['exp', 'log']
 */
export function parseExprs(source: string, options: ParseOptions = {}): Node[] {
  const { file } = options;
  const ast = parseSource(source, file);
  const scope: LowerScope = {
    source,
    file,
    vars: new Map(
      Object.entries(typeof options.vars === 'string' ? parseDecls(options.vars) : (options.vars ?? {})),
    ),
    defaultType: options.defaultType === undefined ? undefined : parseType(options.defaultType),
  };
  declare(ast, scope);
  return guardDepth(source, file, () => {
    for (const binding of ast.bindings ?? []) {
      if (scope.vars.has(binding.name) && ast.decls.some((d) => d.name === binding.name))
        throw sourceError(source, binding.span, `'${binding.name}' is declared and bound`, file);
      scope.vars.set(binding.name, lowerExpr(binding.expr, scope));
    }
    return ast.exprs.map((e: Expr) => lowerExpr(e, scope));
  });
}

/**
 * Parses declarations to their input nodes, by name.
 *
 * @example parseDecls('x: f32[n, 3]\nb: f64').x.shape // ['n', 3]
 */
export function parseDecls(text: string, options: { readonly file?: string } = {}): Record<string, Node> {
  const { file } = options;
  checkLength(text, file);
  const match = exprGrammar().match(text, 'DeclsOnly');
  if (match.failed()) throw syntaxError(match, text, file);
  const decls = exprSemantics()(match).ast() as SourceAst['decls'];
  const scope: LowerScope = { source: text, file, vars: new Map() };
  declare({ decls, exprs: [], notation: 'infix' }, scope);
  return Object.fromEntries(scope.vars);
}

/** Declarations shadow names given in options; a name declared twice in one source is an error. */
function declare(ast: SourceAst, scope: LowerScope): void {
  const seen = new Set<string>();
  for (const decl of ast.decls) {
    if (seen.has(decl.name))
      throw sourceError(scope.source, decl.span, `'${decl.name}' is declared twice`, scope.file);
    seen.add(decl.name);
    scope.vars.set(decl.name, lowerDecl(decl, scope));
  }
}

function parseType(text: string): LowerScope['defaultType'] {
  const match = exprGrammar().match(text, 'TypeOnly');
  if (match.failed()) throw syntaxError(match, text);
  const type = exprSemantics()(match).ast();
  const scope: LowerScope = { source: text, vars: new Map() };
  return { dtype: lowerType(type, scope), dims: type.dims };
}

/** Runs `f`, turning a stack overflow (input nested too deeply for the recursive parser) into a SourceError. */
function guardDepth<R>(source: string, file: string | undefined, f: () => R): R {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw sourceError(source, { start: 0, end: 1 }, 'expression is nested too deeply to parse', file);
  }
}
