/**
 * `npm run fuzz -- --minutes M [--out DIR] [--seed S]`: runs the optimizer's contract (`checkOptimizer`)
 * under every mode, and the rule loader on mutated shipped rule files, with fresh seeds until the time
 * is up. Each counterexample is written as a fixture under `test/regressions/`, which
 * `test/testing/regressions.test.ts` replays. Besides, the accuracy contract on the edges of the number
 * formats: random graphs get edge values as inputs (±0, subnormals, overflow thresholds, integers at
 * ±2³¹), and the optimized graph (unsafe rules excluded) is judged against the exact reference as
 * `rules check` judges a rule (at least as close to the exact value; integers identical). Exits 1 when
 * it found any counterexample.
 */
import fc from 'fast-check';
import { mkdirSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { exactValue } from '../graph/exact/evaluate.js';
import { formatExpr } from '../graph/syntax/format.js';
import { Tensor } from '../graph/tensor.js';
import { graphInputs } from '../graph/topo.js';
import { optimize } from '../optimize.js';
import { castDrawn, EDGE_VALUES } from '../rules/draws.js';
import { readRuleDir, SHIPPED_RULES_DIR } from '../rules/load.js';
import { compare, evaluateAll } from '../rules/soundness.js';
import { findCounterexample } from './check-optimizer.js';
import { mutateText } from './mutate.js';
import { arbGraph, prng, RECIPES } from './random-graphs.js';
import { optimizerFixture, replayRules, saveFixture } from './regressions.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '1' },
    out: { type: 'string', default: fileURLToPath(new URL('../../test/regressions/', import.meta.url)) },
    seed: { type: 'string' },
  },
});
const minutes = Number(values.minutes);
if (!(minutes > 0)) throw new Error(`--minutes: '${values.minutes}' is not a positive number`);
const out = values.out!;
mkdirSync(out, { recursive: true });
const deadline = Date.now() + minutes * 60_000;
let seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);

// The configurations the test suite checks, with bigger graphs and more runs. Rules are sound on the
// reals: where a value of the original overflows or leaves its domain inside the graph (NaN, ±Inf),
// guards such as positive(exp(log1mexp(x))) hold on the reals but not for the NaN the floats give,
// so the optimizing modes are checked with finite semantics; `none` must agree bit for bit.
const CONFIGS = [
  { mode: 'fast_run', finiteOnly: true },
  { mode: 'fast_run', exclude: ['unsafe'], finiteOnly: true },
  { mode: 'fast_compile', finiteOnly: true },
  { mode: 'fast_compile', exclude: ['unsafe'], finiteOnly: true },
  { mode: 'none' },
] as const;
// Ops whose value jumps (floor, comparisons, …) turn a last-bit rounding difference between two equal
// forms into a difference of 1: x // log(exp(-x)) is -2 as written and -1, the exact value, optimized.
// The optimizing modes are fuzzed on continuous ops; `none` on all of them.
const DISCONTINUOUS = new Set([
  'sign',
  'floor',
  'ceil',
  'round',
  'int_div',
  'mod',
  'lt',
  'le',
  'gt',
  'ge',
  'eq',
  'neq',
]);
const CONTINUOUS_OPS = RECIPES.map((r) => r.name).filter((name) => !DISCONTINUOUS.has(name));
/**
 * Runs `count` random graphs on edge inputs through `mode` with unsafe rules excluded; returns a
 * description of each graph whose optimized form is less accurate than the original.
 */
function edgeContract(mode: string, seed: number, count: number): string[] {
  const found: string[] = [];
  const random = prng(seed);
  const graphs = fc.sample(arbGraph({ maxSteps: 8, maxDepth: 5, ops: CONTINUOUS_OPS }), {
    seed,
    numRuns: count,
  });
  for (const g of graphs) {
    // Each element: an edge value (half the time), else the drawn one.
    const values = Object.fromEntries(
      Object.entries(g.values).map(([name, t]) => [
        name,
        Tensor.from(
          Array.from(t.data, (v) =>
            random() < 0.5 ? castDrawn(EDGE_VALUES[Math.floor(random() * EDGE_VALUES.length)], t.dtype) : v,
          ),
          t.shape,
          t.dtype,
        ),
      ]),
    );
    let optimized;
    try {
      optimized = optimize([g.output], { mode, exclude: ['unsafe'] }).outputs[0];
    } catch (e) {
      found.push(`${formatExpr(g.output)}: optimize threw ${String(e)}`);
      continue;
    }
    const used = new Set(graphInputs([optimized]).map((n) => n.inputName!));
    const left = evaluateAll(g.output, values);
    const right = evaluateAll(
      optimized,
      Object.fromEntries(Object.entries(values).filter(([name]) => used.has(name))),
    );
    const exact = () => exactValue([g.output, optimized], values);
    const { why } = compare(left, right, exact, true, false);
    if (why)
      found.push(
        `${formatExpr(g.output)} => ${formatExpr(optimized)} at ${Object.entries(values)
          .map(([k, t]) => `${k} = ${t.dtype}[${Array.from(t.data).join(', ')}]`)
          .join('; ')}: ${why}`,
      );
  }
  return found;
}

const rules = readRuleDir(SHIPPED_RULES_DIR);
let found = 0;
let graphs = 0;
let mutations = 0;
while (Date.now() < deadline) {
  for (const config of CONFIGS) {
    const options = { ...config, seed: seed++, numRuns: 200 };
    const ops = config.mode === 'none' ? undefined : CONTINUOUS_OPS;
    const failure = findCounterexample(arbGraph({ maxSteps: 12, maxDepth: 6, ops }), options);
    graphs += failure ? failure.numRuns : options.numRuns;
    if (failure) {
      const outputs = Array.isArray(failure.graph.output) ? failure.graph.output : [failure.graph.output];
      const inputs = failure.violation.inputs ?? failure.graph.values ?? {};
      const path = saveFixture(out, optimizerFixture(outputs, inputs, options, failure.message));
      console.log(`counterexample (${config.mode}) → ${path}\n${failure.message}\n`);
      found++;
    }
  }
  for (const mode of ['fast_run', 'fast_compile']) {
    const edgeFailures = edgeContract(mode, seed++, 50);
    graphs += 50;
    for (const message of edgeFailures) console.log(`accuracy contract (${mode}, edge inputs): ${message}\n`);
    found += edgeFailures.length;
  }
  const random = prng(seed++);
  for (let i = 0; i < 200; i++) {
    const source = rules[Math.floor(random() * rules.length)];
    const text = mutateText(source.text, random, 1 + Math.floor(random() * 4));
    const file = basename(source.file ?? 'rules');
    mutations++;
    const why = replayRules(text, file);
    if (why) {
      const path = saveFixture(out, { kind: 'rules', file, text, message: why });
      console.log(`rule loader failure → ${path}\n${why}\n`);
      found++;
    }
  }
}
console.log(
  `fuzz: ${graphs} graphs, ${mutations} rule-file mutations, ${found} counterexamples (last seed ${seed})`,
);
process.exitCode = found > 0 ? 1 : 0;
