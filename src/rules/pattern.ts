/**
 * Rule patterns: expressions with `?x` variables, number literals, and ops whose attributes are fixed
 * values or `?a` attribute variables. The rule grammar produces them; `lhs.ts` compiles the left side
 * to e-graph matching and `instantiate.ts` builds the right side.
 */
import type { Span } from '../graph/syntax/ast.js';

/** An attribute in a pattern: a fixed value, or a variable bound by the left side. */
export type AttrPattern =
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'var'; readonly name: string; readonly span?: Span };

/** A pattern over tensor ops. */
export type RulePattern =
  | { readonly kind: 'var'; readonly name: string; readonly span?: Span }
  | { readonly kind: 'literal'; readonly value: number; readonly span?: Span }
  | {
      readonly kind: 'op';
      readonly op: string;
      readonly args: readonly RulePattern[];
      readonly attrs: Readonly<Record<string, AttrPattern>>;
      readonly span?: Span;
    };

/**
 * The variables of a pattern in order of first occurrence: class variables and attribute variables.
 *
 * @example patternVariables(lhs) // { classVars: ['?x'], attrVars: ['?a'] }
 */
export function patternVariables(p: RulePattern): { classVars: string[]; attrVars: string[] } {
  const classVars: string[] = [];
  const attrVars: string[] = [];
  const walk = (q: RulePattern) => {
    if (q.kind === 'var') {
      if (!classVars.includes(q.name)) classVars.push(q.name);
    } else if (q.kind === 'op') {
      for (const a of Object.values(q.attrs))
        if (a.kind === 'var' && !attrVars.includes(a.name)) attrVars.push(a.name);
      q.args.forEach(walk);
    }
  };
  walk(p);
  return { classVars, attrVars };
}

/**
 * Prints a pattern in the expression syntax (calls only; the playground and reports use it).
 *
 * @example formatPattern({ kind: 'op', op: 'exp', args: [{ kind: 'var', name: '?x' }], attrs: {} }) // 'exp(?x)'
 */
/**
 * Where a variable first appears in a pattern, for errors that point at it.
 *
 * @example varSpan(rhs, '?y') // { start: 23, end: 25 }
 */
export function varSpan(p: RulePattern, name: string): Span | undefined {
  if (p.kind === 'var') return p.name === name ? p.span : undefined;
  if (p.kind === 'op') {
    for (const a of Object.values(p.attrs)) if (a.kind === 'var' && a.name === name) return a.span;
    for (const a of p.args) {
      const found = varSpan(a, name);
      if (found) return found;
    }
  }
  return undefined;
}

export function formatPattern(p: RulePattern): string {
  if (p.kind === 'var') return p.name;
  if (p.kind === 'literal') return String(p.value);
  const attrs = Object.entries(p.attrs).map(
    ([k, a]) => `${k}=${a.kind === 'var' ? a.name : JSON.stringify(a.value)}`,
  );
  return `${p.op}(${[...p.args.map(formatPattern), ...attrs].join(', ')})`;
}
