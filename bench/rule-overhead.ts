/**
 * What the rules added since a base commit cost a warm optimize (issue 13: "no slowdown beyond 10% from
 * the added rules"). The shipped rule files and the same files as they were at the base commit
 * (`git show BASE:rules/…`, BASE from `SATURN_RULES_BASE`, by default the commit before reach's rule
 * families were merged) are loaded into two libraries in one process; after a warm-up, warm optimize
 * calls of each model graph alternate new/old, in both orders, and the CPU time ratio new ÷ old of each
 * pair is reported as median [p10–p90]. Then the rule searches of one optimize per library, and the added
 * rules that cost the most search time, with what they matched and applied: the candidates to narrow.
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { basename } from 'node:path';
import type { Node } from '../src/graph/node.js';
import { profileSearches, type SearchProfile } from '../src/egraph/search-profile.js';
import { logisticRegression, mlp } from '../src/models.js';
import { optimize } from '../src/optimize.js';
import type { RuleLibrary } from '../src/rules/library.js';
import { defaultLibrary, loadLibrary, SHIPPED_RULES_DIR } from '../src/rules/load.js';
import { formatTable, registerSuite } from './registry.js';
import { tanhMlp } from './tanh-mlp.js';

/**
 * The first parent of the merge of branch reach (8f20103): the rule files before issue 13's families.
 * Later commits added more (argmax rules in reductions.rules); all count as added.
 */
const DEFAULT_BASE = '8f20103^1';

/** Rounds of every graph with both libraries before timing: TurboFan is still compiling until ~40. */
const WARM_UP_ROUNDS = Number(process.env.SATURN_BENCH_WARMUP ?? 40);

/** Timed rounds; each runs every graph with both libraries, new first in even rounds, old first in odd. */
const TIMED_ROUNDS = Number(process.env.SATURN_BENCH_ROUNDS ?? 120);

/** Optimize calls per graph and library whose searches are timed rule by rule. */
const PROFILE_RUNS = 10;

/** The rule files as they were at `base`, read with git from the checkout holding the shipped ones. */
function baseLibrary(base: string): RuleLibrary {
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', SHIPPED_RULES_DIR, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  // ls-tree lists paths under the working directory only: from the top, a tree lists all its entries.
  const top = git('rev-parse', '--show-toplevel').trim();
  const files = git('-C', top, 'ls-tree', '--name-only', `${base}:rules/`)
    .split('\n')
    .filter((f) => f.endsWith('.rules'))
    .sort();
  const sources = files.map((f) => ({ text: git('show', `${base}:rules/${f}`), file: `${base}:${f}` }));
  const { library, errors } = loadLibrary(sources);
  if (errors.length)
    throw new Error(`rules at ${base} do not load:\n${errors.map((e) => e.message).join('\n')}`);
  return library;
}

function cpuMs(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}

/** The value at quantile `q` (0..1) of sorted numbers, by nearest rank. */
function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))];
}

interface Ratio {
  readonly median: number;
  readonly p10: number;
  readonly p90: number;
}

function ratioOf(xs: readonly number[]): Ratio {
  const s = [...xs].sort((a, b) => a - b);
  return { median: quantile(s, 0.5), p10: quantile(s, 0.1), p90: quantile(s, 0.9) };
}

const fmt = (r: Ratio) => `${r.median.toFixed(3)} [${r.p10.toFixed(2)}–${r.p90.toFixed(2)}]`;

/** Sums a profile's figures over rules. */
function totals(p: SearchProfile): { searches: number; visited: number; matches: number } {
  let searches = 0;
  let visited = 0;
  let matches = 0;
  for (const f of p.values()) {
    searches += f.searches;
    visited += f.visited;
    matches += f.matches;
  }
  return { searches, visited, matches };
}

