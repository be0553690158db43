/** Every class of bad call raises its documented error, naming the input and both sides. */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CompiledFunction,
  compile,
  DimMismatchError,
  FunctionUseError,
  InputDTypeError,
  InputError,
  InputShapeError,
  MissingInputError,
  T,
  Tensor,
  UnknownInputError,
} from '../../src/index.js';

const x = T.matrix('x', 'f32', ['n', 3]);
const y = T.vector('y', 'f32', 'n');
const k = T.vector('k', 'i32', 2);
let f: CompiledFunction;
let cast: CompiledFunction;
const good = () => ({ x: new Float32Array(6), y: new Float32Array(2), k: new Int32Array(2) });

beforeAll(async () => {
  const outputs = [T.sum(T.dot(x, T.ones([3], 'f32')).add(y)), k.add(1)];
  f = await compile({ device: 'js', inputs: [x, y, k], outputs, mode: 'fast_compile' });
  cast = await compile({ device: 'js', inputs: [x, y, k], outputs, mode: 'fast_compile', allowCast: true });
});

describe('compiled function inputs', () => {
  it('accepts a good call', () => {
    expect(f.runSync(good()).map((t) => t.toArray())).toEqual([0, [1, 1]]);
  });

  it('inputs passed positionally, and run options of the wrong shape', () => {
    const byName = 'run takes the inputs as one object by name, e.g. run({ x: array })';
    const loose = f.runSync.bind(f) as unknown as (...args: unknown[]) => unknown;
    expect(() => loose(new Float32Array(6))).toThrow(new FunctionUseError(byName));
    expect(() => loose([new Float32Array(6), new Float32Array(2)])).toThrow(byName);
    expect(() => loose()).toThrow(byName);
    expect(() => loose(good(), { outputs: 'views' })).toThrow(
      new FunctionUseError(`run option outputs: expected 'copy' or 'view', got "views"`),
    );
    expect(() => loose(good(), 'view')).toThrow(/options must be an object/);
    return expect(f.run(null as never)).rejects.toThrow(byName);
  });

  it('missing input', () => {
    const { y: _y, ...rest } = good();
    expect(() => f.runSync(rest)).toThrow(new MissingInputError('y', 'f32[n]'));
    expect(() => f.runSync(rest)).toThrow("missing value for input 'y' (f32[n])");
  });

  it('extra input', () => {
    expect(() => f.runSync({ ...good(), z: 1 })).toThrow(UnknownInputError);
    expect(() => f.runSync({ ...good(), z: 1 })).toThrow(
      "unknown input 'z' (the function's inputs: x, y, k)",
    );
  });

  it('wrong dtype: a Float64Array for f32 unless allowCast', () => {
    const call = { ...good(), x: new Float64Array(6) };
    expect(() => f.runSync(call)).toThrow(InputDTypeError);
    expect(() => f.runSync(call)).toThrow(
      "input 'x': expected f32 data, got a Float64Array (pass allowCast: true to compile to convert)",
    );
    expect(() => f.runSync({ ...good(), x: Tensor.zeros([2, 3], 'f64') })).toThrow(/got a f64 tensor/);
    expect(() => f.runSync({ ...good(), k: [1.5, 2] })).toThrow(
      "input 'k': expected i32 data, got the value 1.5",
    );
    const converted = cast.runSync({
      ...good(),
      x: new Float64Array([1, 1, 1, 1, 1, 1]),
      k: new Float32Array([2, 3]),
    });
    expect(converted.map((t) => t.toArray())).toEqual([6, [3, 4]]);
  });

  it('wrong shape', () => {
    const call = { ...good(), x: { data: new Float32Array(8), shape: [2, 4] } };
    expect(() => f.runSync(call)).toThrow(InputShapeError);
    expect(() => f.runSync(call)).toThrow("input 'x': got shape [2, 4] where [n, 3] is expected (axis 1)");
    expect(() => f.runSync({ ...good(), x: new Float32Array(7) })).toThrow(
      "input 'x': got shape [7] where [n, 3] is expected (cannot tell the shape from flat values; pass { data, shape })",
    );
    expect(() => f.runSync({ ...good(), k: [[1, 2]] })).toThrow(
      "input 'k': got shape [1, 2] where [2] is expected (rank differs)",
    );
    expect(() => f.runSync({ ...good(), k: new Int32Array(3) })).toThrow(
      /got shape \[3\] where \[2\] is expected/,
    );
  });

  it('ragged nested arrays and non-numbers', () => {
    expect(() =>
      f.runSync({
        ...good(),
        x: [
          [1, 2, 3],
          [4, 5],
        ],
      }),
    ).toThrow("input 'x': got shape [2, 3] where [n, 3] is expected (ragged nested array)");
    expect(() => f.runSync({ ...good(), k: [1, 'a'] as unknown as number[] })).toThrow(
      'input \'k\': expected i32 data, got the element "a"',
    );
  });

  it('a symbolic dim bound to two sizes', () => {
    const call = { ...good(), y: new Float32Array(3) };
    expect(() => f.runSync(call)).toThrow(DimMismatchError);
    expect(() => f.runSync(call)).toThrow(
      "input 'y' has shape [3], so n = 3, but input 'x' has shape [2, 3], so n = 2",
    );
  });

  it('every input error is an InputError, and run rejects with the same errors', async () => {
    await expect(f.run({ ...good(), y: new Float32Array(3) })).rejects.toThrow(DimMismatchError);
    expect(() => f.runSync({ x: 1 })).toThrow(InputError);
  });
});
