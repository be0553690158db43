import { describe, expect, it, vi } from 'vitest';
import {
  compile,
  CompileError,
  DeviceError,
  FunctionUseError,
  T,
  Tensor,
  UnknownInputError,
  UnsupportedDTypeError,
  UpdateError,
} from '../../src/index.js';
import { DEVICES } from '../../src/runtime/devices.js';
import { jsExecutor, JsPreparedProgram } from '../../src/runtime/js/executor.js';

// Most tests compile with fast_compile: they are about the function, not the optimizer.
const mode = 'fast_compile';

describe('compile: updates (Theano semantics)', () => {
  it('computes every update from the pre-call values, then writes them all', async () => {
    const a = T.shared('a_u1', 1, 'f32');
    const b = T.shared('b_u1', 2, 'f32');
    // A swap only works if neither write is seen by the other update; the output sees pre-call a.
    const f = await compile({
      device: 'js',
      inputs: [],
      outputs: [a.add(b.mul(10))],
      updates: [
        [a, b],
        [b, a],
      ],
      mode,
    });
    expect(f.runSync({})[0].item()).toBe(21);
    expect([f.getSync(a).item(), f.getSync(b).item()]).toEqual([2, 1]);
    expect((await f.run({}))[0].item()).toBe(12);
    expect([(await f.get(a)).item(), (await f.get(b)).item()]).toEqual([1, 2]);
  });

  it('returns the pre-call value of an updated parameter that is also an output', async () => {
    const w = T.shared('w_u2', [1, 2], 'f32');
    const f = await compile({ device: 'js', inputs: [], outputs: [w], updates: [[w, w.mul(3)]], mode });
    expect(f.runSync({})[0].toArray()).toEqual([1, 2]);
    expect(f.runSync({})[0].toArray()).toEqual([3, 6]);
    expect(f.getSync(w).toArray()).toEqual([9, 18]);
  });

  it('refuses an update whose dtype or shape differs from its parameter, naming both', async () => {
    const w = T.shared('w_u3', [1, 2, 3], 'f32');
    const x = T.vector('x_u3', 'f32', 3);
    await expect(
      compile({ device: 'js', inputs: [x], outputs: [], updates: [[w, w.cast('f64')]] }),
    ).rejects.toThrow(
      new UpdateError("updates: the new value of 'w_u3' is f64[3] but 'w_u3' is f32[3]; they must be equal"),
    );
    await expect(
      compile({ device: 'js', inputs: [x], outputs: [], updates: [[w, w.sum()]] }),
    ).rejects.toThrow(/new value of 'w_u3' is f32\[\] but 'w_u3' is f32\[3\]/);
    await expect(
      compile({ device: 'js', inputs: [x], outputs: [], updates: [[x, x.mul(2)]] }),
    ).rejects.toThrow(/'x_u3' is not a shared variable/);
    await expect(
      compile({
        device: 'js',
        inputs: [x],
        outputs: [],
        updates: [
          [w, w.mul(2)],
          [w, w.mul(3)],
        ],
      }),
    ).rejects.toThrow(/updated twice/);
  });
});

describe('compile: parameters', () => {
  it('round-trips get and set, checking the value like an input', async () => {
    const w = T.shared('w_p1', [0, 0, 0], 'f32');
    const x = T.vector('x_p1', 'f32', 3);
    const f = await compile({ device: 'js', inputs: [x], outputs: [T.sum(x.mul(w))], mode });
    f.set(w, new Float32Array([1, 2, 3]));
    expect(f.getSync(w).toArray()).toEqual([1, 2, 3]);
    expect(f.getSync('w_p1').array).toBeInstanceOf(Float32Array);
    expect(f.runSync({ x_p1: [1, 1, 1] })[0].item()).toBe(6);
    f.set('w_p1', [4, 5, 6]);
    expect((await f.get(w)).toArray()).toEqual([4, 5, 6]);
    expect(f.runSync({ x_p1: [1, 1, 1] })[0].item()).toBe(15);
    expect(() => f.set(w, [1, 2])).toThrow(/input 'w_p1': got shape \[2\] where \[3\] is expected/);
    expect(() => f.set(w, new Float64Array(3))).toThrow(/expected f32 data, got a Float64Array/);
    expect(() => f.getSync(x)).toThrow(FunctionUseError);
    expect(() => f.runSync({ x_p1: [1, 1, 1], w_p1: [1, 1, 1] })).toThrow(
      new UnknownInputError('w_p1', ['x_p1'], true),
    );
    expect(() => f.runSync({ x_p1: [1, 1, 1], w_p1: [1, 1, 1] })).toThrow(
      "'w_p1' is a parameter (shared variable) of this function, not an input; change it with set()",
    );
    expect(() => f.getSync('nope')).toThrow(
      /'nope' is not a parameter of this function \(parameters: w_p1\)/,
    );
  });

  it('starts from the declared value and never writes into it', async () => {
    const init = Tensor.from([1, 2], [2], 'f32');
    const w = T.shared('w_p2', init);
    const f = await compile({ device: 'js', inputs: [], outputs: [], updates: [[w, w.add(1)]], mode });
    f.runSync({});
    expect(f.getSync(w).toArray()).toEqual([2, 3]);
    expect(init.toArray()).toEqual([1, 2]);
    const g = await compile({ device: 'js', inputs: [], outputs: [w], mode });
    expect(g.runSync({})[0].toArray()).toEqual([1, 2]);
  });
});

