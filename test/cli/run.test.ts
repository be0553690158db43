/** `saturn run`: compiles and runs an expression; errors exit with code 2. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from './run-cli.js';

const run = runCli;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('saturn run', () => {
  it('prints the value computed by the compiled program', async () => {
    const r = await run(
      'run',
      'sum(x * 2)',
      '--var',
      'x:f64[3]=1,2,3',
      '--device',
      'js',
      '--mode',
      'fast_compile',
    );
    expect(r).toMatchObject({ code: 0, out: 'f64[] 12' });
  });

  it('reports the device, kernels and profile as JSON', async () => {
    const r = await run(
      'run',
      'exp(x) + 1',
      '--var',
      'x:f32[2]=0,0',
      '--device',
      'js',
      '--mode',
      'fast_compile',
      '--profile',
      '--json',
    );
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json).toMatchObject({ dtype: 'f32', shape: [2], value: [2, 2], device: 'js' });
    expect(json.kernels).toEqual([{ name: expect.any(String), kind: 'elementwise', ops: ['exp', 'add'] }]);
    expect(json.profile.calls).toBe(1);
  });

  it('prints the profile with --profile', async () => {
    const r = await run(
      'run',
      'x * 2',
      '--var',
      'x:f32[2]=1,2',
      '--device',
      'js',
      '--mode',
      'fast_compile',
      '--profile',
    );
    expect(r.code).toBe(0);
    expect(r.out).toContain('by kernel');
    expect(r.out).toContain('device   js');
  });

  it('exits with 2 and the typed message on bad input', async () => {
    const r = await run(
      'run',
      'x + y',
      '--var',
      'x:f32[n]=1,2',
      '--var',
      'y:f32[n]=1,2,3',
      '--mode',
      'fast_compile',
    );
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      "saturn run: input 'y' has shape [3], so n = 3, but input 'x' has shape [2], so n = 2",
    );
    const d = await run('run', 'x', '--var', 'x:f32[1]=1', '--device', 'gpu');
    expect(d.code).toBe(2);
    expect(d.err).toMatch(/device 'gpu' is not built into this version/);
  });
});
