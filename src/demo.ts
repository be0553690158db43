/**
 * The demo `npm start` runs: a logistic-regression training step (cost and gradients) built with the
 * graph API, optimized by equality saturation, and run before and after with profiles.
 */

import { evaluate } from './graph/interpret.js';
import { Profile } from './graph/profile.js';
import { formatExpr } from './graph/syntax/index.js';
import { Tensor } from './graph/tensor.js';
import { logisticRegression } from './models.js';
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
const { cost, gradients } = logisticRegression();
const [gw, gb] = gradients;

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
