/** Malformed expression text: every failure is a SaturnError (mostly a located SourceError), never a crash. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  evaluate,
  formatExpr,
  parseDecls,
  parseExpr,
  SaturnError,
  SourceError,
} from '../../src/graph/index.js';

function sourceError(f: () => unknown): SourceError {
  try {
    f();
  } catch (e) {
    if (e instanceof SourceError) return e;
    throw e;
  }
  throw new Error('expected a SourceError');
}

const vars = 'x: f64[3]; y: f64[3]';

describe('deep nesting', () => {
  it.each([
    ['parentheses', `${'('.repeat(10_000)}x${')'.repeat(10_000)}`],
    ['calls', `${'exp('.repeat(10_000)}x${')'.repeat(10_000)}`],
    ['unary minus', `${'-'.repeat(10_000)}x`],
    ['s-expressions', `${'(exp '.repeat(10_000)}x${')'.repeat(10_000)}`],
  ])('10,000 levels of %s: a SourceError, not a stack overflow', (_kind, text) => {
    const e = sourceError(() => parseExpr(text, { vars }));
    expect(e.detail).toBe('expression is nested too deeply to parse');
    expect(e.span).toMatchObject({ line: 1, column: 1 });
    expect(e.message).toMatch(/^line 1, col 1: expression is nested too deeply to parse\n/);
  });

  it('parses a long flat sum of 2,000 terms (left-associative, not nested) and prints it back', () => {
    const y = parseExpr(`x${' + y'.repeat(2_000)}`, { vars });
    expect(formatExpr(y).length).toBe(1 + 4 * 2_000);
    expect(evaluate(y, { x: [1, 2, 3], y: [1, 1, 1] }).toArray()).toEqual([2_001, 2_002, 2_003]);
  });
});

describe('garbage and truncation', () => {
  it('random text (Unicode included) either parses or throws a SaturnError', () => {
    const alphabet = fc.constantFrom(...'xy()+-*/,;:=[]1e.exp log sum axis f64 ?∞é😀\u0000\n'.split(''));
    const text = fc.oneof(
      fc.string({ unit: alphabet, maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 40 }),
    );
    fc.assert(
      fc.property(text, (s) => {
        try {
          parseExpr(s, { vars });
        } catch (e) {
          expect(e).toBeInstanceOf(SaturnError);
          if (e instanceof SourceError) expect(e.span.line).toBeGreaterThanOrEqual(1);
        }
        try {
          parseDecls(s);
        } catch (e) {
          expect(e).toBeInstanceOf(SaturnError);
        }
      }),
      { numRuns: 150, seed: 11 },
    );
  });

  it('every prefix of a valid source parses or reports where it stopped', () => {
    const full = 'x: f32[n, 3]; w: f32[3]\nsoftmax(dot(x, w) + sum(x ** 2, axis=1, keepdims=false))';
    for (let i = 0; i < full.length; i++) {
      try {
        parseExpr(full.slice(0, i));
      } catch (e) {
        expect(e).toBeInstanceOf(SourceError);
        const { line, column } = (e as SourceError).span;
        expect(line).toBeGreaterThanOrEqual(1);
        expect(column).toBeGreaterThanOrEqual(1);
      }
    }
  });

  it.each([
    ['', 'line 1, col 1: expected a name, a number, or "("'],
    ['x +', 'line 1, col 4: expected a name, a number, or "("'],
    ['x + ∞', 'line 1, col 5: expected a name, a number, or "("'],
    ['x + é', "line 1, col 5: undeclared variable 'é'"],
    ['x 😀', 'line 1, col 3: expected'],
    ['sum(x, axis=1', 'line 1, col 14: expected'],
  ])('%j: %s', (text, message) => {
    expect(sourceError(() => parseExpr(text, { vars })).message.startsWith(message)).toBe(true);
  });
});

describe('unknown names and bad values', () => {
  it.each([
    ['fooop(x)', "line 1, col 1: unknown op 'fooop' (did you mean 'floor'?)"],
    ['z + 1', "line 1, col 1: undeclared variable 'z'"],
    ['x: q64; x', "line 1, col 4: unknown dtype 'q64' (expected one of bool, i32, i64, f32, f64)"],
    ['sum(x, axis=7)', 'line 1, col 1: sum: axis 7 is out of range for a tensor of rank 1'],
    ['reshape(x, shape=[5])', 'line 1, col 1: reshape: cannot reshape [3] into [5] (sizes differ)'],
    ['x + zeros(shape=[4])', 'line 1, col 1: add: cannot broadcast shapes [3] and [4]'],
  ])('%j: %s', (text, message) => {
    expect(sourceError(() => parseExpr(text, { vars })).message.startsWith(message)).toBe(true);
  });

  it('reads number literals beyond float64 as IEEE does: 1e999 is Infinity, 1e-999 is 0', () => {
    expect(evaluate(parseExpr('x + 1e999', { vars }), { x: [1, 2, 3] }).toArray()).toEqual([
      Infinity,
      Infinity,
      Infinity,
    ]);
    expect(evaluate(parseExpr('x * 1e-999', { vars }), { x: [1, 2, 3] }).toArray()).toEqual([0, 0, 0]);
    const big = parseExpr('x + 123456789012345678901234567890', { vars });
    expect(evaluate(big, { x: [0, 0, 0] }).toArray()).toEqual([
      1.2345678901234568e29, 1.2345678901234568e29, 1.2345678901234568e29,
    ]);
  });
});
