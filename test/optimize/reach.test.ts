/**
 * What issue 13 asks of the model graphs: gemm in any operand order, values shared through transposes,
 * sizes read from shapes, stabilized logs, and the same result with unknown dims as with named ones.
 */
import { describe, expect, it } from 'vitest';
import { formatExpr, topoSort } from '../../src/graph/index.js';
import type { Node } from '../../src/graph/node.js';
import {
  autoencoder,
  type Dims,
  logisticRegression,
  mlp,
  softmaxRegression,
  tanhMlp,
} from '../../src/models.js';
import { optimize } from '../../src/optimize.js';
import { defaultLibrary } from '../../src/rules/load.js';

const library = defaultLibrary();
const ops = (outputs: readonly Node[], op: string) => topoSort(outputs).filter((n) => n.op === op).length;

const MODELS: Record<string, (dims: Dims) => readonly Node[]> = {
  logreg: (d) => logisticRegression('f64', d).outputs,
  tanhMlp: (d) => tanhMlp({ inputs: 20, hidden: 16 }, 'f32', d).outputs,
  mlp: (d) => mlp({ inputs: 20, hidden: 16 }, 'f32', d).outputs,
  softmaxReg: (d) => softmaxRegression({ inputs: 20 }, 'f32', d).outputs,
  autoencoder: (d) => autoencoder({ inputs: 20, hidden: 8 }, 'f32', d).outputs,
};

describe.each(['named', 'unknown'] as const)('model graphs with %s dims', (dims) => {
  const optimized = Object.fromEntries(
    Object.entries(MODELS).map(([name, build]) => [name, optimize(build(dims), { library }).outputs]),
  );

  it('leaves no log of a sigmoid or softmax, and no sum of ones', () => {
    for (const [name, outputs] of Object.entries(optimized)) {
      const text = outputs.map(formatExpr).join('\n');
      expect(text, name).not.toMatch(/log\((sigmoid|softmax)\(/);
      expect(text, name).not.toMatch(/sum\(ones_like/);
    }
  });

  it('computes tanh(h) once: the dW2 gradient reuses it through a transpose', () => {
    expect(ops(optimized.tanhMlp, 'tanh')).toBe(1);
    expect(ops(optimized.mlp, 'relu')).toBeLessThanOrEqual(1);
  });

  it('turns c*z + dot(a, b) from the L2 gradients into gemm', () => {
    expect(ops(optimized.tanhMlp, 'gemm')).toBeGreaterThanOrEqual(2);
    expect(ops(optimized.logreg, 'gemm')).toBeGreaterThanOrEqual(1);
  });

  it('reads the batch size from the shape', () => {
    expect(ops(optimized.logreg, 'size')).toBe(1);
  });
});
