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

function fromSExp(lang: Language, s: SExp): Term {
  if (typeof s === 'string') return { symbol: lang.resolve(s, 0), children: [] };
  const [head, ...rest] = s;
  if (typeof head !== 'string') throw new Error('a list must start with a symbol');
  return { symbol: lang.resolve(head, rest.length), children: rest.map((c) => fromSExp(lang, c)) };
}

/** Prints a term as an s-expression. @example `formatTerm(lang, t) === '(+ x 1)'` */
export function formatTerm(lang: Language, t: Term): string {
  if (t.children.length === 0) return lang.name(t.symbol);
  return `(${lang.name(t.symbol)} ${t.children.map((c) => formatTerm(lang, c)).join(' ')})`;
}

/** Number of nodes in a term's tree. @example `termSize(parseTerm(lang, '(+ x 1)')) === 3` */
export function termSize(t: Term): number {
  let n = 1;
  for (const c of t.children) n += termSize(c);
  return n;
}

/** Structural equality of terms. @example `termEquals(a, b)` */
export function termEquals(a: Term, b: Term): boolean {
  if (a.symbol !== b.symbol || a.children.length !== b.children.length) return false;
  for (let i = 0; i < a.children.length; i++) if (!termEquals(a.children[i], b.children[i])) return false;
  return true;
}
