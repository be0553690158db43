/**
 * The accuracy contract as `rules check` enforces it: rules planted to be wrong only at the edges of the
 * number formats (a reciprocal of a subnormal, a factoring that overflows, an integer identity that
 * breaks on wrap, a flipped zero sign) are caught, and their guarded forms pass.
 */
import { describe, expect, it } from 'vitest';
import { loadLibrary } from '../../src/rules/load.js';
import { checkSoundness } from '../../src/rules/soundness.js';

const rule = (text: string) => {
  const { library, errors } = loadLibrary([{ text: `ruleset r\n${text}`, file: 't.rules' }]);
  expect(errors).toEqual([]);
  return library.rules[0];
};

const PLANTED: readonly { name: string; text: string; why: RegExp }[] = [
  {
    name: 'a reciprocal of a subnormal divisor',
    text: 'rule recip [r]: ?x / ?s => ?x * reciprocal(?s) when nonzero(?s)',
    why: /Infinity|NaN/,
  },
  {
    name: 'a constant reciprocal of a subnormal',
    text: 'rule recip-c [r]: ?x / ?c => ?x * (1 / ?c) when is_const(?c) and nonzero(?c)',
    why: /Infinity|NaN/,
  },
  {
    name: 'a factoring that overflows',
    text: 'rule factor [r]: ?x * 0.5 + ?y * 0.5 => 0.5 * (?x + ?y) when nonzero(?x) and nonzero(?y)',
    why: /Infinity/,
  },
  {
    name: 'a scale taken out of a sum',
    text: 'rule sum-half [r]: sum(0.5 * ?x) => 0.5 * sum(?x)',
    why: /Infinity/,
  },
  {
    name: 'a shift taken out of an integer max (wraps)',
    text: 'rule max-shift [r]: max(?x + 1) => max(?x) + 1 when is_int(?x)',
    why: /must be identical/,
  },
  {
    name: 'a square that wraps in i32',
    text: 'rule abs-sqr [r]: abs(?x * ?x) => sqr(?x) when dtype(?x) == i32',
    why: /must be identical/,
  },
  {
    name: 'a flipped zero sign',
    text: 'rule zero-sub [r]: 0 - ?x => -?x when is_float(?x)',
    why: /sign of zero/,
  },
];

describe('rules check catches rules wrong only at the edges', () => {
  it.each(PLANTED)('$name', ({ text, why }) => {
    const result = checkSoundness(rule(text), { runs: 200 });
    expect(result.status).toBe('unsound');
    expect(result.counterexample?.why ?? result.note).toMatch(why);
  });

  it.each([
    'rule recip [r]: ?x / ?s => ?x * reciprocal(?s) when normal(?s)',
    'rule recip-c [r]: ?x / ?c => ?x * (1 / ?c) when is_const(?c) and normal(?c)',
    'rule max-shift [r]: max(?x + 1) => max(?x) + 1 when is_float(?x)',
    'rule sum-two [r]: sum(2 * ?x) => 2 * sum(?x) when is_float(?x)',
    'rule zero-sub [r]: 0 - ?x => -?x when nonzero(?x)',
  ])('passes the guarded form: %s', (text) => {
    const result = checkSoundness(rule(text), { runs: 100 });
    expect(result.status).not.toBe('unsound');
  });

  it('judges an index by the exact one: argmax(exp(x)) => argmax(x) is kept where exp rounds x apart to a tie', () => {
    const kept = checkSoundness(rule('rule a [r]: argmax(exp(?x)) => argmax(?x)'), { runs: 100 });
    expect(kept.status).toBe('ok');
    // relu ties every negative on the reals too, so the first of them is the exact index.
    const wrong = checkSoundness(rule('rule a [r]: argmax(relu(?x)) => argmax(?x)'), { runs: 200 });
    expect(wrong.status).toBe('unsound');
    expect(wrong.counterexample?.why).toMatch(/must be identical to the left side's or exact/);
  });

  it('keeps sign(exp(x)) => 1: the exact value is 1 even where exp underflows', () => {
    const result = checkSoundness(rule('rule s [r]: sign(exp(?x)) => ones_like(?x) when is_float(?x)'), {
      runs: 100,
    });
    expect(result.status).toBe('ok');
  });
});
