/**
 * The half of loading a rule file that depends on that file alone: its items turned into rule patterns,
 * guards, line numbers and check texts. The other half (`load.ts`) puts files together in one
 * namespace and compiles the rules. The build step stores this half's output for the shipped files,
 * so loading them skips both the rule grammar and this conversion.
 */
import { SourceError } from '../graph/errors.js';
import { getOp } from '../graph/op-table.js';
import type { AttrExpr, Expr, Span } from '../graph/syntax/ast.js';
import { sourceError } from '../graph/syntax/errors.js';
import { attrValue } from '../graph/syntax/lower.js';
import { foldTree } from '../egraph/fold.js';
import type { GuardExpr } from './guards.js';
import type { CheckSpec } from './library.js';
import type { AttrPattern, RulePattern } from './pattern.js';
import type { GuardAst, Item, ModeItem, Named, RulesetItem } from './syntax.js';

/**
 * A rule as its file gives it: patterns and guard ready to compile, or the error met making them. The
 * name and tags keep their spans, for the namespace's errors.
 */
export interface RuleEntry {
  readonly kind: 'rule';
  readonly name: Named;
  readonly tags: readonly Named[];
  readonly bidirectional: boolean;
  readonly made:
    | {
        readonly lhs: RulePattern;
        readonly rhs: RulePattern;
        readonly guard?: GuardExpr;
        /** Where the rule's name is written. */
        readonly line: number;
        readonly column: number;
        readonly length: number;
      }
    | { readonly error: SourceError };
}

/** A `check` line with its texts cut out of the file; the library adds the file name. */
export interface CheckEntry {
  readonly kind: 'check';
  readonly spec: Omit<CheckSpec, 'file'>;
}

/** One item of a rule file, as the library reads it. */
export type Entry = RulesetItem | ModeItem | RuleEntry | CheckEntry;

/**
 * The entries of a parsed rule file, in item order. An error in a rule's patterns or guard is kept in
 * its entry, so the library reports it in item order with the namespace's own errors.
 *
 * @example fileEntries(parseRuleFile(text), text).filter((e) => e.kind === 'rule').length
 */
export function fileEntries(items: readonly Item[], text: string, file?: string): Entry[] {
  const at = (span: Span, message: string) => sourceError(text, span, message, file);
  const lines = new LineIndex(text);
  return items.map((item): Entry => {
    switch (item.kind) {
      case 'ruleset':
      case 'mode':
        return item;
      case 'check':
        return {
          kind: 'check',
          spec: {
            input: text.slice(item.inputSpan.start, item.inputSpan.end),
            expected: text.slice(item.expectedSpan.start, item.expectedSpan.end),
            decls: item.decls.map((d) => text.slice(d.span.start, d.span.end)).join('; '),
            mustFail: item.mustFail,
            mode: item.mode,
            line: lines.line(item.span.start),
          },
        };
      case 'rule': {
        const { name, tags, bidirectional } = item;
        try {
          const { start, end } = name.span;
          const line = lines.line(start);
          const made = {
            lhs: toPattern(item.lhs, at),
            rhs: toPattern(item.rhs, at),
            guard: item.guard ? toGuard(item.guard) : undefined,
            line,
            column: start - lines.lineStart(line) + 1,
            length: end - start,
          };
          return { kind: 'rule', name, tags, bidirectional, made };
        } catch (e) {
          if (!(e instanceof SourceError)) throw e;
          return { kind: 'rule', name, tags, bidirectional, made: { error: e } };
        }
      }
    }
  });
}

/**
 * Line numbers of offsets in one text, from its line starts found once: splitting the text before each
 * rule to count its lines was quadratic, and its garbage a fifth of loading the shipped library.
 */
class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  /** The 1-based line of an offset. */
  line(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** The offset where a 1-based line starts. */
  lineStart(line: number): number {
    return this.starts[line - 1];
  }
}

type At = (span: Span, message: string) => SourceError;

/** An argument of a call as the pattern walk sees it: an expression, or a list (refused when reached). */
type PatternSource = Expr | { readonly kind: 'list-arg'; readonly op: string; readonly span: Span };

/**
 * A syntax tree of the expression notation as a rule pattern; plain names are refused. Iterative (a
 * long sum is a chain as deep as it is long); errors come in the order a recursive walk meets them: an
 * op or a name where it is reached, an attribute once its args are done.
 */
function toPattern(root: Expr, at: At): RulePattern {
  return foldTree<PatternSource, RulePattern>(
    root,
    (e) => {
      if (e.kind !== 'call') return [];
      // Lists are rare: the args themselves serve unless one is a list.
      if (!e.args.some((a) => a.kind === 'list')) return e.args as readonly Expr[];
      return e.args.map((a) =>
        a.kind === 'list' ? { kind: 'list-arg' as const, op: e.op, span: a.span } : a,
      );
    },
    (e, args) => {
      if (e.kind === 'number') return { kind: 'literal', value: e.value, span: e.span };
      if (e.kind === 'var') return { kind: 'var', name: e.name, span: e.span };
      if (e.kind !== 'call') throw new Error(`unreachable: ${e.kind} is refused when reached`);
      // -(literal) is the negative literal, so `?x * -1` matches a constant -1.
      if (e.op === 'neg' && args.length === 1 && args[0].kind === 'literal')
        return { kind: 'literal', value: -args[0].value };
      const def = getOp(e.op);
      const attrs: Record<string, AttrPattern> = {};
      for (const a of e.attrs) {
        if (!(a.name in def.attrs)) {
          const known = Object.keys(def.attrs);
          throw at(
            a.span,
            `${e.op} has no attribute '${a.name}'${known.length ? ` (attributes: ${known.join(', ')})` : ''}`,
          );
        }
        attrs[a.name] = toAttr(a.value);
      }
      return { kind: 'op', op: e.op, args, attrs, span: e.opSpan };
    },
    (e) => {
      if (e.kind === 'name') throw at(e.span, `'${e.name}' is not a pattern variable (write ?${e.name})`);
      if (e.kind === 'list-arg') throw at(e.span, `${e.op}: a list is not a tensor argument in a rule`);
      if (e.kind === 'call')
        try {
          getOp(e.op);
        } catch (err) {
          throw at(e.opSpan, err instanceof Error ? err.message : String(err));
        }
    },
  );
}

function toAttr(v: AttrExpr): AttrPattern {
  if (v.kind === 'unknown' && /^\?[A-Za-z_]/.test(v.name)) return { kind: 'var', name: v.name, span: v.span };
  return { kind: 'value', value: attrValue(v) };
}

function toGuard(g: GuardAst): GuardExpr {
  switch (g.kind) {
    case 'and':
    case 'or':
      return { kind: g.kind, args: g.args.map(toGuard) };
    case 'not':
      return { kind: 'not', arg: toGuard(g.arg) };
    case 'compare':
      return { kind: 'compare', op: g.op, left: toGuard(g.left), right: toGuard(g.right) };
    case 'call':
      return { kind: 'call', name: g.name, args: g.args.map(toGuard), span: g.span };
    case 'var':
      return { kind: 'var', name: g.name, span: g.span };
    case 'number':
      return { kind: 'number', value: g.value };
    case 'word':
      return { kind: 'word', value: g.value };
  }
}
