/**
 * Model graphs used by the demo, the benchmarks and the tests, and handy for users trying Saturn:
 * each returns its training step (the cost and its gradients) and its inputs.
 */
import { T } from './graph/builders.js';
import type { DType } from './graph/dtype.js';
import { grad } from './graph/grad.js';
import type { Node } from './graph/node.js';

/** A model's training step: `outputs` is `[cost, ...gradients]`, one gradient per parameter. */
export interface ModelGraph {
  readonly cost: Node;
  readonly params: readonly Node[];
  readonly gradients: readonly Node[];
  readonly outputs: readonly Node[];
}

/**
 * Logistic regression with an L2 penalty, Theano's classic tutorial model:
 * `mean(-y*log(p) - (1-y)*log(1-p)) + 0.01*sum(w**2)` with `p = sigmoid(dot(x, w) + b)`, and its
 * gradients with respect to `w` and `b`. Inputs `x: [n, k]`, `w: [k]`, `b: []`, `y: [n]`.
 *
 * @example optimize(logisticRegression().outputs).report.nodesAfter // about 20 (the phases have time limits: a loaded machine may stop earlier, with more)
 */
export function logisticRegression(dtype: DType = 'f64'): ModelGraph {
  const x = T.matrix('x', dtype, ['n', 'k']);
  const w = T.vector('w', dtype, 'k');
  const b = T.scalar('b', dtype);
  const y = T.vector('y', dtype, 'n');
  const p = T.sigmoid(T.add(T.dot(x, w), b));
  const xent = T.sub(T.mul(T.neg(y), T.log(p)), T.mul(T.sub(1, y), T.log(T.sub(1, p))));
  const cost = T.add(T.mean(xent), T.mul(0.01, T.sum(T.pow(w, 2))));
  return training(cost, [w, b]);
}

/**
 * A 2-layer perceptron with a ReLU hidden layer and softmax cross-entropy, with its gradients:
 * inputs `x: [n, inputs]`, one-hot `labels: [n, classes]`, weights `w1, b1, w2, b2`.
 *
 * @example mlp({ hidden: 32 }).params.length // 4
 */
export function mlp(
  sizes: { inputs?: number; hidden?: number; classes?: number } = {},
  dtype: DType = 'f32',
): ModelGraph {
  const { inputs = 64, hidden = 128, classes = 10 } = sizes;
  const x = T.matrix('x', dtype, ['n', inputs]);
  const labels = T.matrix('labels', dtype, ['n', classes]);
  const w1 = T.matrix('w1', dtype, [inputs, hidden]);
  const b1 = T.vector('b1', dtype, hidden);
  const w2 = T.matrix('w2', dtype, [hidden, classes]);
  const b2 = T.vector('b2', dtype, classes);
  const h = T.relu(T.add(T.dot(x, w1), b1));
  const probs = T.softmax(T.add(T.dot(h, w2), b2));
  const cost = T.mean(T.neg(T.sum(T.mul(labels, T.log(probs)), { axis: 1 })));
  return training(cost, [w1, b1, w2, b2]);
}

function training(cost: Node, params: readonly Node[]): ModelGraph {
  const gradients = grad(cost, params);
  return { cost, params, gradients, outputs: [cost, ...gradients] };
}