registerSuite({
  name: 'rule-overhead',
  description: "CPU cost of the rules added since a base commit (issue 13's 10% budget), and the costliest",
  run(log) {
    const base = process.env.SATURN_RULES_BASE ?? DEFAULT_BASE;
    const libraries = { new: defaultLibrary(), old: baseLibrary(base) };
    const oldNames = new Set(libraries.old.rules.map((r) => r.name));
    const added = new Set(libraries.new.rules.map((r) => r.name).filter((n) => !oldNames.has(n)));
    const models: { name: string; outputs: readonly Node[] }[] = [
      { name: 'logreg', outputs: logisticRegression().outputs },
      { name: 'tanhMlp', outputs: tanhMlp() },
      { name: 'mlp', outputs: mlp().outputs },
    ];
    log(
      `rules: ${libraries.new.rules.length} shipped, ${libraries.old.rules.length} at ${base} (${basename(SHIPPED_RULES_DIR)}/), ${added.size} added`,
    );
    const run = (lib: RuleLibrary, outputs: readonly Node[]) => optimize(outputs, { library: lib });

    // Ops after and rule searches of one call each: the same graph both ways is not the point (the added
    // rules do more), but a difference says what the time buys.
    const shape = models.map(({ name, outputs }) => {
      const figures = (lib: RuleLibrary) => {
        let ops = 0;
        const profile = profileSearches(() => {
          ops = run(lib, outputs).report.nodesAfter;
        });
        return { ops, ...totals(profile) };
      };
      return { name, new: figures(libraries.new), old: figures(libraries.old) };
    });

    for (let i = 0; i < WARM_UP_ROUNDS; i++)
      for (const { outputs } of models) {
        run(libraries.new, outputs);
        run(libraries.old, outputs);
      }
    const ratios = models.map(() => [] as number[]);
    const times = models.map(() => ({ new: [] as number[], old: [] as number[] }));
    for (let i = 0; i < TIMED_ROUNDS; i++)
      models.forEach(({ outputs }, k) => {
        const order = i % 2 === 0 ? (['new', 'old'] as const) : (['old', 'new'] as const);
        const took = { new: 0, old: 0 };
        for (const which of order) {
          const c = cpuMs();
          run(libraries[which], outputs);
          took[which] = cpuMs() - c;
        }
        times[k].new.push(took.new);
        times[k].old.push(took.old);
        ratios[k].push(took.new / took.old);
      });
    const rows = models.map((_, k) => ({
      ...shape[k],
      ratio: ratioOf(ratios[k]),
      newMs: ratioOf(times[k].new),
      oldMs: ratioOf(times[k].old),
      newFirst: ratioOf(ratios[k].filter((_, i) => i % 2 === 0)),
      oldFirst: ratioOf(ratios[k].filter((_, i) => i % 2 === 1)),
    }));
    const geo = Math.exp(rows.reduce((s, r) => s + Math.log(r.ratio.median), 0) / rows.length);
    log(
      `warm optimize CPU ms, new ÷ old per interleaved pair: median [p10–p90] of ${TIMED_ROUNDS} pairs after ${WARM_UP_ROUNDS} warm-up rounds; load ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
    log(
      formatTable([
        [
          'graph',
          'new ÷ old',
          'new first',
          'old first',
          'new ms',
          'old ms',
          'ops new/old',
          'searches',
          'visited',
        ],
        ...rows.map((r) => [
          r.name,
          fmt(r.ratio),
          fmt(r.newFirst),
          fmt(r.oldFirst),
          r.newMs.median.toFixed(1),
          r.oldMs.median.toFixed(1),
          `${r.new.ops}/${r.old.ops}`,
          `${r.old.searches} -> ${r.new.searches}`,
          `${r.old.visited} -> ${r.new.visited}`,
        ]),
      ]),
    );
    log(`geometric mean of the medians: ${geo.toFixed(3)} (goal ≤ 1.10)`);

    // The added rules by search time over the three graphs, with what they found.
    const byRule = new Map<string, { searches: number; visited: number; matches: number; ms: number }>();
    const applied = new Map<string, number>();
    for (const { outputs } of models) {
      const profile = profileSearches(() => {
        for (let i = 0; i < PROFILE_RUNS; i++) {
          const { report } = run(libraries.new, outputs);
          for (const [rule, n] of Object.entries(report.rules))
            applied.set(rule, (applied.get(rule) ?? 0) + n / PROFILE_RUNS);
        }
      });
      for (const [rule, f] of profile) {
        const sum = byRule.get(rule) ?? { searches: 0, visited: 0, matches: 0, ms: 0 };
        sum.searches += f.searches / PROFILE_RUNS;
        sum.visited += f.visited / PROFILE_RUNS;
        sum.matches += f.matches / PROFILE_RUNS;
        sum.ms += f.ms / PROFILE_RUNS;
        byRule.set(rule, sum);
      }
    }
    const costly = [...byRule]
      .filter(([rule]) => added.has(rule))
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, 20);
    const addedMs = [...byRule].filter(([r]) => added.has(r)).reduce((s, [, f]) => s + f.ms, 0);
    const allMs = [...byRule.values()].reduce((s, f) => s + f.ms, 0);
    log('');
    log(
      `added rules by search time, one optimize of each graph (wall ms, mean of ${PROFILE_RUNS}): added ${addedMs.toFixed(2)} of ${allMs.toFixed(2)} ms searching`,
    );
    log(
      formatTable([
        ['rule', 'searches', 'visited', 'matches', 'applied', 'ms'],
        ...costly.map(([rule, f]) => [
          rule,
          f.searches.toFixed(0),
          f.visited.toFixed(0),
          f.matches.toFixed(0),
          (applied.get(rule) ?? 0).toFixed(0),
          f.ms.toFixed(3),
        ]),
      ]),
    );
    return { base, rows, geoMean: geo, costly: costly.map(([rule, f]) => ({ rule, ...f })) };
  },
});