describe('compile: checks at compile time', () => {
  it('requires every non-shared input of the graph to be listed', async () => {
    const x = T.vector('x_c1', 'f32', 'n');
    const y = T.vector('y_c1', 'f32', 'n');
    await expect(compile({ device: 'js', inputs: [x], outputs: [x.add(y)] })).rejects.toThrow(
      new CompileError("the outputs depend on input 'y_c1' (f32[n]), which is not among inputs"),
    );
    await expect(compile({ device: 'js', inputs: [x.exp()], outputs: [] })).rejects.toThrow(
      /is not an input/,
    );
    await expect(compile({ device: 'js', inputs: [x, x], outputs: [] })).rejects.toThrow(/listed twice/);
    const w = T.shared('w_c1', 1);
    await expect(compile({ device: 'js', inputs: [w], outputs: [] })).rejects.toThrow(
      /'w_c1' is a shared variable/,
    );
  });

  it('names the field when the options are not shaped as compile expects', async () => {
    const x = T.vector('x_c4', 'f32', 2);
    const positional = compile as unknown as (...args: unknown[]) => Promise<unknown>;
    await expect(positional([x], [x.exp()])).rejects.toThrow(/compile takes one options object/);
    const loose = compile as unknown as (options: Record<string, unknown>) => Promise<unknown>;
    await expect(loose({ inputs: [x], outputs: 'view' })).rejects.toThrow(
      new CompileError('outputs: expected an array of graph nodes, got the string "view"'),
    );
    await expect(loose({ inputs: [x], outputs: [x, 3] })).rejects.toThrow(
      new CompileError('outputs[1]: expected a graph node, got number 3'),
    );
    await expect(loose({ inputs: x, outputs: [x] })).rejects.toThrow(
      /inputs: expected an array of graph nodes, got a Node/,
    );
    await expect(loose({ inputs: [x], outputs: [x], updates: [[x]] })).rejects.toThrow(
      /updates\[0\]: expected a pair/,
    );
  });

  it('refuses dtypes the executor cannot run, with the reason', async () => {
    const k = T.vector('k_c2', 'i64', 2);
    await expect(compile({ device: 'js', inputs: [k], outputs: [k.add(1)], mode })).rejects.toThrow(
      UnsupportedDTypeError,
    );
    await expect(compile({ device: 'js', inputs: [k], outputs: [k.add(1)], mode })).rejects.toThrow(
      /device 'js' cannot run i64 \(input 'k_c2' is i64; it runs f32, f64, i32, bool\)/,
    );
  });

  it('chooses the device: js by name, the best available under auto, an error for missing ones', async () => {
    const x = T.vector('x_c3', 'f32', 2);
    const js = await compile({ device: 'js', inputs: [x], outputs: [x], mode });
    expect(js.report.deviceReason).toMatch(/^requested: js/);
    const auto = await compile({ inputs: [x], outputs: [x], mode });
    expect(DEVICES.map((d) => d.name)).toContain(auto.device);
    expect(auto.report.device).toBe(auto.device);
    expect(auto.report.deviceReason).toMatch(new RegExp(`^auto: ${auto.device} `));
    await expect(compile({ inputs: [x], outputs: [x], device: 'nope' as 'js' })).rejects.toThrow(DeviceError);
  });
});

