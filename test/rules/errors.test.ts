/**
 * The loader's error catalogue: every error a rule file can produce, with its exact text (file, line,
 * column, the source line and a caret under the span), as `rules check` prints it.
 */
import { describe, expect, it } from 'vitest';
import { runChecks } from '../../src/rules/check.js';
import { loadLibrary } from '../../src/rules/load.js';

const errorsOf = (text: string) => loadLibrary([{ text, file: 'test.rules' }]).errors.map((e) => e.message);

const CATALOGUE: readonly (readonly [string, string, string])[] = [
  [
    'syntax: missing =>',
    'ruleset r\nrule a [r]: exp(log(?x)) ?x\n',
    'test.rules:line 2, col 26: expected "=>", "<=>", or an operator\n  rule a [r]: exp(log(?x)) ?x\n                           ^',
  ],
  [
    'syntax: bad token',
    'ruleset r\nrule a [r]: exp(?x) => $x\n',
    'test.rules:line 2, col 24: expected a name, a number, "(", or "?"\n  rule a [r]: exp(?x) => $x\n                         ^',
  ],
  [
    'unknown op, with did you mean',
    'ruleset r\nrule a [r]: expp(?x) => ?x\n',
    "test.rules:line 2, col 13: unknown op 'expp' (did you mean 'exp' or 'expm1'?)\n  rule a [r]: expp(?x) => ?x\n              ^^^^",
  ],
  [
    'wrong arity',
    'ruleset r\nrule a [r]: exp(?x, ?y) => ?x\n',
    "test.rules:line 2, col 13: rule 'a': exp takes 1 argument, got 2\n  rule a [r]: exp(?x, ?y) => ?x\n              ^^^",
  ],
  [
    'unknown attribute',
    'ruleset r\nrule a [r]: sum(?x, axes=?a) => ?x\n',
    "test.rules:line 2, col 21: sum has no attribute 'axes' (attributes: axis, keepdims)\n  rule a [r]: sum(?x, axes=?a) => ?x\n                      ^^^^^^^",
  ],
  [
    'unknown guard',
    'ruleset r\nrule a [r]: exp(log(?x)) => ?x when postive(?x)\n',
    "test.rules:line 2, col 37: rule 'a': unknown guard 'postive' (guards: nonzero, positive, nonneg, negative, nonpos, finite, normal, moderate, is_const, is_uniform, is_scalar, is_float, is_int, is_bool, is_integral, same_shape, rank, size, dtype, value, lo, hi)\n  rule a [r]: exp(log(?x)) => ?x when postive(?x)\n                                      ^^^^^^^^^^^",
  ],
  [
    'right-side variable not bound on the left',
    'ruleset r\nrule a [r]: exp(?x) => ?y\n',
    "test.rules:line 2, col 24: rule 'a': ?y on the right side is not bound on the left\n  rule a [r]: exp(?x) => ?y\n                         ^^",
  ],
  [
    'right-side attribute variable not bound on the left',
    'ruleset r\nrule a [r]: sum(?x) => sum(?x, axis=?b)\n',
    "test.rules:line 2, col 37: rule 'a': attribute ?b on the right side is not bound on the left\n  rule a [r]: sum(?x) => sum(?x, axis=?b)\n                                      ^^",
  ],
  [
    'guard variable not bound on the left',
    'ruleset r\nrule a [r]: exp(?x) => ?x when positive(?y)\n',
    "test.rules:line 2, col 41: rule 'a': ?y in the guard is not bound on the left\n  rule a [r]: exp(?x) => ?x when positive(?y)\n                                          ^^",
  ],
  [
    'duplicate rule name',
    'ruleset r\nrule a [r]: exp(?x) => ?x\nrule a [r]: log(?x) => ?x\n',
    "test.rules:line 3, col 6: duplicate rule name 'a'\n  rule a [r]: log(?x) => ?x\n       ^",
  ],
  [
    'unknown ruleset tag',
    'ruleset r\nrule a [rr]: exp(?x) => ?x\n',
    "test.rules:line 2, col 9: unknown ruleset 'rr' (declare it with 'ruleset rr')\n  rule a [rr]: exp(?x) => ?x\n          ^^",
  ],
  [
    'unknown phase limit',
    'ruleset r\nmode m: r (iters=3)\n',
    "test.rules:line 2, col 12: unknown phase limit 'iters' (limits: iterations, nodes, time_ms; option: restart)\n  mode m: r (iters=3)\n             ^^^^^^^",
  ],
];

describe('rule file error catalogue', () => {
  it.each(CATALOGUE)('%s', (_what, text, message) => {
    expect(errorsOf(text)).toEqual([message]);
  });

  it('collects every error of a file, not only the first', () => {
    const text =
      'ruleset r\nrule a [rr]: exp(?x) => ?x\nrule b [r]: expp(?x) => ?x\nrule c [r]: exp(?x) => ?y\n';
    expect(errorsOf(text)).toHaveLength(3);
  });

  it('reports a failing check with its line and a caret under it', () => {
    const text = 'ruleset r\nrule a [r]: ?x + 0 => ?x\nmode fast_run: r\ncheck x * 1 ~> x where x: f64[n]\n';
    const source = { text, file: 'test.rules' };
    const { library } = loadLibrary([source]);
    const [result] = runChecks(library, [source]);
    expect(result.ok).toBe(false);
    expect(result.error!.message).toBe(
      'test.rules:line 4, col 1: check failed: x * 1 optimized to x * 1, expected x\n' +
        '  check x * 1 ~> x where x: f64[n]\n' +
        '  ' +
        '^'.repeat(32),
    );
  });

  it('reports a fail check that succeeds', () => {
    const text =
      'ruleset r\nrule a [r]: ?x + 0 => ?x\nmode fast_run: r\nfail check x + 0 ~> x where x: f64[n]\n';
    const source = { text, file: 'test.rules' };
    const [result] = runChecks(loadLibrary([source]).library, [source]);
    expect(result.error!.message).toBe(
      'test.rules:line 4, col 1: fail check: x + 0 must not optimize to x, but it did\n' +
        '  fail check x + 0 ~> x where x: f64[n]\n' +
        '  ' +
        '^'.repeat(37),
    );
  });
});
