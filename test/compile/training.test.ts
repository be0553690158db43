/** A real training run: 100 steps of logistic regression compiled with shared w, b and updates. */
import { describe, expect, it } from 'vitest';
import { prng } from '../../src/graph/random.js';
import { compile, evaluate, grad, T, Tensor } from '../../src/index.js';

const n = 64;
const k = 5;

function data() {
  const rand = prng(11);
  const truth = Array.from({ length: k }, () => rand() * 2 - 1);
  const xs = Float32Array.from({ length: n * k }, () => rand() * 2 - 1);
  const ys = Float32Array.from({ length: n }, (_, i) => {
    let z = 0;
    for (let j = 0; j < k; j++) z += xs[i * k + j] * truth[j];
    return z > 0 ? 1 : 0;
  });
  return { xs, ys };
}

describe('compiled training', () => {
  it('reduces the loss over 100 steps and matches the reference interpreter within f32 tolerance', async () => {
    const x = T.matrix('x', 'f32', ['n', k]);
    const y = T.vector('y', 'f32', 'n');
    const w = T.shared('w', Tensor.zeros([k], 'f32'));
    const b = T.shared('b', 0, 'f32');
    const p = T.sigmoid(T.add(T.dot(x, w), b));
    const cost = T.mean(T.sub(T.mul(T.neg(y), T.log(p)), T.mul(T.sub(1, y), T.log(T.sub(1, p)))));
    const [gw, gb] = grad(cost, [w, b]);
    const newW = w.sub(gw.mul(0.5));
    const newB = b.sub(gb.mul(0.5));
    const step = await compile({
      device: 'js',
      inputs: [x, y],
      outputs: [cost],
      updates: [
        [w, newW],
        [b, newB],
      ],
    });

    const { xs, ys } = data();
    const losses: number[] = [];
    for (let i = 0; i < 100; i++) losses.push(step.runSync({ x: xs, y: ys })[0].item());

    let wRef = Tensor.zeros([k], 'f32');
    let bRef = Tensor.scalar(0, 'f32');
    const refLosses: number[] = [];
    const xT = Tensor.from(xs, [n, k], 'f32');
    const yT = Tensor.from(ys, [n], 'f32');
    for (let i = 0; i < 100; i++) {
      const [c, w1, b1] = evaluate([cost, newW, newB], { x: xT, y: yT, w: wRef, b: bRef });
      refLosses.push(c.item());
      [wRef, bRef] = [w1, b1];
    }

    expect(losses[99]).toBeLessThan(losses[0] * 0.5);
    for (let i = 0; i < 100; i++) expect(losses[i]).toBeCloseTo(refLosses[i], 4);
    const wOut = step.getSync(w).toArray() as number[];
    wOut.forEach((v, j) => expect(Math.abs(v - wRef.data[j])).toBeLessThan(1e-4 * Math.max(1, Math.abs(v))));
    expect(step.getSync(b).item()).toBeCloseTo(bRef.item(), 4);
  }, 60_000);
});

describe('compiled MLP step', () => {
  it('matches the reference interpreter over 5 steps (cost and all four parameters)', async () => {
    const [batch, inputs, hidden, classes] = [6, 8, 5, 3];
    const rand = prng(5);
    const init = (n: number) => Float32Array.from({ length: n }, () => (rand() * 2 - 1) * 0.5);
    const xs = init(batch * inputs);
    const labels = new Float32Array(batch * classes);
    for (let i = 0; i < batch; i++) labels[i * classes + (i % classes)] = 1;
    const x = T.matrix('x', 'f32', ['n', inputs]);
    const lab = T.matrix('labels', 'f32', ['n', classes]);
    const w1 = T.shared('w1', { data: init(inputs * hidden), shape: [inputs, hidden] });
    const b1 = T.shared('b1', init(hidden));
    const w2 = T.shared('w2', { data: init(hidden * classes), shape: [hidden, classes] });
    const b2 = T.shared('b2', init(classes));
    const h = T.relu(T.add(T.dot(x, w1), b1));
    const probs = T.softmax(T.add(T.dot(h, w2), b2));
    const cost = T.mean(T.neg(T.sum(T.mul(lab, T.log(probs)), { axis: 1 })));
    const params = [w1, b1, w2, b2];
    const grads = grad(cost, params);
    const updates = params.map((p, i) => [p, p.sub(grads[i].mul(0.5))] as const);
    const step = await compile({ device: 'js', inputs: [x, lab], outputs: [cost], updates });

    const ref: Record<string, Tensor> = {
      x: Tensor.from(xs, [batch, inputs], 'f32'),
      labels: Tensor.from(labels, [batch, classes], 'f32'),
    };
    for (const p of params) ref[p.inputName!] = Tensor.from(step.getSync(p).data, p.shape as number[], 'f32');
    for (let i = 0; i < 5; i++) {
      const [c] = step.runSync({ x: xs, labels });
      const [refCost, ...next] = evaluate([cost, ...updates.map(([, v]) => v)], ref);
      expect(c.item()).toBeCloseTo(refCost.item(), 4);
      params.forEach((p, j) => (ref[p.inputName!] = next[j]));
    }
    for (const p of params) {
      const got = step.getSync(p).data;
      ref[p.inputName!].data.forEach((v, j) => expect(Math.abs(got[j] - v)).toBeLessThan(1e-4));
    }
  }, 60_000);
});
