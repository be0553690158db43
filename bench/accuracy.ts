// Accuracy mode on cancellation examples: bits of error before and after (mean over held-out points
// sampled as Herbie samples), time, and the cost ratio of the result to the input.
//
// Textbook cases follow Hamming, Numerical Methods for Scientists and Engineers (2nd ed., 1973), ch. 3
// (section and problem numbers as FPBench's hamming collection names them); domains are ours, chosen
// where each example's cancellation lives and its value is defined. ML cases are forms from training
// code (losses written naively).
import { optimize } from '../src/optimize.js';
import { formatExpr, parseExpr } from '../src/graph/syntax/index.js';
import { defaultLibrary } from '../src/rules/load.js';
import { formatTable, registerSuite } from './registry.js';

interface Example {
  readonly name: string;
  readonly source: string;
  readonly expr: string;
  readonly domain: Readonly<Record<string, readonly [number, number]>>;
  readonly textbook: boolean;
}

const H = (name: string, source: string, expr: string, domain: Example['domain']): Example => ({
  name,
  source,
  expr,
  domain,
  textbook: true,
});

const EXAMPLES: readonly Example[] = [
  H('2sqrt', 'Hamming 3.1', 'x: f64; sqrt(x + 1) - sqrt(x)', { x: [0, 1e15] }),
  H('2sin', 'Hamming 3.3', 'x: f64; e: f64; sin(x + e) - sin(x)', { x: [-1e4, 1e4], e: [-1e-4, 1e-4] }),
  H('tanhf', 'Hamming 3.4', 'x: f64; (1 - cos(x)) / sin(x)', { x: [1e-8, 3] }),
  H('2isqrt', 'Hamming 3.6', 'x: f64; 1 / sqrt(x) - 1 / sqrt(x + 1)', { x: [1, 1e15] }),
  H('expm1', 'Hamming 3.7', 'x: f64; exp(x) - 1', { x: [-1, 1] }),
  H('2frac', 'Hamming p3.3.1', 'x: f64; 1 / (x + 1) - 1 / x', { x: [1e-10, 1e10] }),
  H('2tan', 'Hamming p3.3.2', 'x: f64; e: f64; tan(x + e) - tan(x)', { x: [-1, 1], e: [-1e-4, 1e-4] }),
  H('2cos', 'Hamming p3.3.5', 'x: f64; e: f64; cos(x + e) - cos(x)', { x: [-1e4, 1e4], e: [-1e-4, 1e-4] }),
  H('2log', 'Hamming p3.3.6', 'x: f64; log(x + 1) - log(x)', { x: [1e-10, 1e10] }),
  H('exp2', 'Hamming p3.3.7', 'x: f64; exp(x) - 2 + exp(-x)', { x: [-100, 100] }),
  H('cos2', 'Hamming p3.4.1', 'x: f64; (1 - cos(x)) / (x * x)', { x: [1e-8, 3] }),
  H('expq2', 'Hamming p3.4.2', 'x: f64; exp(x) / (exp(x) - 1)', { x: [1e-10, 30] }),
  H(
    'quadp',
    'Hamming 3.2 (quadratic, + root)',
    'a: f64; b: f64; c: f64; (-b + sqrt(b * b - 4 * (a * c))) / (2 * a)',
    {
      a: [1, 2],
      b: [-1e8, 1e8],
      c: [1e-3, 1],
    },
  ),
];

const ML: readonly Example[] = [
  {
    name: 'softplus',
    source: 'log(1 + e^x), naive',
    expr: 'x: f64; log(1 + exp(x))',
    domain: { x: [-30, 30] },
    textbook: false,
  },
  {
    name: 'log-sigmoid',
    source: 'log σ(x), naive',
    expr: 'x: f64; log(sigmoid(x))',
    domain: { x: [-30, 30] },
    textbook: false,
  },
  {
    name: 'log1m-sigmoid',
    source: 'log(1 - σ(x)), BCE',
    expr: 'x: f64; log(1 - sigmoid(x))',
    domain: { x: [-30, 30] },
    textbook: false,
  },
];

/** 20 ops: a naive smooth loss term with several cancellations (time goal: under 1 s). */
const TWENTY =
  'x: f64; y: f64; (sqrt(x + 1) - sqrt(x)) * (exp(y) - 1) + (log(x + 1) - log(x)) / (1 + y * y) + (1 - cos(y)) * x';

registerSuite({
  name: 'accuracy',
  description:
    'accuracy mode on Hamming ch. 3 cancellation examples and ML forms: bits before/after, time, cost ratio',
  run(log) {
    const library = defaultLibrary();
    const rows: string[][] = [['case', 'source', 'bits before', 'bits after', 'ms', 'cost ratio', 'result']];
    const results: Record<string, unknown>[] = [];
    const twenty: Example = {
      name: '20-op',
      source: 'synthetic, 20 ops',
      expr: TWENTY,
      domain: { x: [1e-6, 1e6], y: [-1e-3, 1e-3] },
      textbook: false,
    };
    for (const ex of [...EXAMPLES, ...ML, twenty]) {
      const input = parseExpr(ex.expr);
      // The 20-op case has a time goal: its figure is the median of 5 runs, with their spread.
      const times: number[] = [];
      let result: ReturnType<typeof optimize> | undefined;
      for (let run = 0; run < (ex === twenty ? 5 : 1); run++) {
        const t0 = performance.now();
        result = optimize(input, { mode: 'accuracy', domain: ex.domain, library });
        times.push(performance.now() - t0);
      }
      const { outputs, report } = result!;
      times.sort((a, b) => a - b);
      const ms = times[Math.floor(times.length / 2)];
      const spread =
        times.length > 1 ? ` [${times[0].toFixed(0)}-${times[times.length - 1].toFixed(0)}]` : '';
      const a = report.accuracy!.outputs[0];
      const ratio = report.costAfter / report.costBefore;
      results.push({
        name: ex.name,
        textbook: ex.textbook,
        before: a.bitsBefore,
        after: a.bitsAfter,
        ms,
        ratio,
      });
      rows.push([
        ex.name,
        ex.source,
        a.bitsBefore.toFixed(2),
        a.bitsAfter.toFixed(2),
        `${ms.toFixed(0)}${spread}`,
        ratio.toFixed(2),
        outputs[0] === input ? '(input kept)' : formatExpr(outputs[0]),
      ]);
    }
    log(formatTable(rows));
    const book = results.filter((r) => r.textbook);
    const meanOf = (k: string) => book.reduce((s, r) => s + (r[k] as number), 0) / book.length;
    log(
      `textbook mean bits: before ${meanOf('before').toFixed(2)}, after ${meanOf('after').toFixed(2)} (goal: after <= 2)`,
    );
    return results;
  },
});
