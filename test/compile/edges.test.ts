/** Edge cases of the compiled-function contract. */
import { describe, expect, it } from 'vitest';
import { compile, T } from '../../src/index.js';

const mode = 'fast_compile';

describe('compile: edge cases', () => {
  it('an update to the parameter itself leaves it unchanged', async () => {
    const w = T.shared('w_e1', [1, 2], 'f32');
    const f = await compile({ device: 'js', inputs: [], outputs: [w.sum()], updates: [[w, w]], mode });
    expect(f.runSync({})[0].item()).toBe(3);
    expect(f.getSync(w).toArray()).toEqual([1, 2]);
  });

  it('returns the same output twice and constant outputs', async () => {
    const x = T.vector('x_e2', 'f32', 'n');
    const y = x.mul(2);
    const f = await compile({ device: 'js', inputs: [x], outputs: [y, y, T.constant(3, 'f32')], mode });
    const [a, b, c] = f.runSync({ x_e2: [1, 2] });
    expect([a.toArray(), b.toArray(), c.item()]).toEqual([[2, 4], [2, 4], 3]);
  });

  it('runs on empty inputs (a size-0 dim)', async () => {
    const x = T.vector('x_e3', 'f32', 'n');
    const f = await compile({ device: 'js', inputs: [x], outputs: [x.exp(), x.sum()], mode });
    const [e, s] = f.runSync({ x_e3: new Float32Array(0) });
    expect([e.shape, s.item()]).toEqual([[0], 0]);
  });

  it('accepts inputs the outputs do not read, still checking them', async () => {
    const x = T.vector('x_e4', 'f32', 2);
    const unused = T.vector('u_e4', 'f32', 2);
    const f = await compile({ device: 'js', inputs: [x, unused], outputs: [x.add(1)], mode });
    expect(f.runSync({ x_e4: [1, 2], u_e4: [0, 0] })[0].toArray()).toEqual([2, 3]);
    expect(() => f.runSync({ x_e4: [1, 2] })).toThrow(/missing value for input 'u_e4'/);
  });
});

describe('compile: overlapping calls', () => {
  it('runs overlapping run calls one after another, in call order', async () => {
    const count = T.shared('count_o1', 0, 'f32');
    const f = await compile({
      device: 'js',
      inputs: [],
      outputs: [count],
      updates: [[count, count.add(1)]],
      mode,
    });
    const results = await Promise.all([f.run({}), f.run({}), f.run({})]);
    expect(results.map(([c]) => c.item())).toEqual([0, 1, 2]);
    const pending = f.run({});
    expect(() => f.runSync({})).toThrow(/while a run of this function is in flight/);
    await pending;
    expect(f.runSync({})[0].item()).toBe(4);
  });
});
