/**
 * The cpu argmax/argmin kernel over row lengths 1…20 (the vector quads and every tail length), rows
 * holding a NaN, two NaNs, a tied extreme at every pair of positions, or ±Inf, against the reference.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { T } from '../../../src/graph/builders.js';
import { evaluate } from '../../../src/graph/interpret.js';
import { Tensor } from '../../../src/graph/tensor.js';
import { CpuExecutor, closeCpuPool } from '../../../src/runtime/cpu/executor.js';
import { runOnExecutor } from '../run-program.js';

afterAll(() => closeCpuPool());

/** Rows of length `n`: background values with few distinct levels, then one planted pattern per row. */
function rowsOf(n: number): number[][] {
  const base = (r: number) => Array.from({ length: n }, (_, k) => ((r * 7 + k * 3) % 5) - 2);
  const rows: number[][] = [];
  for (let p = 0; p < n; p++) {
    rows.push(base(rows.length).map((v, k) => (k === p ? Number.NaN : v)));
    rows.push(base(rows.length).map((v, k) => (k === p || k === n - 1 ? Number.NaN : v)));
    rows.push(base(rows.length).map((v, k) => (k === p ? Number.POSITIVE_INFINITY : v)));
    rows.push(base(rows.length).map((v, k) => (k === p ? Number.NEGATIVE_INFINITY : v)));
    for (let q = p + 1; q < n; q++) {
      rows.push(base(rows.length).map((v, k) => (k === p || k === q ? 9 : v)));
      rows.push(base(rows.length).map((v, k) => (k === p || k === q ? -9 : v)));
    }
  }
  return rows;
}

describe('cpu argreduce over every tail length', () => {
  const lengths = Array.from({ length: 20 }, (_, i) => i + 1);
  it.each(lengths)('rows of %i', async (n) => {
    const rows = rowsOf(n);
    const x = T.tensor(`x${n}`, 'f32', [rows.length, n]);
    const outputs = [T.argmax(x, 1), T.argmin(x, 1)];
    const values = { [`x${n}`]: Tensor.from(rows.flat(), [rows.length, n], 'f32') };
    const expected = evaluate(outputs, values);
    const ran = await runOnExecutor(
      new CpuExecutor({ threads: 1 }),
      { outputs, params: [], updates: [], sizes: new Map() },
      values,
    );
    expected.forEach((e, i) =>
      expect(Array.from(ran.outputs[i].data), `output ${i}`).toEqual(Array.from(e.data)),
    );
  });
});
