/** Expression text above the documented size is refused before parsing, with a clear error. */
import { describe, expect, it } from 'vitest';
import { MAX_SOURCE_LENGTH, parseExpr, SourceError } from '../../src/graph/index.js';

describe('expression text size', () => {
  it('refuses text longer than MAX_SOURCE_LENGTH with a SourceError, quickly', () => {
    const text = `x: f64; ${Array.from({ length: 20_000 }, () => 'x').join(' + ')}`;
    expect(text.length).toBeGreaterThan(MAX_SOURCE_LENGTH);
    expect(() => parseExpr(text)).toThrow(SourceError);
    expect(() => parseExpr(text)).toThrow(/longer than the 65536 parsed/);
  });

  it('parses text under the limit', () => {
    const terms = 1000;
    const text = `x: f64; ${Array.from({ length: terms }, () => 'x').join(' + ')}`;
    expect(text.length).toBeLessThanOrEqual(MAX_SOURCE_LENGTH);
    expect(parseExpr(text).op).toBe('add');
  });
});
