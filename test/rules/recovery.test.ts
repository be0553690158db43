/**
 * Syntax errors in rule files: the parser recovers at the next item line, reports every error, keeps the
 * items that parsed, and puts the caret at the fault (the end of an unfinished line, not the next line).
 */
import { describe, expect, it } from 'vitest';
import { loadLibrary } from '../../src/rules/load.js';
import { parseRuleFileRecovering } from '../../src/rules/syntax.js';

const FILE = [
  'rul e [foo]: ?x * 1 => ?x',
  'ruleset foo "a test ruleset"',
  'rule a [foo]: exp(log(?x)) => ?x',
  'rule b [foo]: exp(log(?x) => ?x',
  'rule c [foo]: log(exp(?x)) => ?x',
  '',
  'rule d [foo]: log(exp(?x)) => ?x +',
  '# a comment after the broken rule',
  '',
  'check exp(log(x)) ~> x where x: f64[n]',
  'mode m: foo',
].join('\n');

describe('rule file syntax errors', () => {
  it('reports every error and keeps every item that parsed', () => {
    const { items, errors } = parseRuleFileRecovering(FILE, 't.rules');
    expect(items.map((i) => (i.kind === 'check' ? 'check' : i.name.name))).toEqual([
      'foo',
      'a',
      'c',
      'check',
      'm',
    ]);
    // Line 1: not an item; line 4: `)` missing before `=>`; line 7: an operand missing at the line's end.
    expect(errors.map((e) => [e.span.line, e.span.column])).toEqual([
      [1, 1],
      [4, 27],
      [7, 35],
    ]);
  });

  it('puts the caret after the unfinished line, not on the next one', () => {
    const { errors } = parseRuleFileRecovering(
      'ruleset r\nrule a [r]: exp(log(?x)) => log(?x\nrule b [r]: ?x => ?x\n',
    );
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toBe(
      'line 2, col 35: expected ")", ",", or an operator\n  rule a [r]: exp(log(?x)) => log(?x\n                                    ^',
    );
  });

  it('keeps the caret on an unexpected token in the middle of a line', () => {
    const { errors } = parseRuleFileRecovering('ruleset r\nrule a [r]: exp(?x) => $x\n');
    expect([errors[0].span.line, errors[0].span.column]).toEqual([2, 24]);
  });

  it('loads the rules and checks that parsed next to the errors', () => {
    const { library, errors } = loadLibrary([{ text: FILE, file: 't.rules' }]);
    expect(errors).toHaveLength(3);
    expect(library.rules.map((r) => r.name)).toEqual(['a', 'c']);
    expect(library.checks).toHaveLength(1);
    expect(library.modes.has('m')).toBe(true);
  });
});
