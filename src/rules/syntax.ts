/**
 * Parsing rule files: the `Rules` grammar (`rules.ohm`, extending the expression grammar) and the
 * semantics that turn a file into items — rulesets, rules, modes and checks — with source spans.
 */
import { readFileSync } from 'node:fs';
import type * as ohm from 'ohm-js';
import type { AttrArg, DeclAst, Expr, Span } from '../graph/syntax/ast.js';
import { SourceError } from '../graph/errors.js';
import { sourceError, syntaxError } from '../graph/syntax/errors.js';
import { ohm as ohmLib } from '../graph/syntax/ohm.js';
import { grammarFromRecipe } from '../graph/syntax/recipe.js';
import { exprGrammar, exprSemantics } from '../graph/syntax/semantics.js';
import type { CompareOp } from './guards.js';

/** The Ohm source of the `Rules` grammar. */
export const rulesGrammarSource: string = readFileSync(new URL('./rules.ohm', import.meta.url), 'utf8');

let grammar: ohm.Grammar | undefined;

/** The `Rules` grammar, a sub-grammar of the expression grammar, built on first use (see `graph/syntax/ohm.ts`). */
export function rulesGrammar(): ohm.Grammar {
  grammar ??= grammarFromRecipe(
    rulesGrammarSource,
    new URL('./rules.recipe.json', import.meta.url),
    () => ohmLib().grammars(rulesGrammarSource, { Expr: exprGrammar() }).Rules,
    exprGrammar(),
  );
  return grammar;
}

/** A name with where it is written. */
export interface Named {
  readonly name: string;
  readonly span: Span;
}

/** A guard as written, with spans on calls and variables for error messages. */
export type GuardAst =
  | { readonly kind: 'and' | 'or'; readonly args: readonly GuardAst[]; readonly span: Span }
  | { readonly kind: 'not'; readonly arg: GuardAst; readonly span: Span }
  | {
      readonly kind: 'compare';
      readonly op: CompareOp;
      readonly left: GuardAst;
      readonly right: GuardAst;
      readonly span: Span;
    }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly GuardAst[]; readonly span: Span }
  | { readonly kind: 'var'; readonly name: string; readonly span: Span }
  | { readonly kind: 'number'; readonly value: number; readonly span: Span }
  | { readonly kind: 'word'; readonly value: string; readonly span: Span };

export interface RulesetItem {
  readonly kind: 'ruleset';
  readonly name: Named;
  /** Rules of a replacing ruleset mark the left side they matched as never to be extracted. */
  readonly replacing: boolean;
  readonly doc?: string;
  readonly span: Span;
}

export interface RuleItem {
  readonly kind: 'rule';
  readonly name: Named;
  readonly tags: readonly Named[];
  readonly lhs: Expr;
  readonly rhs: Expr;
  readonly bidirectional: boolean;
  readonly guard?: GuardAst;
  readonly span: Span;
}

export interface PhaseItem {
  readonly rulesets: readonly Named[];
  readonly limits: readonly AttrArg[];
  readonly span: Span;
}

export interface ModeItem {
  readonly kind: 'mode';
  readonly name: Named;
  readonly phases: readonly PhaseItem[];
  readonly span: Span;
}

export interface CheckItem {
  readonly kind: 'check';
  readonly input: Expr;
  readonly expected: Expr;
  /** Where the input and expected expressions are written, parentheses included (an Expr's span drops outer ones). */
  readonly inputSpan: Span;
  readonly expectedSpan: Span;
  readonly decls: readonly DeclAst[];
  readonly mustFail: boolean;
  readonly span: Span;
}

export type Item = RulesetItem | RuleItem | ModeItem | CheckItem;

const spanOf = (node: ohm.Node): Span => ({ start: node.source.startIdx, end: node.source.endIdx });
const list = (node: ohm.Node): ohm.Node[] => node.asIteration().children;
const named = (node: ohm.Node): Named => ({ name: node.sourceString, span: spanOf(node) });

