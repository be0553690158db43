/**
 * The demo `npm start` runs: logistic regression trained for real. The training step (cost, gradients
 * and the updates of the shared weights) is compiled once, run a few hundred times on generated data
 * while the loss goes down, and then shown: the program one kernel per op vs fused, and the profile.
 * `npm start -- --device js` picks the device (default `auto`).
 */
import { parseArgs } from 'node:util';
import { compile } from './compile/index.js';
import { T } from './graph/builders.js';
import { SaturnError } from './graph/errors.js';
import { grad } from './graph/grad.js';
import { prng } from './graph/random.js';
import { Tensor } from './graph/tensor.js';
import type { DeviceRequest } from './runtime/devices.js';
import { formatProgram } from './runtime/format.js';
import { lower } from './runtime/lower.js';

const { values } = parseArgs({
  options: { device: { type: 'string', default: 'auto' }, steps: { type: 'string', default: '300' } },
});
const steps = Number(values.steps);
const n = 2000;
const k = 20;

// Generated data: labels from a hidden linear rule, with 5% of them flipped.
const rand = prng(7);
const truth = Float32Array.from({ length: k }, () => rand() * 2 - 1);
const xs = Float32Array.from({ length: n * k }, () => rand() * 2 - 1);
const ys = Float32Array.from({ length: n }, (_, i) => {
  let z = 0;
  for (let j = 0; j < k; j++) z += xs[i * k + j] * truth[j];
  return z > 0 !== rand() < 0.05 ? 1 : 0;
});

// The model, Theano's tutorial: shared weights, a cross-entropy cost with an L2 penalty, its gradient.
const x = T.matrix('x', 'f32', ['n', k]);
const y = T.vector('y', 'f32', 'n');
const w = T.shared('w', Tensor.zeros([k], 'f32'));
const b = T.shared('b', 0, 'f32');
const p = T.sigmoid(T.add(T.dot(x, w), b));
const xent = T.sub(T.mul(T.neg(y), T.log(p)), T.mul(T.sub(1, y), T.log(T.sub(1, p))));
const cost = T.add(T.mean(xent), T.mul(0.001, T.sum(T.mul(w, w))));
const [gw, gb] = grad(cost, [w, b]);
const rate = 0.5;

console.log(`Saturn demo: logistic regression on ${n} generated examples of ${k} features\n`);
const start = performance.now();
const step = await compile({
  inputs: [x, y],
  outputs: [cost],
  updates: [
    [w, w.sub(gw.mul(rate))],
    [b, b.sub(gb.mul(rate))],
  ],
  device: values.device as DeviceRequest,
  profile: true,
}).catch((e: unknown) => {
  // A device that is missing here is the user's choice to change, not a crash: say so and stop.
  if (!(e instanceof SaturnError)) throw e;
  console.error(`demo: ${e.message}`);
  process.exit(2);
});
console.log(`compiled in ${(performance.now() - start).toFixed(0)} ms; device ${step.report.deviceReason}`);

const losses: number[] = [];
const trainStart = performance.now();
const tty = process.stdout.isTTY;
for (let i = 1; i <= steps; i++) {
  const [loss] = await step.run({ x: xs, y: ys });
  losses.push(loss.item());
  if (i === 1 || i % 25 === 0) {
    const bar = '#'.repeat(Math.round((30 * i) / steps)).padEnd(30, '.');
    const line = `step ${String(i).padStart(4)}/${steps} [${bar}] loss ${loss.item().toFixed(4)}`;
    if (tty) process.stdout.write(`\r${line}`);
    else console.log(line);
  }
}
if (tty) process.stdout.write('\n');
const trainMs = performance.now() - trainStart;
const wValue = (await step.get(w)).array as Float32Array;
const bValue = (await step.get(b)).item();
let correct = 0;
for (let i = 0; i < n; i++) {
  let z = bValue;
  for (let j = 0; j < k; j++) z += xs[i * k + j] * wValue[j];
  if (z > 0 === (ys[i] === 1)) correct++;
}
console.log(
  `loss ${losses[0].toFixed(4)} -> ${losses.at(-1)!.toFixed(4)} in ${steps} steps (${trainMs.toFixed(0)} ms, ${(trainMs / steps).toFixed(3)} ms per step); training accuracy ${((100 * correct) / n).toFixed(1)}%\n`,
);

console.log(
  step.report.optimize
    ? `optimizer: ${step.report.optimize.nodesBefore} -> ${step.report.optimize.nodesAfter} op applications\n`
    : '',
);
const fused = step.report.programs[0];
const unfused = lower({
  outputs: step.graph.outputs,
  params: step.graph.params,
  updates: step.graph.updates,
  sizes: new Map(Object.entries(fused.sizes)),
  fuse: false,
});
console.log(`program, one kernel per op (fuse: false): ${unfused.kernels.length} kernels`);
console.log(indent(wrap(unfused.kernels.map((kernel) => `${kernel.name} [${kernel.ops.join(' ')}]`))));
console.log(`\nprogram, fused: ${fused.kernels.length} kernels`);
console.log(indent(formatProgram(fused.program)));
console.log(`\nprofile (${steps} steps)`);
console.log(indent(step.profile!.report()));
step.dispose();

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

/** Items joined with commas, wrapped at 100 columns. */
function wrap(items: readonly string[]): string {
  const lines = [''];
  for (const item of items) {
    const last = lines.length - 1;
    if (lines[last].length + item.length > 98) lines.push('');
    lines[lines.length - 1] += `${lines[lines.length - 1] ? ', ' : ''}${item}`;
  }
  return lines.join('\n');
}
