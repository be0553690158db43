/**
 * WebGPU against the reference and the js executor on lowered graphs: the shared executor parity
 * suite (f64 cases skipped by the executor's capabilities; fewer random cases, since every new fused
 * expression is a shader for the software adapter's LLVM to compile), the model graphs trained with
 * updates, a 100-step training loop, random f32 graphs, and a 16M-element reduction.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apply } from '../../../src/graph/apply.js';
import { T } from '../../../src/graph/builders.js';
import { evaluate } from '../../../src/graph/interpret.js';
import { prng } from '../../../src/graph/random.js';
import { Tensor } from '../../../src/graph/tensor.js';
import { graphInputs } from '../../../src/graph/topo.js';
import { logisticRegression, mlp } from '../../../src/models.js';
import { jsExecutor } from '../../../src/runtime/js/index.js';
import { WebGpuUnsupportedError } from '../../../src/runtime/webgpu/errors.js';
import { WebGpuExecutor } from '../../../src/runtime/webgpu/executor.js';
import { arbGraph } from '../../../src/testing/index.js';
import { describeExecutorParity, modelValues, referenceSteps, sgdUpdates } from '../parity.js';
import { mismatch, runOnExecutor, sizesFrom } from '../run-program.js';
import { gpuContext, noGpu } from './adapter.js';

const webgpu = () => new WebGpuExecutor(gpuContext());

if (!noGpu) describeExecutorParity('webgpu', webgpu, { numRuns: 6, finiteOnly: true, flushSubnormals: true });

describe.skipIf(noGpu)('WebGPU parity on lowered graphs', () => {
  it.each([
    ['logistic regression', () => logisticRegression('f32'), { n: 13, k: 7 }],
    ['mlp', () => mlp({ inputs: 9, hidden: 6, classes: 4 }, 'f32'), { n: 5 }],
  ] as const)('%s f32: 3 training steps with updates match the reference', async (_name, build, dims) => {
    const model = build();
    const values = modelValues(model, dims, 'f32', 7);
    const updates = sgdUpdates(model, 0.5);
    const request = {
      outputs: model.outputs,
      params: model.params,
      updates,
      sizes: sizesFrom(graphInputs(model.outputs), values),
    };
    const ran = await runOnExecutor(webgpu(), request, values, { runs: 3 });
    const reference = referenceSteps(model.outputs, updates, values, 3);
    ran.outputs.forEach((t, i) =>
      expect(mismatch(t, reference.outputs[i], 2e-3), `output ${i}`).toBeUndefined(),
    );
    model.params.forEach((p, i) =>
      expect(mismatch(ran.params[i], reference.params[p.inputName!], 2e-3), p.inputName).toBeUndefined(),
    );
  });

  it.each([
    ['cast(argmax) i32 -> f32', [2, 4]],
    ['cast(argmax) i32 -> f32', [3, 5]],
    ['cast(floor) f32 -> i32', [2, 4]],
    ['cast(floor) f32 -> i32', [3, 5]],
  ] as const)(
    'a cast written in place of its operand reads the operand as its own dtype: %s, %j',
    async (name, shape) => {
      // The memory plan lets cast(i32 -> f32) overwrite its i32 operand (same element size); the
      // shader read those bits as f32 (argmax 1 came out as 1.4e-45), found by the random graphs.
      const x = T.tensor('x', 'f32', [...shape]);
      const y = T.scalar('y', 'f32');
      const inner = name.includes('argmax')
        ? apply('argmax', [T.add(y, x)], { axis: 1, keepdims: true })
        : T.floor(T.mul(T.add(y, x), 7));
      const output = apply('cast', [inner], { dtype: name.includes('argmax') ? 'f32' : 'i32' });
      const size = shape[0] * shape[1];
      const values = {
        x: new Tensor(
          'f32',
          [...shape],
          Float32Array.from({ length: size }, (_, i) => Math.sin(i * 1.7)),
        ),
        y: new Tensor('f32', [], [0.25]),
      };
      const expected = evaluate([output], values)[0];
      for (const fuse of [true, false]) {
        const request = { outputs: [output], params: [], updates: [], sizes: new Map() };
        const ran = await runOnExecutor(webgpu(), request, values, { fuse });
        expect(mismatch(ran.outputs[0], expected, 0), `fuse ${fuse}`).toBeUndefined();
      }
    },
  );

  it('a 100-step logistic-regression training loop matches the js executor', async () => {
    const model = logisticRegression('f32');
    const values = modelValues(model, { n: 64, k: 16 }, 'f32', 11);
    const request = {
      outputs: [model.cost],
      params: model.params,
      updates: sgdUpdates(model, 0.5),
      sizes: sizesFrom(graphInputs(model.outputs), values),
    };
    const gpu = await runOnExecutor(webgpu(), request, values, { runs: 100 });
    const js = await runOnExecutor(jsExecutor, request, values, { runs: 100 });
    expect(mismatch(gpu.outputs[0], js.outputs[0], 1e-3)).toBeUndefined();
    gpu.params.forEach((p, i) => expect(mismatch(p, js.params[i], 1e-3), `param ${i}`).toBeUndefined());
    // The loop did train: the loss after 100 steps is below the initial log(2).
    expect(gpu.outputs[0].data[0]).toBeLessThan(Math.log(2));
  });

  it('random f32 graphs over the op table match the reference (f64 ones are refused)', async () => {
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(arbGraph({ maxSteps: 6, maxRank: 3, maxDim: 4, dtype: 'f32' }), async (g) => {
        const values = Object.fromEntries(
          graphInputs([g.output]).map((n) => [n.inputName!, g.values[n.inputName!]]),
        );
        const [expected] = evaluate([g.output], values);
        try {
          const ran = await runOnExecutor(
            webgpu(),
            { outputs: [g.output], params: [], updates: [], sizes: new Map() },
            values,
          );
          expect(mismatch(ran.outputs[0], expected, 1e-4)).toBeUndefined();
        } catch (e) {
          if (!(e instanceof WebGpuUnsupportedError)) throw e;
          refused++;
        }
      }),
      { numRuns: 12, seed: 42 },
    );
    expect(refused).toBeLessThan(12);
  });

  it.each([
    ['f32', 'argmax'],
    ['f32', 'argmin'],
    ['i32', 'argmax'],
  ] as const)(
    'long rows (a workgroup each) give the %s %s of the reference: ties across threads, NaN, ±Inf',
    async (dtype, op) => {
      // Rows of 1000 and 300 and a flattened 2000: threads own interleaved indices, so a tie or NaN
      // seen by a higher thread first must still lose to the lower index.
      const [rows, length] = [6, 1000];
      const random = prng(3);
      const data = Array.from({ length: rows * length }, () => Math.round(random() * 40 - 20));
      const put = (r: number, k: number, v: number) => (data[r * length + k] = v);
      [
        [0, 700, 50],
        [0, 300, 50],
        [0, 999, 50],
        [1, 900, -50],
        [1, 5, -50],
        [2, 950, Number.NaN],
        [2, 901, Number.NaN],
        [3, 257, Number.POSITIVE_INFINITY],
        [3, 258, Number.NEGATIVE_INFINITY],
      ].forEach(([r, k, v]) => put(r, k, v));
      for (let k = 0; k < length; k++) put(4, k, 7);
      const x = T.tensor('x', dtype, [rows, length]);
      const outputs = [
        T.apply(op, [x], { axis: 1 }),
        T.apply(op, [T.slice(x, { begin: [0, 100], end: [null, 400] })], { axis: 1 }),
        T.apply(op, [T.slice(x, { begin: [1], end: [3] })]),
      ];
      const values = { x: Tensor.from(data, [rows, length], dtype) };
      const expected = evaluate(outputs, values);
      const ran = await runOnExecutor(
        webgpu(),
        { outputs, params: [], updates: [], sizes: new Map() },
        values,
      );
      expected.forEach((e, i) =>
        expect(Array.from(ran.outputs[i].data), `output ${i}`).toEqual(Array.from(e.data)),
      );
    },
  );

  it('sums 16M elements (two passes) within f32 accuracy', async () => {
    const n = 16 * 1024 * 1024;
    const x = T.vector('x', 'f32', 'n');
    const data = new Float32Array(n);
    let exact = 0;
    for (let i = 0; i < n; i++) {
      data[i] = ((i * 2654435761) % 1000) / 1000;
      exact += data[i];
    }
    const ran = await runOnExecutor(
      webgpu(),
      { outputs: [T.sum(x)], params: [], updates: [], sizes: new Map([['n', n]]) },
      { x: Tensor.fromTypedArray(data, [n], 'f32') },
    );
    expect(Math.abs((ran.outputs[0].data[0] - exact) / exact)).toBeLessThan(1e-5);
  });
});
