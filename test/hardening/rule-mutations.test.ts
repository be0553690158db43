/**
 * Damaged rule files: whatever the damage, `loadLibrary` reports located `SourceError`s (line ≥ 1,
 * col ≥ 1) and never throws. A bounded number of mutations here; `npm run fuzz` runs many more.
 */
import fc from 'fast-check';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SourceError } from '../../src/graph/index.js';
import { loadLibrary, readRuleDir, SHIPPED_RULES_DIR } from '../../src/rules/load.js';
import { mutateText, prng, replayRules } from '../../src/testing/index.js';

const shipped = readRuleDir(SHIPPED_RULES_DIR);
const SEED = 424242;

describe('mutated shipped rule files', () => {
  it('load with located SourceErrors only (seed printed on failure)', () => {
    const random = prng(SEED);
    let withErrors = 0;
    for (let i = 0; i < 40; i++) {
      const source = shipped[i % shipped.length];
      const text = mutateText(source.text, random, 1 + Math.floor(random() * 3));
      const file = basename(source.file!);
      let errors: readonly SourceError[] = [];
      try {
        errors = loadLibrary([{ text, file }]).errors;
      } catch (e) {
        expect.fail(`mutation ${i} of ${file} (seed ${SEED}) threw ${String(e)}\n--- text ---\n${text}`);
      }
      for (const e of errors) {
        expect(e).toBeInstanceOf(SourceError);
        expect(e.span.line).toBeGreaterThanOrEqual(1);
        expect(e.span.column).toBeGreaterThanOrEqual(1);
      }
      if (errors.length) withErrors++;
    }
    // The mutations are not all harmless: many produce errors, which is the point.
    expect(withErrors).toBeGreaterThan(10);
  });

  it('truncated at any line loads with located errors only', () => {
    for (const source of shipped) {
      const lines = source.text.split('\n');
      for (let n = 0; n < lines.length; n += 25) {
        const text = `${lines.slice(0, n).join('\n')}\n${lines[n]?.slice(0, Math.floor(lines[n].length / 2)) ?? ''}`;
        expect(replayRules(text, basename(source.file!))).toBeUndefined();
      }
    }
  });
});

describe('rule text from scratch', () => {
  it('random garbage loads with located errors only', () => {
    const unit = fc.constantFrom(
      ...'rule set mode check [](){}?x=><:,#"\n 0 1 exp log +-*/ canonicalize é😀'.split(''),
    );
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 60 }), (text) => {
        expect(replayRules(text, 'garbage.rules')).toBeUndefined();
      }),
      { numRuns: 100, seed: SEED },
    );
  });

  it('deep nesting is a SourceError, not a stack overflow', () => {
    const text = `ruleset r\nrule deep [r]: ${'exp('.repeat(10_000)}?x${')'.repeat(10_000)} => ?x\n`;
    const { errors } = loadLibrary([{ text, file: 'deep.rules' }]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(SourceError);
    // Refused before parsing, at the first bracket past the limit (the 101st `exp(`).
    expect(errors[0].message).toMatch(
      /^deep\.rules:line 2, col 419: brackets nest more than 100 deep here \(the rule grammar's limit\)/,
    );
  });

  it.each([
    ['rule a [nope]: exp(?x) => ?x', "line 1, col 9: unknown ruleset 'nope'"],
    ['ruleset r\nrule a [r]: frob(?x) => ?x', "line 2, col 13: unknown op 'frob'"],
    ['ruleset r\nrule a [r]: exp(?x) => ?y', 'line 2, col'],
    ['ruleset r\nrule a [r]: exp(?x) =>', 'line 2, col 23: expected'],
  ])('%j: %s', (text, message) => {
    const { errors } = loadLibrary([{ text, file: 'x.rules' }]);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.map((e) => e.message).join('\n')).toContain(message);
  });
});
