/** The command line, run in-process: output text, --json, and exit codes for bad input. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from './run-cli.js';

const run = runCli;

afterEach(() => {
  vi.restoreAllMocks();
});

const LOGREG = 'mean(-y*log(sigmoid(dot(x,w)+b)) - (1-y)*log(1-sigmoid(dot(x,w)+b)))';
const LOGREG_VARS = [
  '--var',
  'x:f64[2,2]=[[1,2],[3,4]]',
  '--var',
  'w:f64[2]=0.1,-0.2',
  '--var',
  'b:f64=0.3',
  '--var',
  'y:f64[2]=1,0',
];

describe('saturn eval', () => {
  it('prints the value of an expression', async () => {
    const r = await run('eval', 'sum(x * 2)', '--var', 'x:f64[3]=1,2,3');
    expect(r.code).toBe(0);
    expect(r.out).toBe('f64[] 12');
  });

  it('evaluates the logistic-regression cost, also as JSON', async () => {
    const r = await run('eval', LOGREG, ...LOGREG_VARS, '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    // z = x·w + b = [0, -0.2]: cost = mean(-log(sigmoid(0)), -log(1 - sigmoid(-0.2)))
    const s = (v: number) => 1 / (1 + Math.exp(-v));
    expect(json.value).toBeCloseTo((-Math.log(s(0)) - Math.log(1 - s(-0.2))) / 2, 12);
    expect(json).toMatchObject({ dtype: 'f64', shape: [] });
  });
});

describe('saturn grad', () => {
  it('prints gradient expressions and their values', async () => {
    const r = await run('grad', LOGREG, '--wrt', 'w,b', ...LOGREG_VARS, '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.gradients.map((g: { wrt: string }) => g.wrt)).toEqual(['w', 'b']);
    const s = (v: number) => 1 / (1 + Math.exp(-v));
    const residual = [s(0) - 1, s(-0.2) - 0];
    expect(json.gradients[1].value).toBeCloseTo((residual[0] + residual[1]) / 2, 12);
    expect(json.gradients[0].value[0]).toBeCloseTo((residual[0] * 1 + residual[1] * 3) / 2, 12);
    expect(json.gradients[0].expr).toContain('dot(transpose(x)');
  });
});

describe('saturn optimize', () => {
  it('optimizes a classic case and reports in JSON', async () => {
    const r = await run('optimize', 'log(1 + exp(x))', '--var', 'x:f32[n]', '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json).toMatchObject({
      input: 'log(1 + exp(x))',
      output: 'softplus(x)',
      nodesBefore: 3,
      nodesAfter: 1,
    });
    expect(json.rules).toHaveProperty('softplus');
    expect(Object.keys(json.ms)).toEqual(['build', 'saturate', 'extract', 'total']);
  });

  it('explains the rewrite chain with --explain', async () => {
    const r = await run('optimize', 'log(sigmoid(x))', '--var', 'x:f32[n]', '--explain', '--json');
    const json = JSON.parse(r.out);
    expect(json.output).toBe('-softplus(-x)');
    expect(json.explanations[0].map((s: { rule?: string }) => s.rule).filter(Boolean)).toContain(
      'log-sigmoid',
    );
  });

  it('accepts s-expressions and --grad', async () => {
    const r = await run('optimize', '(sum (* w w))', '--var', 'w:f64[k]', '--grad', 'w', '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.outputs.map((o: { name: string }) => o.name)).toEqual(['output', 'd/dw']);
    expect(json.outputs[0].expr).toBe('sum(sqr(w))');
  });
});

describe('bad input exits 2 with a message, never a stack trace', () => {
  it.each([
    [['eval', 'exp(x'], 'expected ")"'],
    [['eval', 'exp(x)'], "undeclared variable 'x'"],
    [['eval', 'dot(x, x)', '--var', 'x:f64[2,3]'], 'dot: shapes [2, 3] and [2, 3] do not align'],
    [['eval', 'sum(x)', '--var', 'x:f64[3]=1,2'], "input 'x': got shape [2] where [3] is expected"],
    [['grad', 'sum(x)', '--var', 'x:f64[3]'], 'grad needs --wrt'],
    [['optimize', 'x', '--var', 'x:f32', '--mode', 'turbo'], "unknown mode 'turbo'"],
    [['frobnicate'], "unknown command 'frobnicate'"],
    [['eval', '1', '--bogus'], 'unknown option --bogus'],
    [['eval', '1', '--jsn'], 'unknown option --jsn (did you mean --json?)'],
  ])('%j', async (argv, message) => {
    const r = await run(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});

describe('files named by options', () => {
  it('an unwritable --svg or --dot path is a usage error naming the option, not an internal error', async () => {
    const svg = await run(
      'rules',
      'check',
      '--expr',
      'log(1 + exp(x))',
      '--var',
      'x:f32[n]',
      '--svg',
      '/nonexistent/dir/x.svg',
    );
    expect(svg.code).toBe(2);
    expect(svg.err).toContain("cannot write --svg file '/nonexistent/dir/x.svg': its folder does not exist");
    expect(svg.err).not.toContain('internal error');
    const dot = await run('draw', 'exp(x)', '--var', 'x:f32[n]', '--dot', '/nonexistent/dir/x.dot');
    expect(dot.code).toBe(2);
    expect(dot.err).toContain("cannot write --dot file '/nonexistent/dir/x.dot'");
  });
});

describe('saturn rules check FILE', () => {
  it('checks one shipped file in the context of the rest of the shipped library', async () => {
    // logic.rules tags its rules [canonicalize], declared in 00-modes.rules; alone it failed to load.
    const r = await run('rules', 'check', 'rules/logic.rules', '--runs', '3', '--no-growth', '--json');
    const report = JSON.parse(r.out);
    expect(report.errors).toEqual([]);
    expect(report.files).toEqual(['rules/logic.rules']);
    expect(report.soundness.length).toBeGreaterThan(0);
    expect(report.soundness.every((s: { rule: string }) => !s.rule.startsWith('log1p'))).toBe(true);
    expect(r.code).toBe(0);
  });
});
