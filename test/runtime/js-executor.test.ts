import { describe, expect, it } from 'vitest';
import { T } from '../../src/graph/builders.js';
import type { TypedArray } from '../../src/graph/tensor.js';
import type { KernelTiming } from '../../src/runtime/executor.js';
import { jsExecutor } from '../../src/runtime/js/index.js';
import { lower } from '../../src/runtime/lower.js';

/** The elements of a non-i64 typed array. */
const numbers = (a: TypedArray) => Array.from(a as Float32Array);

describe('JS executor', () => {
  const x = T.vector('jx', 'f32', 'n');
  const w = T.vector('jw', 'f32', 'n');
  const program = lower({
    outputs: [T.sum(T.mul(x, w)), T.exp(x)],
    params: [w],
    updates: [[w, T.add(w, x)]],
    sizes: new Map([['n', 3]]),
  });
  const [input] = program.inputs;
  const [param] = program.params;

  it('reads a lent input in place, converts other arrays into its own, never into a lent one', () => {
    const p = jsExecutor.prepare(program);
    const lent = new Float32Array([1, 2, 3]);
    p.write(input, lent);
    p.write(param, new Float64Array([1, 1, 1]));
    p.run();
    expect(numbers(p.read(program.outputs[0]))).toEqual([6]);
    p.write(input, new Float64Array([0, 0, 0]));
    expect(Array.from(lent)).toEqual([1, 2, 3]);
    p.run();
    expect(numbers(p.read(program.outputs[1]))).toEqual([1, 1, 1]);
  });

  it('copies parameters, applies updates after the run from pre-call values, reads fresh arrays', () => {
    const p = jsExecutor.prepare(program);
    const start = new Float32Array([1, 2, 3]);
    p.write(param, start);
    start[0] = 100;
    p.write(input, new Float32Array([1, 1, 1]));
    p.run();
    // The output used w before the update; w took w + x after.
    expect(numbers(p.read(program.outputs[0]))).toEqual([6]);
    const after = p.read(param);
    expect(numbers(after)).toEqual([2, 3, 4]);
    (after as Float32Array)[0] = -1;
    expect(numbers(p.read(param))).toEqual([2, 3, 4]);
  });

  it('reports one timing per kernel when asked, and refuses a wrong length', () => {
    const p = jsExecutor.prepare(program);
    p.write(input, new Float32Array(3));
    const timings: KernelTiming[] = [];
    p.run(timings);
    expect(timings.map((t) => t.kernel)).toEqual(program.kernels.map((_, i) => i));
    expect(() => p.write(input, new Float32Array(4))).toThrow('buffer jx: 4 values for 3 elements');
  });

  it('reads i64 values as BigInt64Array', () => {
    const i = T.vector('ji', 'i32', 'n');
    const sum = lower({ outputs: [T.sum(i)], params: [], updates: [], sizes: new Map([['n', 2]]) });
    const p = jsExecutor.prepare(sum);
    p.write(sum.inputs[0], new Int32Array([2 ** 31 - 1, 2 ** 31 - 1]));
    p.run();
    expect(p.read(sum.outputs[0])).toEqual(BigInt64Array.from([2n ** 32n - 2n]));
  });
});