describe('compile: calls', () => {
  it('takes typed arrays, { data, shape }, tensors and nested arrays; returns tensors', async () => {
    const x = T.matrix('x_k1', 'f32', ['n', 2]);
    const f = await compile({ device: 'js', inputs: [x], outputs: [T.sum(x, { axis: 1 })], mode });
    const expected = [3, 7];
    expect(f.runSync({ x_k1: new Float32Array([1, 2, 3, 4]) })[0].toArray()).toEqual(expected);
    expect(f.runSync({ x_k1: { data: [1, 2, 3, 4], shape: [2, 2] } })[0].toArray()).toEqual(expected);
    expect(f.runSync({ x_k1: Tensor.from([1, 2, 3, 4], [2, 2], 'f32') })[0].toArray()).toEqual(expected);
    const [out] = f.runSync({
      x_k1: [
        [1, 2],
        [3, 4],
      ],
    });
    expect(out.toArray()).toEqual(expected);
    expect(out.array).toBeInstanceOf(Float32Array);
    expect([out.dtype, out.shape]).toEqual(['f32', [2]]);
  });

  it('gives the same results from run and runSync', async () => {
    const x = T.vector('x_k2', 'f32', 'n');
    const f = await compile({ device: 'js', inputs: [x], outputs: [T.exp(x).mul(2), T.sum(x)], mode });
    const data = new Float32Array([0.5, -1, 2]);
    const sync = f.runSync({ x_k2: data }).map((t) => Array.from(t.array as Float32Array));
    const async = (await f.run({ x_k2: data })).map((t) => Array.from(t.array as Float32Array));
    expect(async).toEqual(sync);
    expect(f.sync).toBe(true);
  });

  it('lowers once per size signature and carries parameters across signatures', async () => {
    const x = T.vector('x_k3', 'f32', 'n');
    const count = T.shared('count_k3', 0, 'f32');
    const f = await compile({
      device: 'js',
      inputs: [x],
      outputs: [T.sum(x)],
      updates: [[count, count.add(1)]],
      mode,
    });
    const prepare = vi.spyOn(jsExecutor, 'prepare');
    expect(f.runSync({ x_k3: [1, 2] })[0].item()).toBe(3);
    expect(f.runSync({ x_k3: [1, 2, 3] })[0].item()).toBe(6);
    expect((await f.run({ x_k3: [5, 5] }))[0].item()).toBe(10);
    expect(f.runSync({ x_k3: [1, 2, 3] })[0].item()).toBe(6);
    expect(prepare).toHaveBeenCalledTimes(2);
    prepare.mockRestore();
    expect(f.report.programs.map((p) => p.sizes)).toEqual([{ n: 2 }, { n: 3 }]);
    expect(f.getSync(count).item()).toBe(4);
  });

  it('prepares at compile time when every dim is known', async () => {
    const x = T.vector('x_k4', 'f32', 4);
    const f = await compile({ device: 'js', inputs: [x], outputs: [x.exp().add(1)], mode });
    expect(f.report.programs).toHaveLength(1);
    expect(f.report.programs[0].kernels.map((k) => k.kind)).toEqual(['elementwise']);
    expect(f.report.format()).toMatch(/program {2}static shapes: 1 kernel: \w+ \(exp add\)/);
  });

  it('frees its programs on dispose and refuses calls afterwards', async () => {
    const x = T.vector('x_k5', 'f32', 2);
    const w = T.shared('w_k5', [1, 1], 'f32');
    const f = await compile({ device: 'js', inputs: [x], outputs: [x.mul(w)], mode });
    const disposed = vi.spyOn(JsPreparedProgram.prototype, 'dispose');
    f.runSync({ x_k5: [1, 2] });
    f.dispose();
    expect(disposed).toHaveBeenCalledTimes(1);
    disposed.mockRestore();
    expect(() => f.runSync({ x_k5: [1, 2] })).toThrow(
      new FunctionUseError('this compiled function was disposed'),
    );
    await expect(f.run({ x_k5: [1, 2] })).rejects.toThrow(FunctionUseError);
    expect(() => f.getSync(w)).toThrow(FunctionUseError);
    f.dispose();
  });
});
