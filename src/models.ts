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
  return training(logisticCost(x, y, w, b), [w, b]);
}

/**
 * {@link logisticRegression}'s cost over nodes of the caller's choosing (inputs, or shared variables
 * a compiled step updates), so every user of the model builds the same graph.
 *
 * @example logisticCost(T.matrix('x'), T.vector('y'), T.vector('w'), T.scalar('b')).shape // []
 */
export function logisticCost(x: Node, y: Node, w: Node, b: Node): Node {
  const p = T.sigmoid(T.add(T.dot(x, w), b));
  const xent = T.sub(T.mul(T.neg(y), T.log(p)), T.mul(T.sub(1, y), T.log(T.sub(1, p))));
  return T.add(T.mean(xent), T.mul(0.01, T.sum(T.pow(w, 2))));
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
  const params = [w1, b1, w2, b2] as const;
  return training(mlpCost(x, labels, params), params);
}

/**
 * {@link mlp}'s cost over nodes of the caller's choosing (inputs, or shared variables a compiled step
 * updates): `params` are `[w1, b1, w2, b2]`.
 *
 * @example mlpCost(T.matrix('x'), T.matrix('labels'), [T.matrix('w1'), T.vector('b1'), T.matrix('w2'), T.vector('b2')]).shape // []
 */
export function mlpCost(x: Node, labels: Node, params: readonly [Node, Node, Node, Node]): Node {
  const [w1, b1, w2, b2] = params;
  const h = T.relu(T.add(T.dot(x, w1), b1));
  const probs = T.softmax(T.add(T.dot(h, w2), b2));
  return T.mean(T.neg(T.sum(T.mul(labels, T.log(probs)), { axis: 1 })));
}

/**
 * Plain gradient-descent updates `[param, param - rate * gradient]` for `compile`'s `updates`, the
 * step the benchmarks and tests train with.
 *
 * @example
 * const model = logisticRegression();
 * sgd(model.cost, model.params, 0.1).length // 2
 */
export function sgd(cost: Node, params: readonly Node[], rate: number): (readonly [Node, Node])[] {
  const grads = grad(cost, params);
  return params.map((p, i) => [p, p.sub(grads[i].mul(rate))] as const);
}

function training(cost: Node, params: readonly Node[]): ModelGraph {
  const gradients = grad(cost, params);
  return { cost, params, gradients, outputs: [cost, ...gradients] };
}
