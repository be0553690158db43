/**
 * The executor parity suite: every executor runs the same programs and must agree with the reference
 * interpreter. Executors call {@link describeExecutorParity} from their own test file:
 *
 * ```ts
 * describeExecutorParity('js', () => jsExecutor);
 * describeExecutorParity('webgpu', makeWebGpu, { tolerance: { f32: 1e-3 } }); // f64 graphs skipped
 * ```
 *
 * Graphs holding a dtype outside the executor's capabilities (or `options.dtypes`) are skipped.
 */
import { describe, expect, it } from 'vitest';
import type { DType } from '../../src/graph/dtype.js';
import { evaluate } from '../../src/graph/interpret.js';
import type { Node } from '../../src/graph/node.js';
import { Tensor } from '../../src/graph/tensor.js';
import { graphInputs } from '../../src/graph/topo.js';
import { logisticRegression, mlp, type ModelGraph } from '../../src/models.js';
import type { Executor } from '../../src/runtime/executor.js';
import { prng } from '../../src/graph/random.js';
import {
  mismatch,
  type ParityOptions,
  runOnExecutor,
  runsEveryDType,
  sizesFrom,
  TOLERANCE,
} from './run-program.js';
import { describeKernelParity } from './parity-kernels.js';

/** Values for a model's inputs: features in [-1, 1], 0/1 targets (one-hot rows for 2-D labels). */
export function modelValues(
  model: ModelGraph,
  dims: Readonly<Record<string, number>>,
  dtype: DType,
  seed: number,
): Record<string, Tensor> {
  const random = prng(seed);
  const values: Record<string, Tensor> = {};
  for (const input of graphInputs(model.outputs)) {
    const shape = input.shape.map((d) => (typeof d === 'number' ? d : dims[d]));
    const size = shape.reduce((a, b) => a * b, 1);
    const name = input.inputName!;
    let data: number[];
    if (name === 'y') data = Array.from({ length: size }, () => (random() < 0.5 ? 0 : 1));
    else if (name === 'labels') {
      const classes = shape[1];
      data = new Array<number>(size).fill(0);
      for (let r = 0; r < shape[0]; r++) data[r * classes + Math.floor(random() * classes)] = 1;
    } else data = Array.from({ length: size }, () => (random() * 2 - 1) * 0.5);
    values[name] = Tensor.from(data, shape, dtype);
  }
  return values;
}

/** The reference of `runs` training steps: outputs of the last run and the final parameters. */
export function referenceSteps(
  outputs: readonly Node[],
  updates: readonly (readonly [Node, Node])[],
  values: Record<string, Tensor>,
  runs: number,
): { outputs: Tensor[]; params: Record<string, Tensor> } {
  let current = { ...values };
  let last: Tensor[] = [];
  for (let r = 0; r < runs; r++) {
    const all = evaluate([...outputs, ...updates.map(([, v]) => v)], current);
    last = all.slice(0, outputs.length);
    const next = { ...current };
    updates.forEach(([p], i) => (next[p.inputName!] = all[outputs.length + i]));
    current = next;
  }
  return {
    outputs: last,
    params: Object.fromEntries(updates.map(([p]) => [p.inputName!, current[p.inputName!]])),
  };
}

/** Gradient-descent updates `p ← p - rate * g` for a model's parameters. */
export function sgdUpdates(model: ModelGraph, rate: number): [Node, Node][] {
  return model.params.map((p, i) => [p, p.sub(model.gradients[i].mul(rate))]);
}

/** Float32 rounds every op: after a few steps errors compound, so the model tests allow a bit more. */
const MODEL_TOLERANCE: Record<DType, number> = { ...TOLERANCE, f32: 2e-3 };

function describeModelParity(makeExecutor: () => Executor | Promise<Executor>, options: ParityOptions): void {
  const cases: [string, () => ModelGraph, Record<string, number>, DType][] = [
    ['logistic regression f64', () => logisticRegression('f64'), { n: 13, k: 7 }, 'f64'],
    ['logistic regression f32', () => logisticRegression('f32'), { n: 13, k: 7 }, 'f32'],
    ['mlp f32', () => mlp({ inputs: 9, hidden: 6, classes: 4 }, 'f32'), { n: 5 }, 'f32'],
    ['mlp f64', () => mlp({ inputs: 9, hidden: 6, classes: 4 }, 'f64'), { n: 5 }, 'f64'],
  ];
  for (const [name, build, dims, dtype] of cases)
    for (const fuse of [true, false])
      it(`${name}: 3 training steps with updates match the reference (${fuse ? 'fused' : 'unfused'})`, async () => {
        const executor = await makeExecutor();
        const model = build();
        const updates = sgdUpdates(model, 0.5);
        if (!runsEveryDType(executor, [...model.outputs, ...updates.map(([, v]) => v)], options)) return;
        const values = modelValues(model, dims, dtype, 7);
        const inputs = graphInputs(model.outputs);
        const ran = await runOnExecutor(
          executor,
          { outputs: model.outputs, params: model.params, updates, sizes: sizesFrom(inputs, values) },
          values,
          { runs: 3, fuse, poison: true },
        );
        const reference = referenceSteps(model.outputs, updates, values, 3);
        const rtol = options.tolerance?.[dtype] ?? MODEL_TOLERANCE[dtype];
        ran.outputs.forEach((t, i) =>
          expect(mismatch(t, reference.outputs[i], rtol), `output ${i}`).toBeUndefined(),
        );
        model.params.forEach((p, i) =>
          expect(mismatch(ran.params[i], reference.params[p.inputName!], rtol), p.inputName).toBeUndefined(),
        );
      });
}

/**
 * The whole parity suite for one executor: every kernel kind on random shapes and values, fused and
 * unfused programs, poisoned memory, and the model graphs trained for a few steps with updates.
 */
export function describeExecutorParity(
  name: string,
  makeExecutor: () => Executor | Promise<Executor>,
  options: ParityOptions = {},
): void {
  describe(`executor parity: ${name}`, () => {
    describeKernelParity(makeExecutor, options);
    describe('model graphs', () => describeModelParity(makeExecutor, options));
  });
}
