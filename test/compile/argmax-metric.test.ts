/**
 * The classic accuracy metric, mean(argmax(softmax(x·W + b)) == y): the optimizer drops the softmax
 * (argmax sees only each row's order), and the compiled function agrees with the reference
 * interpreter on the original graph, on the cpu and js executors.
 */
import { describe, expect, it } from 'vitest';
import { compile, evaluate, T, Tensor, topoSort } from '../../src/index.js';
import { optimize } from '../../src/optimize.js';
import { prng } from '../../src/graph/random.js';

const [n, k, classes] = [37, 5, 4];

function metric() {
  const x = T.matrix('x_acc', 'f32', ['n', k]);
  const w = T.matrix('w_acc', 'f32', [k, classes]);
  const b = T.vector('b_acc', 'f32', classes);
  const y = T.vector('y_acc', 'i32', 'n');
  const predicted = T.argmax(T.softmax(T.add(T.dot(x, w), b)), 1);
  return { inputs: [x, w, b, y], accuracy: T.mean(T.eq(predicted, y)) };
}

function values() {
  const random = prng(5);
  const floats = (size: number) => Array.from({ length: size }, () => random() * 4 - 2);
  return {
    x_acc: Tensor.from(floats(n * k), [n, k], 'f32'),
    w_acc: Tensor.from(floats(k * classes), [k, classes], 'f32'),
    b_acc: Tensor.from(floats(classes), [classes], 'f32'),
    y_acc: Tensor.from(
      Array.from({ length: n }, () => Math.floor(random() * classes)),
      [n],
      'i32',
    ),
  };
}

const ops = (outputs: readonly Parameters<typeof topoSort>[0][number][]) =>
  topoSort(outputs).map((m) => m.op);

describe('the accuracy metric argmax(softmax(·))', () => {
  it('optimizes to a graph without softmax, argmax of the logits', () => {
    const { accuracy } = metric();
    const { outputs } = optimize([accuracy]);
    expect(ops([accuracy])).toContain('softmax');
    expect(ops(outputs)).not.toContain('softmax');
    expect(ops(outputs)).not.toContain('exp');
    expect(ops(outputs)).toContain('argmax');
  });

  it.each(['cpu', 'js'] as const)('compiles and runs on %s, equal to the reference', async (device) => {
    const { inputs, accuracy } = metric();
    const v = values();
    const expected = evaluate(accuracy, v).item();
    // A metric that is all right or all wrong would not tell a wrong index from a right one.
    expect(expected).toBeGreaterThan(0);
    expect(expected).toBeLessThan(1);
    const f = await compile({ device, threads: 1, inputs, outputs: [accuracy] });
    expect(ops(f.graph.outputs)).not.toContain('softmax');
    const [got] = await f.run(v);
    expect(got.item()).toBe(expected);
    f.dispose();
  });
});
