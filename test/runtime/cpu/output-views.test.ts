import { describe, expect, it } from 'vitest';
import { compile, T } from '../../../src/index.js';

/** exp(x)·y and sum(x): an elementwise output and a scalar one. */
function build(device: 'cpu' | 'js', tag: string, n: number) {
  const x = T.vector(`x_${tag}`, 'f32', n);
  const y = T.vector(`y_${tag}`, 'f32', n);
  return compile({
    device,
    threads: 1,
    inputs: [x, y],
    outputs: [x.exp().mul(y), x.sum()],
    mode: 'fast_compile',
  });
}

const n = 1000;
const xs = Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 2);
const ys = Float32Array.from({ length: n }, (_, i) => Math.cos(i));
const xs2 = Float32Array.from(xs, (v) => v / 2);

describe("run options { outputs: 'view' }", () => {
  it('cpu: outputs are the copies’ values, read in place from the executor memory', async () => {
    const f = await build('cpu', 'a', n);
    const copies = f.runSync({ x_a: xs, y_a: ys });
    const views = f.runSync({ x_a: xs, y_a: ys }, { outputs: 'view' });
    expect(views.map((t) => [...t.array])).toEqual(copies.map((t) => [...t.array]));
    // The same memory that f.alloc hands out: the WebAssembly memory, larger than any one buffer.
    const resident = f.alloc('x_a', [n]);
    expect(views[0].array.buffer).toBe(resident.buffer);
    expect(copies[0].array.buffer).not.toBe(resident.buffer);
    const viaRun = await f.run({ x_a: xs, y_a: ys }, { outputs: 'view' });
    expect(viaRun[0].array.buffer).toBe(resident.buffer);
    expect([...viaRun[0].array]).toEqual([...copies[0].array]);
    f.dispose();
  });

  it('cpu: a view holds the next call’s result (the lifetime rule), a copy keeps its own', async () => {
    const f = await build('cpu', 'b', n);
    const [kept] = f.runSync({ x_b: xs, y_b: ys });
    const [view] = f.runSync({ x_b: xs, y_b: ys }, { outputs: 'view' });
    const [next] = f.runSync({ x_b: xs2, y_b: ys });
    expect([...view.array]).toEqual([...next.array]);
    expect([...view.array]).not.toEqual([...kept.array]);
    f.dispose();
  });

  it('js: the option is accepted and outputs stay copies the caller owns', async () => {
    const f = await build('js', 'c', n);
    const [view] = f.runSync({ x_c: xs, y_c: ys }, { outputs: 'view' });
    const before = [...view.array];
    f.runSync({ x_c: xs2, y_c: ys }, { outputs: 'view' });
    expect([...view.array]).toEqual(before);
    const cpu = await build('cpu', 'd', n);
    const [want] = cpu.runSync({ x_d: xs, y_d: ys });
    expect(
      before.map((v, i) => Math.abs(v - want.array[i]) <= 1e-6 * Math.max(1, Math.abs(v))),
    ).not.toContain(false);
    f.dispose();
    cpu.dispose();
  });
});
