import { describe, expect, it } from 'vitest';
import { compile, T } from '../../src/index.js';

describe('compile(…, { profile: true })', () => {
  it('counts calls, kernel time, compile phases, kernels with their ops and bytes, and memory', async () => {
    const x = T.vector('x', 'f32', '?');
    const w = T.shared('w', new Float32Array(4));
    const f = await compile({
      device: 'js',
      inputs: [x],
      outputs: [T.sum(T.exp(x).mul(2)), x.add(w)],
      mode: 'fast_compile',
      profile: true,
    });
    const data = new Float32Array([1, 2, 3, 4]);
    for (let i = 0; i < 3; i++) f.runSync({ x: data });
    await f.run({ x: data });
    const p = f.profile!.json();
    expect([p.device, p.calls]).toEqual(['js', 4]);
    expect(p.kernelMs).toBeGreaterThan(0);
    expect(p.runMs).toBeGreaterThanOrEqual(p.kernelMs);
    expect(p.overheadMs).toBeCloseTo(p.runMs - p.kernelMs, 6);
    expect(p.compileMs.optimize).toBeGreaterThan(0);
    expect(p.compileMs.lower).toBeGreaterThan(0);
    // The js executor does not time code generation apart from prepare: the report says so.
    expect(p.codegenTimed).toBe(false);
    expect(f.profile!.report()).toMatch(/prepare [\d.]+ \(codegen included\)/);
    expect(p.kernels.rows.length).toBe(f.report.programs[0].kernels.length);
    for (const row of p.kernels.rows) expect(row.calls).toBe(4);
    const reduce = p.kernels.rows.find((r) => r.kind === 'reduce')!;
    expect(reduce.ops).toEqual(expect.arrayContaining(['exp', 'sum']));
    // Reads 4 f32, writes 1 f32.
    expect(reduce.bytes).toBe(20);
    expect(p.kernels.rows.at(-1)!.cumulativePercent).toBeCloseTo(100, 6);
    expect(p.opClasses.rows.map((r) => r.name).sort()).toEqual(
      [...new Set(p.kernels.rows.map((r) => r.kind))].sort(),
    );
    expect(p.memory!.peakBytes).toBeLessThanOrEqual(p.memory!.naiveBytes);

    const text = f.profile!.report();
    for (const heading of [
      'calls      4 on js,',
      'kernels ',
      'compile    optimize',
      'by kernel',
      'by op class',
      'memory     peak',
    ])
      expect(text).toContain(heading);
  });
});
