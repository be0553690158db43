/**
 * The tanh MLP the optimizer-speed issue (issue 12) measured against PyTensor: a tanh hidden layer,
 * softmax cross-entropy, an L2 penalty on both weight matrices, and the gradients for all four
 * parameters. Shared by the optimize benchmark and the determinism test.
 */
import { T } from '../src/graph/builders.js';
import { grad } from '../src/graph/grad.js';
import type { Node } from '../src/graph/node.js';

/**
 * `[cost, dw1, db1, dw2, db2]` for `cost = mean(-sum(labels * log(softmax(tanh(x·w1 + b1)·w2 + b2)),
 * axis=1)) + 0.001 * (sum(w1²) + sum(w2²))`, f32, 64 inputs, 128 hidden units, 10 classes.
 *
 * @example optimize(tanhMlp()).report.nodesBefore // 58
 */
export function tanhMlp(): Node[] {
  const x = T.matrix('x', 'f32', ['n', 64]);
  const labels = T.matrix('labels', 'f32', ['n', 10]);
  const w1 = T.matrix('w1', 'f32', [64, 128]);
  const b1 = T.vector('b1', 'f32', 128);
  const w2 = T.matrix('w2', 'f32', [128, 10]);
  const b2 = T.vector('b2', 'f32', 10);
  const h = T.tanh(T.add(T.dot(x, w1), b1));
  const probs = T.softmax(T.add(T.dot(h, w2), b2));
  const xent = T.mean(T.neg(T.sum(T.mul(labels, T.log(probs)), { axis: 1 })));
  const l2 = T.mul(0.001, T.add(T.sum(T.sqr(w1)), T.sum(T.sqr(w2))));
  const cost = T.add(xent, l2);
  return [cost, ...grad(cost, [w1, b1, w2, b2])];
}
