import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePattern } from '../../src/egraph/pattern.js';
import { eggMathLanguage } from '../../bench/egg-math/language.js';
import { loadEggMath } from '../../bench/egg-math/load.js';

// The workload lives in the repository; the copy in ../shared (present only in the lead's workspace) is the
// source it was written from, and serves to cross-check it when it is there.
const SHARED = resolve(__dirname, '../../../shared/bench/egg-math');

function readTsv(path: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  const cols = header.split('\t');
  return lines.map((l) => Object.fromEntries(cols.map((c, i) => [c, l.split('\t')[i] ?? ''])));
}

describe('the egg math workload in the repository', () => {
  const { rules, cases } = loadEggMath();

  it('has egg’s 36 rules and 20 cases, every side a pattern of the language', () => {
    expect(rules).toHaveLength(36);
    expect(cases).toHaveLength(20);
    const lang = eggMathLanguage();
    for (const r of rules) {
      expect(() => parsePattern(lang, r.lhs), r.name).not.toThrow();
      expect(() => parsePattern(lang, r.rhs), r.name).not.toThrow();
    }
    for (const c of cases) {
      expect(() => parsePattern(lang, c.start), c.name).not.toThrow();
      expect(() => parsePattern(lang, c.goal), c.name).not.toThrow();
    }
  });

  it('parses the goal-test limits that override the defaults', () => {
    const byName = Object.fromEntries(cases.map((c) => [c.name, c.goalLimits]));
    expect(byName.math_simplify_root).toEqual({ nodeLimit: 75000, iterLimit: undefined });
    expect(byName.diff_power_harder).toEqual({ nodeLimit: 100000, iterLimit: 60 });
    expect(byName.math_powers).toEqual({ nodeLimit: undefined, iterLimit: undefined });
  });

  it.runIf(existsSync(SHARED))('matches the shared workload it was written from', () => {
    expect(rules).toEqual(readTsv(`${SHARED}/rules.tsv`));
    const shared = readTsv(`${SHARED}/cases.tsv`).map(({ reference_at_10k_nodes, ...c }) => ({
      ...c,
      reference: reference_at_10k_nodes,
    }));
    expect(cases.map(({ goalLimits: _g, ...c }) => c)).toEqual(shared);
  });
});
