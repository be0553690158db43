/**
 * Hand-written JavaScript doing the work of the runtime benchmark's compiled functions on the same
 * typed arrays: the baselines a user would write without Saturn (float32 storage, float64 math).
 */

/** One logistic-regression training step, as `compile` gets it: cost, gradients, updates of w and b. */
export function logisticStepByHand(
  x: Float32Array,
  y: Float32Array,
  w: Float32Array,
  b: Float32Array,
  n: number,
  k: number,
  rate: number,
  scratch: { d: Float32Array; gw: Float32Array },
): number {
  const { d, gw } = scratch;
  let cost = 0;
  let gb = 0;
  const bias = b[0];
  for (let i = 0; i < n; i++) {
    let z = bias;
    const row = i * k;
    for (let j = 0; j < k; j++) z += x[row + j] * w[j];
    const p = 1 / (1 + Math.exp(-z));
    cost += -y[i] * Math.log(p) - (1 - y[i]) * Math.log(1 - p);
    const di = (p - y[i]) / n;
    d[i] = di;
    gb += di;
  }
  let l2 = 0;
  for (let j = 0; j < k; j++) {
    gw[j] = 0.02 * w[j];
    l2 += w[j] * w[j];
  }
  for (let i = 0; i < n; i++) {
    const row = i * k;
    const di = d[i];
    for (let j = 0; j < k; j++) gw[j] += x[row + j] * di;
  }
  for (let j = 0; j < k; j++) w[j] -= rate * gw[j];
  b[0] = bias - rate * gb;
  return cost / n + 0.01 * l2;
}

/** The MLP's weights and the activations its step needs. */
export interface MlpState {
  readonly w1: Float32Array;
  readonly b1: Float32Array;
  readonly w2: Float32Array;
  readonly b2: Float32Array;
  readonly h: Float32Array;
  readonly probs: Float32Array;
  readonly dh: Float32Array;
  readonly gw1: Float32Array;
  readonly gw2: Float32Array;
}

export function mlpState(
  inputs: number,
  hidden: number,
  classes: number,
  batch: number,
  w1: Float32Array,
  w2: Float32Array,
): MlpState {
  return {
    w1,
    b1: new Float32Array(hidden),
    w2,
    b2: new Float32Array(classes),
    h: new Float32Array(batch * hidden),
    probs: new Float32Array(batch * classes),
    dh: new Float32Array(batch * hidden),
    gw1: new Float32Array(inputs * hidden),
    gw2: new Float32Array(hidden * classes),
  };
}

/** `out[m×n] (+)= a[m×k] · b[k×n]`, row-major, i-k-j order so the inner loop runs along rows. */
function matmul(out: Float32Array, a: Float32Array, b: Float32Array, m: number, k: number, n: number): void {
  out.fill(0);
  for (let i = 0; i < m; i++)
    for (let p = 0; p < k; p++) {
      const av = a[i * k + p];
      if (av === 0) continue;
      const bRow = p * n;
      const oRow = i * n;
      for (let j = 0; j < n; j++) out[oRow + j] += av * b[bRow + j];
    }
}

/** `out[k×n] = aᵀ · b` for a[m×k], b[m×n]. */
function matmulTransA(
  out: Float32Array,
  a: Float32Array,
  b: Float32Array,
  m: number,
  k: number,
  n: number,
): void {
  out.fill(0);
  for (let i = 0; i < m; i++)
    for (let p = 0; p < k; p++) {
      const av = a[i * k + p];
      if (av === 0) continue;
      const oRow = p * n;
      const bRow = i * n;
      for (let j = 0; j < n; j++) out[oRow + j] += av * b[bRow + j];
    }
}

/** One MLP training step (ReLU hidden layer, softmax cross-entropy, SGD), the compiled step's work. */
export function mlpStepByHand(
  x: Float32Array,
  labels: Float32Array,
  s: MlpState,
  batch: number,
  inputs: number,
  hidden: number,
  classes: number,
  rate: number,
): number {
  const { w1, b1, w2, b2, h, probs, dh, gw1, gw2 } = s;
  matmul(h, x, w1, batch, inputs, hidden);
  for (let i = 0; i < batch; i++)
    for (let j = 0; j < hidden; j++) {
      const v = h[i * hidden + j] + b1[j];
      h[i * hidden + j] = v > 0 ? v : 0;
    }
  matmul(probs, h, w2, batch, hidden, classes);
  let cost = 0;
  for (let i = 0; i < batch; i++) {
    const row = i * classes;
    let max = -Infinity;
    for (let j = 0; j < classes; j++) {
      probs[row + j] += b2[j];
      max = Math.max(max, probs[row + j]);
    }
    let sum = 0;
    for (let j = 0; j < classes; j++) sum += Math.exp(probs[row + j] - max);
    for (let j = 0; j < classes; j++) {
      const p = Math.exp(probs[row + j] - max) / sum;
      cost -= labels[row + j] * Math.log(p);
      // From here on `probs` holds the gradient of the cost with respect to the logits.
      probs[row + j] = (p - labels[row + j]) / batch;
    }
  }
  matmulTransA(gw2, h, probs, batch, hidden, classes);
  for (let i = 0; i < batch; i++)
    for (let j = 0; j < hidden; j++) {
      let g = 0;
      if (h[i * hidden + j] > 0)
        for (let c = 0; c < classes; c++) g += probs[i * classes + c] * w2[j * classes + c];
      dh[i * hidden + j] = g;
    }
  matmulTransA(gw1, x, dh, batch, inputs, hidden);
  for (let j = 0; j < classes; j++) {
    let g = 0;
    for (let i = 0; i < batch; i++) g += probs[i * classes + j];
    b2[j] -= rate * g;
  }
  for (let j = 0; j < hidden; j++) {
    let g = 0;
    for (let i = 0; i < batch; i++) g += dh[i * hidden + j];
    b1[j] -= rate * g;
  }
  for (let i = 0; i < gw1.length; i++) w1[i] -= rate * gw1[i];
  for (let i = 0; i < gw2.length; i++) w2[i] -= rate * gw2[i];
  return cost / batch;
}

/** W1 fused by hand: `exp(x)*y + sin(x)/(1+z*z)`. */
export function w1ByHand(out: Float32Array, x: Float32Array, y: Float32Array, z: Float32Array): void {
  for (let i = 0; i < out.length; i++) {
    const zi = z[i];
    out[i] = Math.exp(x[i]) * y[i] + Math.sin(x[i]) / (1 + zi * zi);
  }
}
