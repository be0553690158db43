import { describe, expect, it } from 'vitest';
import { scale } from '../scale.js';
import { loadLibrary, readRuleDir, SHIPPED_RULES_DIR } from '../../src/rules/load.js';
import { checkSoundness, formatCounterexample } from '../../src/rules/soundness.js';

const rule = (text: string, ruleset = 'ruleset r') => {
  const { library, errors } = loadLibrary([{ text: `${ruleset}\n${text}`, file: 't.rules' }]);
  expect(errors).toEqual([]);
  return library.rules[0];
};

describe('soundness by evaluation', () => {
  it('catches exp(log(?x)) => ?x without its guard, with a shrunk counterexample', () => {
    const result = checkSoundness(rule('rule bad [r]: exp(log(?x)) => ?x'), { runs: 100 });
    expect(result.status).toBe('unsound');
    const c = result.counterexample!;
    expect(c.bindings['?x'].data.some((v) => v < 0)).toBe(true);
    expect(c.why).toMatch(/domain error/);
    expect(formatCounterexample(c)).toMatch(/^\?x = /);
  });

  it('catches (?x + ?y) / ?y => ?x + 1', () => {
    const result = checkSoundness(rule('rule bad [r]: (?x + ?y) / ?y => ?x + 1'), { runs: 100 });
    expect(result.status).toBe('unsound');
    expect(Object.keys(result.counterexample!.bindings)).toEqual(['?x', '?y']);
  });

  it('accepts the guarded rule, discarding draws where the guard is false', () => {
    const result = checkSoundness(rule('rule ok [r]: exp(log(?x)) => ?x when positive(?x)'), { runs: 50 });
    expect(result.status).toBe('ok');
    expect(result.skipped.guard).toBeGreaterThan(0);
    expect(result.engine.applied).toBeGreaterThan(0);
  });

  it('lets a replacing rule be finite where the left side overflows', () => {
    const r = rule('rule sp [s]: log(1 + exp(?x)) => softplus(?x)', 'ruleset s replacing');
    expect(checkSoundness(r, { runs: 100 }).status).toBe('ok');
  });

  it('checks unsafe rules away from zero', () => {
    const r = rule('rule d [r, unsafe]: ?x / ?x => ones_like(?x)', 'ruleset r\nruleset unsafe');
    const result = checkSoundness(r, { runs: 50 });
    expect(result).toMatchObject({ status: 'ok', unsafe: true });
  });

  it('draws attribute variables and shapes that fit the ops', () => {
    const r = rule('rule s [r]: sum(-?x, axis=?a, keepdims=?k) => -sum(?x, axis=?a, keepdims=?k)');
    expect(checkSoundness(r, { runs: 30 }).status).toBe('ok');
    const d = rule('rule d [r]: -dot(?x, ?y) => dot(-?x, ?y) when is_float(?x)');
    expect(checkSoundness(d, { runs: 30 }).status).toBe('ok');
  });

  it('is deterministic for a seed', () => {
    const r = rule('rule bad [r]: (?x + ?y) / ?y => ?x + 1');
    const a = checkSoundness(r, { runs: 50, seed: 7 });
    const b = checkSoundness(r, { runs: 50, seed: 7 });
    expect(formatCounterexample(a.counterexample!)).toBe(formatCounterexample(b.counterexample!));
  });

  it('finds every shipped rule sound', () => {
    const { library, errors } = loadLibrary(readRuleDir(SHIPPED_RULES_DIR));
    expect(errors).toEqual([]);
    const unsound = library.rules
      .map((r) => checkSoundness(r, { runs: scale(10, 25), engineRuns: 3 }))
      .filter((s) => s.status === 'unsound')
      .map((s) => `${s.rule}: ${s.counterexample ? formatCounterexample(s.counterexample) : s.note}`);
    expect(unsound).toEqual([]);
  }, 300_000);
});
