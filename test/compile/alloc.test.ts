import { afterEach, describe, expect, it, vi } from 'vitest';
import { compile, FunctionUseError, InputShapeError, T, UnknownInputError } from '../../src/index.js';

const mode = 'fast_compile';

/** exp(x)*y + sum(x) over a batch `n`: one elementwise kernel, one reduction, one parameter update. */
async function build(device: 'cpu' | 'js', tag: string) {
  const x = T.matrix(`x_${tag}`, 'f32', ['n', 4]);
  const y = T.vector(`y_${tag}`, 'f32', 4);
  const w = T.shared(`w_${tag}`, new Float32Array([1, 2, 3, 4]), 'f32');
  const out = x.exp().mul(y.mul(w));
  return compile({
    device,
    threads: 1,
    inputs: [x, y],
    outputs: [out, x.sum()],
    updates: [[w, w.add(1)]],
    mode,
  });
}

const xs = Float32Array.from({ length: 12 }, (_, i) => (i - 6) / 4);
const ys = new Float32Array([0.5, -1, 2, 0.25]);

/** Counts `TypedArray#set` calls of at least `minLength` elements into the executor's memory while `fn` runs. */
async function countCopies(minLength: number, fn: () => Promise<unknown>): Promise<number> {
  const proto = Object.getPrototypeOf(Float32Array.prototype) as { set: (a: ArrayLike<number>) => void };
  const original = proto.set;
  let copies = 0;
  const spy = vi.spyOn(proto, 'set').mockImplementation(function (this: unknown, ...args) {
    // A copy in writes into a view of the executor's larger memory; copies out fill fresh arrays.
    const target = this as Float32Array;
    if ((args[0] as ArrayLike<number>).length >= minLength && target.buffer.byteLength > target.byteLength)
      copies++;
    return original.apply(this, args as [ArrayLike<number>]);
  });
  try {
    await fn();
  } finally {
    spy.mockRestore();
  }
  return copies;
}

afterEach(() => vi.restoreAllMocks());

describe('CompiledFunction.alloc', () => {
  for (const device of ['cpu', 'js'] as const) {
    it(`${device}: a run with an alloc'd input equals a run with a plain array`, async () => {
      const plain = await build(device, `p_${device}`);
      const resident = await build(device, `r_${device}`);
      const xa = resident.alloc(`x_r_${device}`, [3, 4]);
      expect(xa).toBeInstanceOf(Float32Array);
      expect([...xa]).toEqual(new Array(12).fill(0));
      xa.set(xs);
      for (let call = 0; call < 2; call++) {
        const want = await plain.run({
          [`x_p_${device}`]: { data: xs, shape: [3, 4] },
          [`y_p_${device}`]: ys,
        });
        const got = await resident.run({
          [`x_r_${device}`]: { data: xa, shape: [3, 4] },
          [`y_r_${device}`]: ys,
        });
        expect(got.map((t) => [...t.data])).toEqual(want.map((t) => [...t.data]));
      }
      plain.dispose();
      resident.dispose();
    });
  }

  it('cpu: the array lives in the executor memory, so the run copies nothing in; a plain array is copied', async () => {
    const f = await build('cpu', 'c');
    const big = 4096;
    const xa = f.alloc('x_c', [big, 4]);
    // Unmistakably the WebAssembly memory: a view into a larger buffer.
    expect(xa.buffer.byteLength).toBeGreaterThan(xa.byteLength);
    xa.fill(0.5);
    const value = { data: xa, shape: [big, 4] };
    await f.run({ x_c: value, y_c: ys }); // the first run of the size may do one-time work
    expect(await countCopies(big * 4, () => f.run({ x_c: value, y_c: ys }))).toBe(0);
    const copy = Float32Array.from(xa);
    expect(await countCopies(big * 4, () => f.run({ x_c: { data: copy, shape: [big, 4] }, y_c: ys }))).toBe(
      1,
    );
    // Filling in place between runs is what the next run sees.
    xa.fill(0);
    const [, total] = await f.run({ x_c: value, y_c: ys });
    expect(total.item()).toBe(0);
    f.dispose();
  });

  it('js: alloc gives a plain array (the js executor takes inputs by reference anyway)', async () => {
    const f = await build('js', 'j');
    const xa = f.alloc('x_j', [2, 4]);
    expect(xa.buffer.byteLength).toBe(xa.byteLength);
    f.dispose();
  });

  it('refuses an unknown input, a parameter, a wrong shape, a missing shape, and use after dispose', async () => {
    const f = await build('cpu', 'e');
    expect(() => f.alloc('nope', [1, 4])).toThrow(UnknownInputError);
    expect(() => f.alloc('w_e')).toThrow(/parameter/);
    expect(() => f.alloc('x_e', [2, 5])).toThrow(InputShapeError);
    expect(() => f.alloc('x_e')).toThrow(/needs a shape/);
    expect(f.alloc('y_e')).toHaveLength(4);
    f.dispose();
    expect(() => f.alloc('y_e')).toThrow(FunctionUseError);
  });
});
