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
 *
 * @example syntaxError(exprGrammar.match('exp(x', 'Source'), 'exp(x').detail // 'expected ")" …'
 */
export function syntaxError(match: MatchResult, source: string, file?: string): SourceError {
  if (!match.failed()) throw new Error('syntaxError: the match succeeded');
  const at = match.getRightmostFailurePosition();
  return sourceError(source, { start: at, end: at + 1 }, `expected ${match.getExpectedText()}`, file);
}
