import { foldTree, preorder, printTree } from './fold.js';
import type { SymbolId } from './ids.js';
import type { Language } from './language.js';
import { parseSExp, type SExp } from './sexp.js';

/**
 * A term: a tree of symbols, what extraction returns and what explanations are made of.
 *
 * @example
 * ```ts
 * const t: Term = parseTerm(lang, '(+ x 1)');
 * formatTerm(lang, t); // '(+ x 1)'
 * ```
 */
export interface Term {
  readonly symbol: SymbolId;
  readonly children: readonly Term[];
}

/** Parses an s-expression into a term; heads resolve through `lang.resolve`. @example `parseTerm(lang, '(sin x)')` */
export function parseTerm(lang: Language, text: string): Term {
  return fromSExp(lang, parseSExp(text));
}

const termChildren = (t: Term): readonly Term[] => t.children;

// Heads resolve top-down (a list's head before its items), as a recursive walk would intern them.
function fromSExp(lang: Language, sexp: SExp): Term {
  return foldTree<SExp, Term, SymbolId>(
    sexp,
    (s) => (typeof s === 'string' ? [] : s.slice(1)),
    (_s, children, symbol) => ({ symbol, children }),
    (s) => {
      if (typeof s === 'string') return lang.resolve(s, 0);
      if (typeof s[0] !== 'string') throw new Error('a list must start with a symbol');
      return lang.resolve(s[0], s.length - 1);
    },
  );
}

/** Prints a term as an s-expression. @example `formatTerm(lang, t) === '(+ x 1)'` */
export function formatTerm(lang: Language, t: Term): string {
  return printTree<Term>(t, termChildren, (u) =>
    termChildren(u).length === 0
      ? { open: lang.name(u.symbol), between: '', close: '' }
      : { open: `(${lang.name(u.symbol)} `, between: ' ', close: ')' },
  );
}

/** Number of nodes in a term's tree. @example `termSize(parseTerm(lang, '(+ x 1)')) === 3` */
export function termSize(t: Term): number {
  return preorder(t, termChildren).length;
}

/** Structural equality of terms. @example `termEquals(a, b)` */
export function termEquals(a: Term, b: Term): boolean {
  const pairs: [Term, Term][] = [[a, b]];
  while (pairs.length) {
    const [x, y] = pairs.pop()!;
    if (x.symbol !== y.symbol || x.children.length !== y.children.length) return false;
    for (let i = 0; i < x.children.length; i++) pairs.push([x.children[i], y.children[i]]);
  }
  return true;
}
