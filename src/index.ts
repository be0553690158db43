/**
 * Saturn: symbolic tensor expressions, optimized by equality saturation.
 *
 * @example
 * import { T, grad, evaluate } from 'saturn';
 * const x = T.vector('x', 'f64');
 * const y = T.sum(T.mul(x, x));
 * evaluate(grad(y, [x])[0], { x: [1, 2] }).toArray(); // [2, 4]
 */
export * from './graph/index.js';
