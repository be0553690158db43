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

function fromSExp(lang: Language, s: SExp): Pattern {
  if (typeof s === 'string') {
    if (s.startsWith('?')) return { kind: 'var', name: s };
    return { kind: 'node', symbol: lang.resolve(s, 0), children: [] };
  }
  const [head, ...rest] = s;
  if (typeof head !== 'string' || head.startsWith('?')) {
    throw new Error(`a pattern list must start with an op, got ${JSON.stringify(head)}`);
  }
  return {
    kind: 'node',
    symbol: lang.resolve(head, rest.length),
    children: rest.map((c) => fromSExp(lang, c)),
  };
}

/** Variables of a pattern in order of first occurrence. @example `patternVars(p) // ['?a', '?b']` */
export function patternVars(p: Pattern): string[] {
  const out: string[] = [];
  const walk = (q: Pattern): void => {
    if (q.kind === 'var') {
      if (!out.includes(q.name)) out.push(q.name);
    } else for (const c of q.children) walk(c);
  };
  walk(p);
  return out;
}

/** Prints a pattern as an s-expression. @example `formatPattern(lang, p) === '(+ ?a 0)'` */
export function formatPattern(lang: Language, p: Pattern): string {
  if (p.kind === 'var') return p.name;
  if (p.children.length === 0) return lang.name(p.symbol);
  return `(${lang.name(p.symbol)} ${p.children.map((c) => formatPattern(lang, c)).join(' ')})`;
}

/** The pattern as a term when it has no variables, else undefined. @example `groundTerm(parsePattern(lang, '(+ 1 2)'))` */
export function groundTerm(p: Pattern): Term | undefined {
  if (p.kind === 'var') return undefined;
  const children: Term[] = [];
  for (const c of p.children) {
    const t = groundTerm(c);
    if (t === undefined) return undefined;
    children.push(t);
  }
  return { symbol: p.symbol, children };
}
