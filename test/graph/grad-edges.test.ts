/** Gradients at the edges of their domains follow PyTensor's conventions. */
import { describe, expect, it } from 'vitest';
import { evaluate, grad, T } from '../../src/graph/index.js';

describe('gradients at the edges', () => {
  it('d/dy x**y is 0 at x = 0 (switch(eq(x, 0), 0, …)), and x**y log x elsewhere', () => {
    const x = T.scalar('x', 'f64');
    const y = T.scalar('y', 'f64');
    const [, gy] = grad(T.pow(x, y), [x, y]);
    expect(evaluate(gy, { x: 0, y: 2 }).item()).toBe(0);
    expect(evaluate(gy, { x: 2, y: 3 }).item()).toBeCloseTo(8 * Math.log(2), 12);
  });

  it("log1mexp'(0) is the one-sided limit -inf", () => {
    const x = T.scalar('x', 'f64');
    const [gx] = grad(T.log1mexp(x), [x]);
    expect(evaluate(gx, { x: 0 }).item()).toBe(Number.NEGATIVE_INFINITY);
    // e^x / (e^x - 1) at x = -1
    expect(evaluate(gx, { x: -1 }).item()).toBeCloseTo(Math.exp(-1) / (Math.exp(-1) - 1), 12);
  });
});
