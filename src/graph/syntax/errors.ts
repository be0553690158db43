/** Turning offsets of the syntax tree and Ohm match failures into `SourceError`s with a caret. */
import type { MatchResult } from 'ohm-js';
import { SourceError, type SourceSpan } from '../errors.js';
import type { Span } from './ast.js';

/**
 * The line/column span of an offset span, clamped to its first line so the caret stays under it.
 *
 * @example sourceSpan('x +\ny', { start: 2, end: 3 }) // { line: 1, column: 3, length: 1, … }
 */
export function sourceSpan(source: string, span: Span, file?: string): SourceSpan {
  const before = source.slice(0, span.start);
  const line = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineEnd = source.indexOf('\n', span.start);
  const end = Math.min(span.end, lineEnd < 0 ? source.length : lineEnd);
  return {
    source,
    file,
    line,
    column: span.start - lineStart + 1,
    length: Math.max(1, end - span.start),
  };
}

/**
 * A `SourceError` at an offset span of `source`.
 *
 * @example sourceError('exp(y)', { start: 4, end: 5 }, "undeclared variable 'y'").message
 * // "line 1, col 5: undeclared variable 'y'\n  exp(y)\n      ^"
 */
export function sourceError(source: string, span: Span, detail: string, file?: string): SourceError {
  return new SourceError(sourceSpan(source, span, file), detail);
}

/**
 * The `SourceError` of a failed Ohm match: where the parser got furthest and what it expected there.
 * When it got stuck at the end of the text or at the keyword of the next rule-file item, on a later
 * line than the text before it, the fault is an unfinished line (an unclosed `(` at the end of line 4
 * fails only at line 5's first token): the caret goes just after that line's text instead.
 *
 * @example syntaxError(exprGrammar().match('exp(x', 'Source'), 'exp(x').detail // 'expected ")" …'
 */
export function syntaxError(match: MatchResult, source: string, file?: string): SourceError {
  if (!match.failed()) throw new Error('syntaxError: the match succeeded');
  const at = faultOffset(source, match.getRightmostFailurePosition());
  return sourceError(source, { start: at, end: at + 1 }, `expected ${match.getExpectedText()}`, file);
}

const NEXT_ITEM = /^(?:\s*$|(?:rule|ruleset|mode|check|fail)(?![A-Za-z0-9_]))/;

/** Moves a failure offset back over blank lines and comments to the end of the unfinished line. */
function faultOffset(source: string, at: number): number {
  if (!NEXT_ITEM.test(source.slice(at))) return at;
  let end = at;
  while (end > 0) {
    const lineStart = source.lastIndexOf('\n', end - 1) + 1;
    // Text on the failure's own line before it: the caret stays where the parser stopped.
    if (end === at && source.slice(lineStart, at).trim() !== '') return at;
    const code = source
      .slice(lineStart, end)
      .replace(/#[^"]*$/, '')
      .trimEnd();
    if (end !== at && code !== '') return lineStart + code.length;
    end = lineStart - 1;
  }
  return at;
}
