/**
 * The training steps the cpu and runtime suites time, built once so both time the same graph: the
 * model's cost from src/models.ts over shared parameters, stepped by plain gradient descent.
 */
import type { CompileOptions } from '../src/compile/index.js';
import { T } from '../src/graph/builders.js';
import type { Dim } from '../src/graph/shape.js';
import { logisticCost, mlpCost, sgd } from '../src/models.js';

/** A step for `compile`: the inputs, the cost as its one output, and the parameters' updates. */
export type TrainingStep = Required<Pick<CompileOptions, 'inputs' | 'outputs' | 'updates'>>;

/**
 * Logistic regression over `x: [n, k]`, `y: [n]` f32 with `w` starting at `w0` and `b` at 0.
 *
 * @example logisticTraining('n', 3, new Float32Array(3), 0.1).updates.length // 2
 */
export function logisticTraining(n: Dim, k: number, w0: Float32Array, rate: number): TrainingStep {
  const x = T.matrix('x', 'f32', [n, k]);
  const y = T.vector('y', 'f32', n);
  const w = T.shared('w', w0);
  const b = T.shared('b', 0, 'f32');
  const cost = logisticCost(x, y, w, b);
  return { inputs: [x, y], outputs: [cost], updates: sgd(cost, [w, b], rate) };
}

/**
 * The MLP over `x: [batch, inputs]`, one-hot `labels: [batch, classes]` f32, with `w1`/`w2` starting
 * at the given values and the biases at 0.
 *
 * @example mlpTraining('n', { inputs: 4, hidden: 3, classes: 2 }, new Float32Array(12), new Float32Array(6), 0.1).updates.length // 4
 */
export function mlpTraining(
  batch: Dim,
  sizes: { inputs: number; hidden: number; classes: number },
  w1v: Float32Array,
  w2v: Float32Array,
  rate: number,
): TrainingStep {
  const { inputs, hidden, classes } = sizes;
  const x = T.matrix('x', 'f32', [batch, inputs]);
  const labels = T.matrix('labels', 'f32', [batch, classes]);
  const w1 = T.shared('w1', { data: w1v, shape: [inputs, hidden] });
  const b1 = T.shared('b1', new Float32Array(hidden));
  const w2 = T.shared('w2', { data: w2v, shape: [hidden, classes] });
  const b2 = T.shared('b2', new Float32Array(classes));
  const cost = mlpCost(x, labels, [w1, b1, w2, b2]);
  return { inputs: [x, labels], outputs: [cost], updates: sgd(cost, [w1, b1, w2, b2], rate) };
}