const actions: ohm.ActionDict<unknown> = {
  File(items, _end): Item[] {
    return items.children.map((i) => i.ast());
  },
  RulesetDecl(_kw, name, replacing, doc): RulesetItem {
    const text = doc.children[0]?.sourceString;
    return {
      kind: 'ruleset',
      name: named(name),
      replacing: replacing.children.length > 0,
      doc: text?.slice(1, -1),
      span: spanOf(this),
    };
  },
  RuleDecl(_kw, name, tags, _colon, lhs, arrow, rhs, guard): RuleItem {
    return {
      kind: 'rule',
      name: named(name),
      tags: tags.children.length ? list(tags.children[0].children[1]).map(named) : [],
      lhs: lhs.ast(),
      rhs: rhs.ast(),
      bidirectional: arrow.sourceString === '<=>',
      guard: guard.children[0]?.ast(),
      span: spanOf(this),
    };
  },
  Guard(_when, body): GuardAst {
    return body.ast();
  },
  GuardOr(items): GuardAst {
    const args = list(items).map((i) => i.ast() as GuardAst);
    return args.length === 1 ? args[0] : { kind: 'or', args, span: spanOf(this) };
  },
  GuardAnd(items): GuardAst {
    const args = list(items).map((i) => i.ast() as GuardAst);
    return args.length === 1 ? args[0] : { kind: 'and', args, span: spanOf(this) };
  },
  GuardNot_not(_not, arg): GuardAst {
    return { kind: 'not', arg: arg.ast(), span: spanOf(this) };
  },
  GuardCmp_cmp(left, op, right): GuardAst {
    return {
      kind: 'compare',
      op: op.sourceString as CompareOp,
      left: left.ast(),
      right: right.ast(),
      span: spanOf(this),
    };
  },
  GuardAtom_call(name, _open, args, _close): GuardAst {
    return {
      kind: 'call',
      name: name.sourceString,
      args: list(args).map((a) => a.ast()),
      span: spanOf(this),
    };
  },
  GuardAtom_paren(_open, body, _close): GuardAst {
    return body.ast();
  },
  GuardAtom_number(n): GuardAst {
    return { kind: 'number', value: (n.ast() as { value: number }).value, span: spanOf(this) };
  },
  GuardAtom_var(v): GuardAst {
    return { kind: 'var', name: v.sourceString, span: spanOf(this) };
  },
  GuardAtom_word(w): GuardAst {
    return { kind: 'word', value: w.sourceString, span: spanOf(this) };
  },
  ModeDecl(_kw, name, _colon, phases): ModeItem {
    return { kind: 'mode', name: named(name), phases: list(phases).map((p) => p.ast()), span: spanOf(this) };
  },
  Phase(rulesets, limits): PhaseItem {
    const given = limits.children[0];
    return {
      rulesets: list(rulesets).map(named),
      limits: given ? list(given.children[1]).map((k) => (k.ast() as { keyword: AttrArg }).keyword) : [],
      span: spanOf(this),
    };
  },
  CheckDecl(fail, _kw, input, _arrow, expected, where): CheckItem {
    const decls = where.children[0] ? list(where.children[0].children[1]).map((d) => d.ast() as DeclAst) : [];
    return {
      kind: 'check',
      input: input.ast(),
      expected: expected.ast(),
      inputSpan: spanOf(input),
      expectedSpan: spanOf(expected),
      decls,
      mustFail: fail.children.length > 0,
      span: spanOf(this),
    };
  },
  Primary_var(v): Expr {
    return { kind: 'var', name: v.sourceString, span: spanOf(this) };
  },
};

let semantics: ohm.Semantics | undefined;
const rulesSemantics = (): ohm.Semantics => {
  semantics ??= rulesGrammar().extendSemantics(exprSemantics()).extendOperation('ast', actions);
  return semantics;
};

/**
 * Parses a rule file to its items; a syntax error is a `SourceError` with line, column and caret (the
 * first error; {@link parseRuleFileRecovering} gives them all).
 *
 * @example parseRuleFile('rule log1p [stabilize]: log(1 + ?x) => log1p(?x)')[0].kind // 'rule'
 */
export function parseRuleFile(source: string, file?: string): Item[] {
  const { items, errors } = parseRuleFileRecovering(source, file);
  if (errors.length) throw errors[0];
  return items;
}

/** The items of a rule file that parsed, and a located error for each part that did not. */
export interface ParsedRuleFile {
  readonly items: Item[];
  readonly errors: SourceError[];
}

/**
 * Parses a rule file, recovering from syntax errors: when the file does not parse as a whole, each
 * item (from a line starting with `rule`, `ruleset`, `mode`, `check` or `fail check` up to the next
 * such line) is parsed on its own, so one mistake costs only its own item and every mistake is reported.
 *
 * @example
 * const { items, errors } = parseRuleFileRecovering('rule a [x]: exp(?x => ?x\nrule b [x]: log(exp(?x)) => ?x');
 * [items.length, errors[0].span.line]; // [1, 1]
 */
