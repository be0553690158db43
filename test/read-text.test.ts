/** `readText`: a file's text as UTF-8 decoding gives it, read the fast way when the file is ASCII. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readText } from '../src/read-text.js';

describe('readText', () => {
  const dir = mkdtempSync(join(tmpdir(), 'saturn-read-text-'));
  it.each([
    ['ascii', 'rule a [r]: exp(log(?x)) => ?x\n'],
    ['utf-8', 'x \u00b7 y \u2213 z \u{1f600} \u00e9\n'],
    ['latin-1 range', '\u00ff\u0080'],
  ])('reads %s text as UTF-8 decoding does', (name, text) => {
    const file = join(dir, `${name}.txt`);
    writeFileSync(file, text, 'utf8');
    const read = readText(file);
    expect(read.text).toBe(text);
    expect(read.bytes.equals(Buffer.from(text, 'utf8'))).toBe(true);
  });
});
