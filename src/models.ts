/**
 * Model graphs used by the demo, the benchmarks and the tests, and handy for users trying Saturn:
 * each returns its training step (the cost and its gradients) and its inputs.
 */
import { T } from './graph/builders.js';
import type { DType } from './graph/dtype.js';
import { grad } from './graph/grad.js';
import type { Node } from './graph/node.js';
import type { Dim } from './graph/shape.js';

/**
 * How a model declares its inputs' dims: `named` (`['n', 64]`, sizes that agree by name) or `unknown`
 * (every dim `?`, as `T.matrix('x')` declares them: the optimizer must find which ones agree).
 */
export type Dims = 'named' | 'unknown';

/** The declared shape for `dims`: as written, or every dim unknown. */
function pick(dims: Dims, shape: readonly Dim[]): Dim[] {
  return dims === 'named' ? [...shape] : shape.map(() => '?');
}

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
 * With `dims = 'unknown'` every input is declared as Theano users do, `T.matrix('x')`, with no sizes.
 *
 * @example optimize(logisticRegression().outputs).report.nodesAfter // 17
 */
export function logisticRegression(dtype: DType = 'f64', dims: Dims = 'named'): ModelGraph {
  const x = T.matrix('x', dtype, pick(dims, ['n', 'k']));
  const w = T.vector('w', dtype, pick(dims, ['k'])[0]);
  const b = T.scalar('b', dtype);
  const y = T.vector('y', dtype, pick(dims, ['n'])[0]);
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
  dims: Dims = 'named',
): ModelGraph {
  const { x, labels, params } = perceptronInputs(
    { inputs: 64, hidden: 128, classes: 10, ...sizes },
    dtype,
    dims,
  );
  return training(mlpCost(x, labels, params), params);
}

/** The inputs of a 2-layer perceptron: `x: [n, inputs]`, one-hot `labels: [n, classes]`, `[w1, b1, w2, b2]`. */
function perceptronInputs(
  sizes: { inputs: number; hidden: number; classes: number },
  dtype: DType,
  dims: Dims,
): { x: Node; labels: Node; params: readonly [Node, Node, Node, Node] } {
  const { inputs, hidden, classes } = sizes;
  return {
    x: T.matrix('x', dtype, pick(dims, ['n', inputs])),
    labels: T.matrix('labels', dtype, pick(dims, ['n', classes])),
    params: [
      T.matrix('w1', dtype, pick(dims, [inputs, hidden])),
      T.vector('b1', dtype, pick(dims, [hidden])[0]),
      T.matrix('w2', dtype, pick(dims, [hidden, classes])),
      T.vector('b2', dtype, pick(dims, [classes])[0]),
    ],
  };
}

/** Softmax cross-entropy of `logits` against one-hot `labels`, averaged over rows. */
function softmaxCrossEntropy(logits: Node, labels: Node): Node {
  return T.mean(T.neg(T.sum(T.mul(labels, T.log(T.softmax(logits))), { axis: 1 })));
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
  return softmaxCrossEntropy(T.add(T.dot(h, w2), b2), labels);
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

/**
 * A 2-layer perceptron with a tanh hidden layer, softmax cross-entropy and an L2 penalty on both
 * weight matrices, `1e-4 * (sum(w1**2) + sum(w2**2))`, with the gradients of its four parameters: the
 * model PyTensor was compared on in issue 13 (784 -> hidden -> 10 style; sizes here are smaller).
 *
 * @example tanhMlp({}, 'f32', 'unknown').params.length // 4
 */
export function tanhMlp(
  sizes: { inputs?: number; hidden?: number; classes?: number } = {},
  dtype: DType = 'f32',
  dims: Dims = 'named',
): ModelGraph {
  const { x, labels, params } = perceptronInputs(
    { inputs: 784, hidden: 128, classes: 10, ...sizes },
    dtype,
    dims,
  );
  const [w1, b1, w2, b2] = params;
  const h = T.tanh(T.add(T.dot(x, w1), b1));
  const xent = softmaxCrossEntropy(T.add(T.dot(h, w2), b2), labels);
  const l2 = T.mul(1e-4, T.add(T.sum(T.pow(w1, 2)), T.sum(T.pow(w2, 2))));
  return training(T.add(xent, l2), params);
}

/**
 * Softmax (multinomial logistic) regression: `mean(-sum(labels * log(softmax(x·w + b)), axis=1))`,
 * with the gradients of `w` and `b`.
 *
 * @example softmaxRegression({}, 'f32', 'unknown').params.length // 2
 */
export function softmaxRegression(
  sizes: { inputs?: number; classes?: number } = {},
  dtype: DType = 'f32',
  dims: Dims = 'named',
): ModelGraph {
  const { inputs = 784, classes = 10 } = sizes;
  const x = T.matrix('x', dtype, pick(dims, ['n', inputs]));
  const labels = T.matrix('labels', dtype, pick(dims, ['n', classes]));
  const w = T.matrix('w', dtype, pick(dims, [inputs, classes]));
  const b = T.vector('b', dtype, pick(dims, [classes])[0]);
  return training(softmaxCrossEntropy(T.add(T.dot(x, w), b), labels), [w, b]);
}

/**
 * A 2-layer autoencoder: `h = sigmoid(x·w1 + b1)`, `r = sigmoid(h·w2 + b2)`, binary cross-entropy
 * `mean(-x*log(r) - (1-x)*log(1-r))` against the input, with the gradients of its four parameters.
 *
 * @example autoencoder({}, 'f32', 'unknown').params.length // 4
 */
export function autoencoder(
  sizes: { inputs?: number; hidden?: number } = {},
  dtype: DType = 'f32',
  dims: Dims = 'named',
): ModelGraph {
  const { inputs = 784, hidden = 64 } = sizes;
  const x = T.matrix('x', dtype, pick(dims, ['n', inputs]));
  const w1 = T.matrix('w1', dtype, pick(dims, [inputs, hidden]));
  const b1 = T.vector('b1', dtype, pick(dims, [hidden])[0]);
  const w2 = T.matrix('w2', dtype, pick(dims, [hidden, inputs]));
  const b2 = T.vector('b2', dtype, pick(dims, [inputs])[0]);
  const h = T.sigmoid(T.add(T.dot(x, w1), b1));
  const r = T.sigmoid(T.add(T.dot(h, w2), b2));
  const xent = T.sub(T.mul(T.neg(x), T.log(r)), T.mul(T.sub(1, x), T.log(T.sub(1, r))));
  return training(T.mean(xent), [w1, b1, w2, b2]);
}

function training(cost: Node, params: readonly Node[]): ModelGraph {
  const gradients = grad(cost, params);
  return { cost, params, gradients, outputs: [cost, ...gradients] };
}
