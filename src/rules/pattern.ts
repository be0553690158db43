/**
 * Rule patterns: expressions with `?x` variables, number literals, and ops whose attributes are fixed
 * values or `?a` attribute variables. The rule grammar produces them; `lhs.ts` compiles the left side
 * to e-graph matching and `instantiate.ts` builds the right side.
 */
import { preorder, printTree } from '../egraph/fold.js';
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

/** The argument patterns of a pattern (none for variables and literals), for tree walks. */
export const patternArgs = (p: RulePattern): readonly RulePattern[] => (p.kind === 'op' ? p.args : []);

/**
 * The variables of a pattern in order of first occurrence: class variables and attribute variables.
 *
 * @example patternVariables(lhs) // { classVars: ['?x'], attrVars: ['?a'] }
 */
export function patternVariables(p: RulePattern): { classVars: string[]; attrVars: string[] } {
  const classVars = new Set<string>();
  const attrVars = new Set<string>();
  // Pre-order with a stack of its own (a pattern can be as deep as it is large); loaded rules call this
  // several times each, so it avoids the generic walk's callbacks.
  const stack: RulePattern[] = [p];
  while (stack.length) {
    const q = stack.pop()!;
    if (q.kind === 'var') classVars.add(q.name);
    else if (q.kind === 'op') {
      for (const name in q.attrs) {
        const a = q.attrs[name];
        if (a.kind === 'var') attrVars.add(a.name);
      }
      for (let i = q.args.length - 1; i >= 0; i--) stack.push(q.args[i]);
    }
  }
  return { classVars: [...classVars], attrVars: [...attrVars] };
}

/**
 * The ops of a pattern in pre-order: a left side's ops in the order `compileLhs` numbers its slots.
 *
 * @example patternOps(lhs) // ['log', 'add'] for log(1 + ?x)
 */
export function patternOps(p: RulePattern): string[] {
  return preorder(p, patternArgs).flatMap((q) => (q.kind === 'op' ? [q.op] : []));
}

/**
 * Where a variable first appears in a pattern, for errors that point at it.
 *
 * @example varSpan(rhs, '?y') // { start: 23, end: 25 }
 */
export function varSpan(p: RulePattern, name: string): Span | undefined {
  for (const q of preorder(p, patternArgs)) {
    if (q.kind === 'var' && q.name === name && q.span) return q.span;
    if (q.kind === 'op')
      for (const a of Object.values(q.attrs))
        if (a.kind === 'var' && a.name === name && a.span) return a.span;
  }
  return undefined;
}

/**
 * Prints a pattern in the expression syntax (calls only; the playground and reports use it).
 *
 * @example formatPattern({ kind: 'op', op: 'exp', args: [{ kind: 'var', name: '?x' }], attrs: {} }) // 'exp(?x)'
 */
export function formatPattern(p: RulePattern): string {
  return printTree<RulePattern>(p, patternArgs, (q) => {
    if (q.kind === 'var') return { open: q.name, between: '', close: '' };
    if (q.kind === 'literal') return { open: String(q.value), between: '', close: '' };
    const attrs = Object.entries(q.attrs).map(
      ([k, a]) => `${k}=${a.kind === 'var' ? a.name : JSON.stringify(a.value)}`,
    );
    const afterArgs = attrs.length === 0 ? '' : (q.args.length ? ', ' : '') + attrs.join(', ');
    return { open: `${q.op}(`, between: ', ', close: `${afterArgs})` };
  });
}
