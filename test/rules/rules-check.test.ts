import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { rulesCommand } from '../../src/cli/rules.js';
import { T } from '../../src/graph/index.js';
import { formatPlayground, playground } from '../../src/rules/playground.js';
import { checkRules } from '../../src/rules/check.js';
import { egraphToDot } from '../../src/rules/dot.js';
import { growthHazards, sameLeftSides } from '../../src/rules/hazards.js';
import { defaultLibrary, loadLibrary } from '../../src/rules/load.js';
import { addGraph, createTensorEGraph } from '../../src/egraph/tensor/index.js';
import { readFileSync } from 'node:fs';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const source = (name: string) => ({ text: readFileSync(fixture(name), 'utf8'), file: fixture(name) });

describe('rules check', () => {
  it('prints a counterexample for each planted unsound rule and exits 1', async () => {
    const result = await rulesCommand.run(['check', fixture('unsound.rules'), '--runs', '50', '--no-growth']);
    expect(result.exitCode).toBe(1);
    expect(result.text).toMatch(/unsound: rule exp-log-unguarded\n {2}\?x = /);
    expect(result.text).toMatch(/unsound: rule div-cancel-wrong\n {2}\?x = .*\n {2}\?y = /);
    expect(result.text).toMatch(/2 rules: 0 sound, 2 unsound/);
  });

  it('passes a sound file with its checks, and says so in JSON', async () => {
    const result = await rulesCommand.run(['check', fixture('sound.rules'), '--runs', '30', '--json']);
    expect(result.exitCode).toBe(0);
    const json = result.json as { ok: boolean; checks: { ok: boolean }[]; soundness: { status: string }[] };
    expect(json.ok).toBe(true);
    expect(json.checks.map((c) => c.ok)).toEqual([true, true, true]);
    expect(json.soundness.map((s) => s.status)).toEqual(['ok', 'ok', 'ok']);
  });

  it('reports loading errors with file:line:col and exits 1', async () => {
    const report = checkRules([{ text: 'ruleset r\nrule a [r]: expp(?x) => ?x\n', file: 'bad.rules' }], {
      runs: 5,
    });
    expect(report.ok).toBe(false);
    expect(report.errors[0].message).toMatch(/^bad.rules:line 2, col 13: unknown op 'expp'/);
  });

  it('reports a failing check with its file and line', () => {
    const report = checkRules([source('hazards.rules')], { runs: 10, skipGrowth: true });
    const failed = report.checks.filter((c) => !c.ok);
    expect(failed).toHaveLength(1);
    expect(failed[0].error!.message).toContain(
      'hazards.rules:line 10, col 1: check failed: x + y optimized to',
    );
  });

  it('finds growth, duplicates and shared left sides', () => {
    const { library } = loadLibrary([source('hazards.rules')]);
    const growth = growthHazards(library, { nodes: 500, timeMs: 300 });
    expect(growth.some((h) => h.kind === 'grows-alone' && h.rules[0] === 'grow')).toBe(true);
    const same = sameLeftSides(library.rules);
    expect(same).toContainEqual(expect.objectContaining({ kind: 'duplicate', rules: ['comm', 'comm-copy'] }));
  });

  it('runs the shipped library quickly enough with few draws', () => {
    const report = checkRules([{ text: readFileSync(fixture('sound.rules'), 'utf8'), file: 'sound.rules' }], {
      runs: 10,
    });
    expect(report.ok).toBe(true);
  });
});

describe('playground', () => {
  const library = defaultLibrary();
  const x = T.vector('x', 'f32', 'n');

  it.each([
    ['log(1 + exp(x))', T.log(T.add(1, T.exp(x))), 'softplus(x)'],
    ['log(sigmoid(x))', T.log(T.sigmoid(x)), '-softplus(-x)'],
    ['x*1+0-x', T.sub(T.add(T.mul(x, 1), 0), x), 'zeros_like(x)'],
  ])('%s', (_name, expr, expected) => {
    const r = playground(expr, { library, explain: true, dot: true });
    expect(r.output).toBe(expected);
    expect(r.costAfter).toBeLessThan(r.costBefore);
    expect(Object.keys(r.rules).length).toBeGreaterThan(0);
    expect(r.phases.every((p) => p.stopReason.length > 0)).toBe(true);
    const steps = r.explanation!;
    expect(steps.length).toBeGreaterThan(1);
    expect(steps.slice(1).every((s) => s.rule !== undefined)).toBe(true);
    expect(r.dot).toMatch(/^digraph egraph \{/);
    expect(formatPlayground(r)).toContain(`output  ${expected}`);
  });

  it('renders SVG through the CLI', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(`${tmpdir()}/saturn-`);
    const result = await rulesCommand.run([
      'check',
      '--expr',
      'log(1 + exp(x))',
      '--var',
      'x:f32[n]',
      '--dot',
      `${dir}/g.dot`,
      '--svg',
      `${dir}/g.svg`,
    ]);
    expect(result.text).toContain('output  softplus(x)');
    expect(readFileSync(`${dir}/g.svg`, 'utf8')).toContain('<svg');
    expect(readFileSync(`${dir}/g.dot`, 'utf8')).toContain('subgraph cluster_');
  });
});

describe('egraphToDot', () => {
  it('draws one cluster per class and highlights the chosen nodes', () => {
    const t = createTensorEGraph();
    const [root] = addGraph(t.egraph, t.lang, [T.exp(T.vector('x'))]);
    const chosen = new Map(t.egraph.classIds().map((c) => [c, t.egraph.nodesOf(c)[0]] as const));
    const dot = egraphToDot(t, { roots: [root], chosen });
    expect(dot.match(/subgraph cluster_\d/g)).toHaveLength(2);
    expect(dot.match(/ n\d+_\d+ \[.*fillcolor/g)).toHaveLength(2);
    expect(dot).toContain('subgraph cluster_legend');
    expect(dot).toContain('style=bold');
  });
});
