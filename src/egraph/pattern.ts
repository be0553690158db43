import { foldTree, preorder, printTree } from './fold.js';
import type { SymbolId } from './ids.js';
import type { Language } from './language.js';
import { parseSExp, type SExp } from './sexp.js';
import type { Term } from './term.js';

/**
 * A pattern: a term with variables (`?a`). The AST is shared by the s-expression parser here and by the
 * rule grammar elsewhere. A node matches by symbol equality, which already covers attributes because a symbol
 * carries its attributes; attribute variables would be a new node kind with a symbol predicate.
 *
 * @example
 * ```ts
 * const p: Pattern = parsePattern(lang, '(+ ?a (* ?b 0))');
 * ```
 */
export type Pattern =
  | { readonly kind: 'var'; readonly name: string }
  | { readonly kind: 'node'; readonly symbol: SymbolId; readonly children: readonly Pattern[] };

/** Parses `(+ ?a 0)`-style patterns; atoms starting with `?` are variables. @example `parsePattern(lang, '?a')` */
export function parsePattern(lang: Language, text: string): Pattern {
  return fromSExp(lang, parseSExp(text));
}

const sexpItems = (s: SExp): readonly SExp[] => (typeof s === 'string' ? [] : s.slice(1));
const patternChildren = (p: Pattern): readonly Pattern[] => (p.kind === 'node' ? p.children : []);

// Heads resolve top-down (a list's head before its items), as a recursive walk would intern them.
function fromSExp(lang: Language, sexp: SExp): Pattern {
  return foldTree<SExp, Pattern, SymbolId | undefined>(
    sexp,
    sexpItems,
    (s, children, symbol) =>
      symbol === undefined ? { kind: 'var', name: s as string } : { kind: 'node', symbol, children },
    (s) => {
      if (typeof s === 'string') return s.startsWith('?') ? undefined : lang.resolve(s, 0);
      const head = s[0];
      if (typeof head !== 'string' || head.startsWith('?'))
        throw new Error(`a pattern list must start with an op, got ${JSON.stringify(head)}`);
      return lang.resolve(head, s.length - 1);
    },
  );
}

/** Variables of a pattern in order of first occurrence. @example `patternVars(p) // ['?a', '?b']` */
export function patternVars(p: Pattern): string[] {
  const out = new Set<string>();
  for (const q of preorder(p, patternChildren)) if (q.kind === 'var') out.add(q.name);
  return [...out];
}

/** Prints a pattern as an s-expression. @example `formatPattern(lang, p) === '(+ ?a 0)'` */
export function formatPattern(lang: Language, p: Pattern): string {
  return printTree<Pattern>(p, patternChildren, (q) => {
    if (q.kind === 'var') return { open: q.name, between: '', close: '' };
    if (patternChildren(q).length === 0) return { open: lang.name(q.symbol), between: '', close: '' };
    return { open: `(${lang.name(q.symbol)} `, between: ' ', close: ')' };
  });
}

/** The pattern as a term when it has no variables, else undefined. @example `groundTerm(parsePattern(lang, '(+ 1 2)'))` */
export function groundTerm(p: Pattern): Term | undefined {
  for (const q of preorder(p, patternChildren)) if (q.kind === 'var') return undefined;
  return foldTree<Pattern, Term>(p, patternChildren, (q, children) => ({
    symbol: (q as Extract<Pattern, { kind: 'node' }>).symbol,
    children,
  }));
}
