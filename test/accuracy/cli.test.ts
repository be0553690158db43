/** saturn optimize --accuracy on the new option parser: a negative domain bound, the report, bad input. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';

describe('saturn optimize --accuracy', () => {
  it('takes a domain with a negative bound and prints bits before and after', async () => {
    const r = await runCli(
      'optimize',
      'exp(x) - 1',
      '--var',
      'x:f64',
      '--accuracy',
      '--domain',
      'x=-1:1',
      '--samples',
      '32',
    );
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/expm1\(x\)/);
    expect(r.out).toMatch(/accuracy \(bits of error, mean over 32 held-out points\)/);
    const [, before, after] = /output: ([\d.]+) -> ([\d.]+)/.exec(r.out)!;
    expect(Number(after)).toBeLessThan(Number(before));
  });

  it('refuses a malformed domain, naming the option', async () => {
    const r = await runCli('optimize', 'exp(x) - 1', '--var', 'x:f64', '--accuracy', '--domain', 'x=1');
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/--domain 'x=1': expected NAME=LO:HI/);
  });
});
