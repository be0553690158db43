/**
 * Saturn's error catalogue for the graph layer. Every error is a class, so callers can
 * `catch (e) { if (e instanceof ShapeError) … }`, and every message names the op or place at fault.
 */

/** The base of every error Saturn throws on purpose; anything else escaping is a bug. */
export class SaturnError extends Error {
  override name = 'SaturnError';
}

/** Shapes that do not fit an op: broadcasting, reduction axes, dot, reshape sizes. */
export class ShapeError extends SaturnError {
  override name = 'ShapeError';
}

/** Dtypes that do not fit an op, e.g. `dot` of booleans or an unknown dtype name. */
export class DTypeError extends SaturnError {
  override name = 'DTypeError';
}

/** A wrong op name, arity or attribute at graph construction. */
export class OpError extends SaturnError {
  override name = 'OpError';
}

/** Missing, extra, mis-shaped or wrongly typed values given to an evaluator. */
export class InputError extends SaturnError {
  override name = 'InputError';
}

/** A value larger than the configured cap on elements (`maxElements`): refused before it is allocated. */
export class AllocationError extends SaturnError {
  override name = 'AllocationError';
}

/** An option an API function does not accept (`cost: 'gpuu'`): the message names it and what is accepted. */
export class OptionError extends SaturnError {
  override name = 'OptionError';
}

/** A source position: 1-based line and column, as editors show them. */
export interface SourceSpan {
  readonly source: string;
  /** Optional file name, shown before the position. */
  readonly file?: string;
  readonly line: number;
  readonly column: number;
  /** Length of the span in characters (at least 1 for the caret). */
  readonly length: number;
}

/**
 * Renders `file:line:col: message`, the source line, and a caret under the span, the way compilers do.
 *
 * @example
 * renderSpan({ source: 'exp(x', line: 1, column: 6, length: 1 }, 'expected ")"')
 * // 'line 1, col 6: expected ")"\n  exp(x\n       ^'
 */
export function renderSpan(span: SourceSpan, message: string): string {
  const lines = span.source.split(/\r?\n/);
  const line = lines[span.line - 1] ?? '';
  const where = `${span.file ? `${span.file}:` : ''}line ${span.line}, col ${span.column}`;
  // A long line (a rule of thousands of terms) is shown around the caret, not whole.
  let from = 0;
  let text = line;
  if (line.length > SHOWN_LINE) {
    from = Math.max(0, Math.min(span.column - 1 - SHOWN_LINE / 2, line.length - SHOWN_LINE));
    text = `${from > 0 ? '…' : ''}${line.slice(from, from + SHOWN_LINE)}${from + SHOWN_LINE < line.length ? '…' : ''}`;
  }
  const column = span.column - 1 - from + (from > 0 ? 1 : 0);
  const length = Math.min(Math.max(1, span.length), Math.max(1, text.length - column));
  const caret = ' '.repeat(Math.max(0, column)) + '^'.repeat(length);
  return `${where}: ${message}\n  ${text}\n  ${caret}`;
}

/** The most characters of a source line an error shows. */
const SHOWN_LINE = 160;

/** An error tied to a place in source text (expressions, rule files); `span` says where. */
export class SourceError extends SaturnError {
  override name = 'SourceError';
  constructor(
    readonly span: SourceSpan,
    readonly detail: string,
  ) {
    super(renderSpan(span, detail));
  }
}
