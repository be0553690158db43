/** Rule files of one's own: next to the shipped library in optimize and rules check, and misspellings. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rulesCommand } from '../../src/cli/rules.js';
import { T } from '../../src/graph/builders.js';
import { formatExpr } from '../../src/graph/syntax/index.js';
import { optimize } from '../../src/optimize.js';
import { checkRules } from '../../src/rules/check.js';
import { loadLibrary } from '../../src/rules/load.js';

const dir = mkdtempSync(join(tmpdir(), 'saturn-own-rules-'));
const MY_RULES = join(dir, 'my.rules');
// Uses the shipped ruleset `canonicalize` and mode `fast_run` without declaring them.
writeFileSync(
  MY_RULES,
  [
    'rule double-exp [canonicalize]: exp(?x) * exp(?x) => exp(2 * ?x)',
    'check exp(x) * exp(x) ~> exp(2 * x) where x: f64[n]',
    'check log(1 + exp(x)) ~> softplus(x) where x: f64[n]',
  ].join('\n'),
);
const BROKEN = join(dir, 'broken.rules');
writeFileSync(BROKEN, 'rule oops [canonicalize]: exp(?x => ?x\n');

describe('optimize with rule files of one’s own', () => {
  const x = T.vector('x', 'f64', 'n');

  it('loads them next to the shipped rules', () => {
    const expr = T.add(T.mul(T.exp(x), T.exp(x)), T.log(T.add(1, T.exp(x))));
    const { outputs, report } = optimize(expr, { rules: [MY_RULES] });
    expect(report.rules['double-exp']).toBeGreaterThan(0);
    expect(formatExpr(outputs[0])).toContain('softplus(x)');
    expect(optimize(expr).report.rules['double-exp']).toBeUndefined();
  });

  it('reports the errors of a broken file, with the command to check it', () => {
    expect(() => optimize(x, { rules: [BROKEN] })).toThrow(
      /rule file errors \(check them with 'saturn rules check .*broken\.rules'\):\n.*line 1, col 34: expected/,
    );
  });

  it('refuses misspelled ruleset tags with a did-you-mean', () => {
    expect(() => optimize(T.div(x, x), { exclude: ['unsafee'] })).toThrow(
      "exclude: unknown ruleset 'unsafee' (did you mean 'unsafe'?) (rulesets: ",
    );
    expect(() => optimize(T.div(x, x), { include: ['stabilise'] })).toThrow(
      "include: unknown ruleset 'stabilise' (did you mean 'stabilize'?)",
    );
  });

  it('lists modes without a dangling comma', () => {
    const { library } = loadLibrary([{ text: 'ruleset r\nrule a [r]: exp(log(?x)) => ?x', file: 'a.rules' }]);
    expect(() => optimize(x, { library, mode: 'fast_run' })).toThrow(
      /^unknown mode 'fast_run' \(modes: none\)$/,
    );
    expect(() => optimize(x, { mode: 'fast_rn' })).toThrow(
      /^unknown mode 'fast_rn' \(did you mean 'fast_run'\?\) \(modes: none, (\w+, )*\w+\)$/,
    );
  });
});

describe('rules check on a file of one’s own', () => {
  it('sees the shipped rulesets and modes, and checks only the file', async () => {
    const r = await rulesCommand.run(['check', MY_RULES, '--runs', '10', '--no-growth']);
    expect(r.exitCode).toBe(0);
    expect(r.text).toContain('1 file, 1 rules: 1 sound, 0 unsound, 0 unchecked; 2/2 checks passed; 0 errors');
  });

  it('checks it by itself with --alone', async () => {
    const r = await rulesCommand.run(['check', MY_RULES, '--runs', '10', '--no-growth', '--alone']);
    expect(r.exitCode).toBe(1);
    expect(r.text).toContain("unknown ruleset 'canonicalize' (declare it with 'ruleset canonicalize')");
  });

  it('lets the file’s own definitions shadow shipped ones of the same name', () => {
    const text =
      'ruleset mine\nrule exp-log [mine]: exp(log(?x)) => ?x\nmode fast_run: mine\ncheck exp(log(x)) ~> x where x: f64[n]';
    const report = checkRules([{ text, file: 'mine.rules' }], {
      runs: 5,
      skipGrowth: true,
      context: [
        { text: 'ruleset r\nrule exp-log [r]: exp(?x) => ?x\nmode fast_run: r', file: 'shipped.rules' },
      ],
    });
    expect(report.errors).toEqual([]);
    expect(report.checks.map((c) => c.ok)).toEqual([true]);
  });

  it('reports every syntax error of the file and checks what parsed', async () => {
    writeFileSync(
      join(dir, 'two-errors.rules'),
      'rule a [canonicalize]: exp(log(?x) => ?x\nrule b [canonicalize]: ?x * 1 => ?x\nrule c [canonicalize]: ?x +\n',
    );
    const r = await rulesCommand.run([
      'check',
      join(dir, 'two-errors.rules'),
      '--runs',
      '5',
      '--no-growth',
      '--json',
    ]);
    const json = r.json as { errors: { line: number; column: number }[]; soundness: { rule: string }[] };
    expect(json.errors.map((e) => [e.line, e.column])).toEqual([
      [1, 36],
      [3, 28],
    ]);
    expect(json.soundness.map((s) => s.rule)).toEqual(['b']);
  });
});