export function parseRuleFileRecovering(source: string, file?: string): ParsedRuleFile {
  const whole = parseItems(source, file);
  if (!(whole instanceof SourceError)) return { items: whole, errors: [] };
  const items: Item[] = [];
  const errors: SourceError[] = [];
  for (const { start, end } of itemChunks(source)) {
    // Each chunk parses on its own (parsing it padded to its place in the file made a mutated 300-line
    // file quadratic); its spans are then moved to where the chunk starts.
    const chunk = source.slice(start, end);
    const parsed = parseItems(chunk, file);
    if (parsed instanceof SourceError) {
      const at = offsetSpan(chunk, parsed);
      errors.push(sourceError(source, { start: at.start + start, end: at.end + start }, parsed.detail, file));
    } else {
      shiftSpans(parsed, start);
      items.push(...parsed);
    }
  }
  // A failure outside every chunk (text before the first item) is the whole parse's error.
  if (errors.length === 0) errors.push(whole);
  return { items, errors };
}

/** An item keyword at the start of a line, after indentation. */
const ITEM_START = /^[ \t]*(?:rule|ruleset|mode|check|fail[ \t]+check)(?![A-Za-z0-9_])/gm;

/** Offset ranges of the items of a file: from one item line to the next (the text before the first too). */
function itemChunks(source: string): { start: number; end: number }[] {
  const starts = [...source.matchAll(ITEM_START)].map((m) => m.index);
  if (starts[0] !== 0) starts.unshift(0);
  return starts.map((start, i) => ({ start, end: starts[i + 1] ?? source.length }));
}

/** Adds `delta` to every span (`{ start, end }`) inside parsed items (a work list: items nest deeply). */
function shiftSpans(items: unknown, delta: number): void {
  const seen = new Set<object>();
  const stack: unknown[] = [items];
  while (stack.length) {
    const value = stack.pop();
    if (value === null || typeof value !== 'object' || seen.has(value)) continue;
    seen.add(value);
    const span = value as { start?: unknown; end?: unknown };
    if (typeof span.start === 'number' && typeof span.end === 'number' && Object.keys(value).length === 2) {
      (value as { start: number }).start += delta;
      (value as { end: number }).end += delta;
    } else for (const child of Object.values(value)) stack.push(child);
  }
}

/** The offset span of a SourceError made on `source` (line and column back to offsets). */
function offsetSpan(source: string, e: SourceError): Span {
  let offset = 0;
  for (let line = 1; line < e.span.line; line++) offset = source.indexOf('\n', offset) + 1;
  const start = offset + e.span.column - 1;
  return { start, end: start + e.span.length };
}

/**
 * How deeply brackets may nest in a rule file. Ohm's matcher and semantics recurse about a dozen frames
 * per level, so a few hundred levels overflow the stack (where exactly depends on how deep the caller's
 * stack already is); a file nested deeper is refused before parsing, at the bracket that goes too deep.
 * Long sums and products do not nest (`a + b + …` is one flat run of operands).
 */
export const MAX_NESTING = 100;

/** The offset of the first `(` or `[` nested deeper than {@link MAX_NESTING}, outside comments and strings. */
function tooDeep(source: string): number | undefined {
  let depth = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '#' || c === '"') {
      // A comment runs to the end of the line; a string to its closing quote, and never past the line.
      const end = c === '#' ? -1 : source.indexOf('"', i + 1);
      const newline = source.indexOf('\n', i + 1);
      const stop = end >= 0 && (newline < 0 || end < newline) ? end : newline;
      if (stop < 0) return undefined;
      i = stop;
    } else if (c === '(' || c === '[') {
      if (++depth > MAX_NESTING) return i;
    } else if ((c === ')' || c === ']') && depth > 0) depth--;
  }
  return undefined;
}

function parseItems(source: string, file?: string): Item[] | SourceError {
  const deep = tooDeep(source);
  if (deep !== undefined)
    return sourceError(
      source,
      { start: deep, end: deep + 1 },
      `brackets nest more than ${MAX_NESTING} deep here (the rule grammar's limit)`,
      file,
    );
  try {
    const match = rulesGrammar().match(source, 'File');
    if (match.failed()) return syntaxError(match, source, file);
    return rulesSemantics()(match).ast() as Item[];
  } catch (e) {
    // Brackets within the limit can still nest deeply without them: `**` is right-associative and
    // prefix `-` applies to what follows, so a run of thousands of either is a chain as deep as it is
    // long, which the infix resolver climbs by recursion. Still a located error (the item's start).
    if (!(e instanceof RangeError)) throw e;
    return sourceError(
      source,
      { start: 0, end: 1 },
      'nested too deeply to parse (a run of thousands of ** or of prefix - nests like brackets)',
      file,
    );
  }
}
