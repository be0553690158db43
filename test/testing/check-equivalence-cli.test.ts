import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkEquivalenceCommand } from '../../src/cli/check-equivalence.js';
import { runCli } from '../cli/run-cli.js';

const cli = runCli;

afterEach(() => vi.restoreAllMocks());

describe('saturn check-equivalence', () => {
  it('optimizes and compares on random inputs of the declared types', async () => {
    const r = await cli(
      'check-equivalence',
      'log(1 + exp(x))',
      '--var',
      'x:f64[n, 3]',
      '--runs',
      '20',
      '--seed',
      '5',
    );
    expect(r.code).toBe(0);
    expect(r.out).toContain('original:  log(1 + exp(x))');
    expect(r.out).toContain('optimized: softplus(x)');
    expect(r.out).toContain('equivalent on 20 input sets, edge values included (seed 5)');
  });

  it('accepts stabilizations: the naive form overflows where softplus does not', async () => {
    const r = await cli(
      'check-equivalence',
      'log(1 + exp(x))',
      '--var',
      'x:f64[4]',
      '--domain',
      '700,800',
      '--seed',
      '1',
    );
    expect(r.code).toBe(0);
  });

  it('gives JSON with --json', async () => {
    const r = await cli(
      'check-equivalence',
      'x * 1 + 0',
      '--var',
      'x:f32[3]',
      '--runs',
      '5',
      '--seed',
      '2',
      '--mode',
      'fast_compile',
      '--json',
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({
      equivalent: true,
      optimized: 'x',
      mode: 'fast_compile',
      runs: 5,
      seed: 2,
    });
  });

  it('uses --var values as given', async () => {
    const r = await checkEquivalenceCommand.run(['exp(log(x))', '--var', 'x:f64[2]=1,2', '--seed', '1']);
    expect(r.text).toContain('equivalent on 100 input sets');
  });

  it('exits 1 and shows the inputs where the optimized graph differs', async () => {
    // mul-zero is an `unsafe` rule by design (x * 0 => 0 ignores Inf); check-equivalence shows it.
    const r = await cli(
      'check-equivalence',
      'x * 0',
      '--var',
      'x:f64[2]=Infinity,1',
      '--mode',
      'fast_compile',
    );
    expect(r.code).toBe(1);
    expect(r.out).toContain('not equivalent: output 0 at element 0: the original gives NaN');
    expect(r.out).toContain('x = f64[2] Inf, 1');
    expect(r.out).toContain(
      "equal on the reals; differs at x = Inf (NaN vs 0) because rule mul-zero [unsafe] fired; exclude 'unsafe' to keep IEEE semantics",
    );
    const json = await cli(
      'check-equivalence',
      'x * 0',
      '--var',
      'x:f64[2]=Infinity,1',
      '--mode',
      'fast_compile',
      '--json',
    );
    expect(JSON.parse(json.out)).toMatchObject({ equivalent: false, mismatch: { output: 0, index: 0 } });
  });

  it.each([
    [['x +', '--var', 'x:f64'], /^saturn check-equivalence: line 1, col 4: expected/],
    [['y + 1', '--var', 'x:f64'], /undeclared variable 'y'/],
    [['x', '--var', 'x:f64', '--runs', '0'], /--runs: '0' is not an integer >= 1/],
    [['x', '--var', 'x:f64', '--seed', 'abc'], /--seed: 'abc' is not an integer/],
    [['x', '--var', 'x:f64', '--mode', 'turbo'], /--mode: unknown mode 'turbo' \(modes: none, /],
    [['x', '--var', 'x:f64', '--domain', '3,1'], /--domain: '3,1' is not LO,HI/],
    [['x', '--var', 'x:f64[2]=1,2,3'], /input 'x'|3 values/],
    [['x', '--var', 'x:f64', '--bogus'], /unknown option --bogus/],
    [['x + y', '--var', 'x:f64[2]', '--var', 'y:f64[3]'], /cannot broadcast/],
  ])('exits 2 with a message for bad input %#', async (args, message) => {
    const r = await cli('check-equivalence', ...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  it('reports bad input as JSON errors with --json', async () => {
    const r = await cli('check-equivalence', 'exp(', '--var', 'x:f64', '--json');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.out).error.kind).toBe('SourceError');
  });
});
