/**
 * The demo `npm start` runs: a logistic-regression training step (cost and gradients) built with the
 * graph API, optimized by equality saturation, and run before and after with profiles.
 */

import { T } from './graph/builders.js';
import { grad } from './graph/grad.js';
import { evaluate } from './graph/interpret.js';
import { Profile } from './graph/profile.js';
import { formatExpr } from './graph/syntax/index.js';
import { Tensor } from './graph/tensor.js';
import { optimize } from './optimize.js';
import { formatReport } from './report.js';

function randomTensor(shape: number[], seed: number): Tensor {
  let s = seed;
  const next = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  };
  return Tensor.from(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, next), shape, 'f64');
}

const n = 512;
const k = 32;
const x = T.matrix('x', 'f64', ['n', 'k']);
const w = T.vector('w', 'f64', 'k');
const b = T.scalar('b', 'f64');
const y = T.vector('y', 'f64', 'n');
const p = T.sigmoid(T.add(T.dot(x, w), b));
const xent = T.sub(T.mul(T.neg(y), T.log(p)), T.mul(T.sub(1, y), T.log(T.sub(1, p))));
const cost = T.add(T.mean(xent), T.mul(0.01, T.sum(T.pow(w, 2))));
const [gw, gb] = grad(cost, [w, b]);

console.log('Saturn demo: logistic regression, cost and gradients w.r.t. w and b\n');
console.log('before:');
console.log(`  cost  = ${formatExpr(cost)}`);
console.log(`  dw    = ${formatExpr(gw)}`);
console.log(`  db    = ${formatExpr(gb)}\n`);

const { outputs, report } = optimize([cost, gw, gb]);
console.log('after:');
console.log(`  cost  = ${formatExpr(outputs[0])}`);
console.log(`  dw    = ${formatExpr(outputs[1])}`);
console.log(`  db    = ${formatExpr(outputs[2])}\n`);
console.log(formatReport(report));

const labels = randomTensor([n], 7).data.map((v) => (v > 0 ? 1 : 0));
const inputs = {
  x: randomTensor([n, k], 1),
  w: randomTensor([k], 2),
  b: 0.1,
  y: Tensor.from(labels, [n], 'f64'),
};
const runs = 5;
const profileBefore = new Profile();
const profileAfter = new Profile();
let before: Tensor[] = [];
let after: Tensor[] = [];
for (let i = 0; i < runs; i++) {
  before = evaluate([cost, gw, gb], inputs, { profile: profileBefore });
  after = evaluate(outputs, inputs, { profile: profileAfter });
}
const maxDiff = Math.max(
  ...before.flatMap((t, i) => Array.from(t.data, (v, j) => Math.abs(v - after[i].data[j]))),
);
console.log(
  `\nvalues on n=${n}, k=${k}: cost ${before[0].item().toFixed(6)} before, ${after[0].item().toFixed(6)} after (largest difference over all outputs ${maxDiff.toExponential(2)})\n`,
);
console.log(profileBefore.format(`reference interpreter, unoptimized graph, ${runs} runs`));
console.log();
console.log(profileAfter.format(`reference interpreter, optimized graph, ${runs} runs`));
