/** `saturn rules check` on rule files whose terms are thousands deep: results or located errors, no stack overflow. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'saturn-large-rules-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const sum = (terms: number) => Array.from({ length: terms }, () => '?x').join(' + ');

describe('rules check on large terms', () => {
  it('checks a rule whose right side is a 2,000-term sum, in text and JSON', async () => {
    const path = file('rhs.rules', `ruleset big\nrule big [big]: ?x * 2000 => ${sum(2000)}\n`);
    const text = await runCli('rules', 'check', path, '--alone', '--runs', '3', '--no-growth');
    expect(text.err).not.toContain('internal error');
    expect(text.out).toContain('1 file, 1 rules: 1 sound, 0 unsound');
    expect(text.code).toBe(0);
    const json = await runCli('rules', 'check', path, '--alone', '--runs', '3', '--no-growth', '--json');
    expect(json.code).toBe(0);
    const report = JSON.parse(json.out);
    expect(report).toMatchObject({ ok: true, errors: [] });
    expect(report.soundness[0]).toMatchObject({ rule: 'big', status: 'ok' });
  });

  it('reports a 2,000-op left side and 5,000-deep nesting as located errors', async () => {
    const path = file(
      'limits.rules',
      `ruleset big\nrule wide [big]: ${sum(2000)} => ?x * 2000\nrule deep [big]: log(?x) => ${'exp('.repeat(5000)}?x${')'.repeat(5000)}\n`,
    );
    const r = await runCli('rules', 'check', path, '--alone', '--runs', '3', '--json');
    expect(r.code).toBe(1);
    expect(r.err).not.toContain('internal error');
    const { errors } = JSON.parse(r.out) as { errors: { line: number; message: string }[] };
    expect(errors.map((e) => [e.line, e.message.replace(/\(.*/, '')])).toEqual([
      // Syntax errors come first (the file is parsed before its rules compile).
      [3, 'brackets nest more than 100 deep here '],
      [2, "rule 'wide': a left side may hold at most 256 ops "],
    ]);
  });
});
