/**
 * `npm run fuzz -- --minutes M [--out DIR] [--seed S]`: runs the optimizer's contract (`checkOptimizer`)
 * under every mode, and the rule loader on mutated shipped rule files, with fresh seeds until the time
 * is up. Each counterexample is written as a fixture under `test/regressions/`, which
 * `test/testing/regressions.test.ts` replays. Exits 1 when it found any.
 */
import { mkdirSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readRuleDir, SHIPPED_RULES_DIR } from './rules/load.js';
import { findCounterexample } from './testing/check-optimizer.js';
import { mutateText } from './testing/mutate.js';
import { arbGraph, prng, RECIPES } from './testing/random-graphs.js';
import { optimizerFixture, replayRules, saveFixture } from './testing/regressions.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '1' },
    out: { type: 'string', default: fileURLToPath(new URL('../test/regressions/', import.meta.url)) },
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
