/**
 * The rule playground behind `saturn rules check --expr`: optimize one expression and show what
 * happened — the result, cost before and after, rules fired, each phase's stop reason — and, on request,
 * the chain of rewrites from the input to the result (egg-style explanations) and the e-graph itself.
 *
 * The explanation and the e-graph come from a second saturation that runs every phase of the mode on
 * one e-graph with explanations on (`saturate` with `restarts: false`: a restart would start a fresh
 * e-graph and cut the proof); the result printed first is `optimize`'s own.
 */
import { addGraph, buildGraph } from '../egraph/tensor/index.js';
import { formatTerm } from '../egraph/term.js';
import { extractDag } from '../extract/dag.js';
import type { Node } from '../graph/node.js';
import { SaturnError } from '../graph/errors.js';
import { formatExpr } from '../graph/syntax/format.js';
import { parseExpr } from '../graph/syntax/parse.js';
import { graphInputs } from '../graph/topo.js';
import { type CostModel, nodeCostFor, optimize, saturate } from '../optimize.js';
import { egraphToDot } from './dot.js';
import type { RuleLibrary } from './library.js';

/** Options of the playground. */
export interface PlaygroundOptions {
  readonly library: RuleLibrary;
  readonly mode?: string;
  readonly cost?: CostModel;
  readonly include?: readonly string[];
  readonly exclude?: readonly string[];
  /** Compute the rewrite chain from the input to the result. */
  readonly explain?: boolean;
  /** Render the saturated e-graph as Graphviz source. */
  readonly dot?: boolean;
}

/** One step of the rewrite chain: the whole expression after it and the rule that made it. */
export interface PlaygroundStep {
  readonly expr: string;
  readonly rule?: string;
  readonly direction?: 'forward' | 'backward';
}

/** What the playground found. */
export interface PlaygroundResult {
  readonly input: string;
  readonly output: string;
  readonly costBefore: number;
  readonly costAfter: number;
  readonly nodesBefore: number;
  readonly nodesAfter: number;
  /** Applications per rule, most first. */
  readonly rules: Readonly<Record<string, number>>;
  readonly phases: readonly {
    readonly name: string;
    readonly stopReason: string;
    readonly iterations: number;
  }[];
  readonly explanation?: readonly PlaygroundStep[];
  readonly dot?: string;
}

/**
 * Optimizes `expr` and reports what the rules did.
 *
 * @example
 * const x = T.vector('x', 'f32', 'n');
 * playground(T.log(T.add(1, T.exp(x))), { library: defaultLibrary(), explain: true }).output // 'softplus(x)'
 */
export function playground(expr: Node, options: PlaygroundOptions): PlaygroundResult {
  const mode = options.mode ?? 'fast_run';
  const cost = options.cost ?? 'cpu';
  const { outputs, report } = optimize(expr, {
    library: options.library,
    mode,
    cost,
    include: options.include,
    exclude: options.exclude,
  });
  const result: PlaygroundResult = {
    input: formatExpr(expr),
    output: formatExpr(outputs[0]),
    costBefore: report.costBefore,
    costAfter: report.costAfter,
    nodesBefore: report.nodesBefore,
    nodesAfter: report.nodesAfter,
    rules: report.rules,
    phases: report.phases.map((p) => ({
      name: p.name,
      stopReason: p.stopReason.kind,
      iterations: p.iterations,
    })),
  };
  if (!options.explain && !options.dot) return result;

  // One e-graph through every phase (no restarts), so the proof reaches from the input to the result.
  const { t, roots, added } = saturate([expr], {
    library: options.library,
    mode,
    include: options.include,
    exclude: options.exclude,
    explain: true,
    restarts: false,
  });
  const [start] = added;
  const [root] = roots;
  const { choice } = extractDag(t.egraph, [root], nodeCostFor(t, cost));
  const [best] = buildGraph(t.egraph, t.lang, [root], (c) => choice.get(t.egraph.find(c))!);
  let explanation: PlaygroundStep[] | undefined;
  if (options.explain) {
    const [goal] = addGraph(t.egraph, t.lang, [best]);
    t.egraph.rebuild();
    const vars = Object.fromEntries(graphInputs([expr]).map((n) => [n.inputName!, n]));
    explanation = t.egraph.explain!.explain(start, goal).map((s) => ({
      expr: infix(formatTerm(t.lang, s.term), vars),
      ...(s.rule ? { rule: s.rule, direction: s.direction } : {}),
    }));
  }
  const dot = options.dot ? egraphToDot(t, { roots: [root], chosen: choice }) : undefined;
  return { ...result, ...(explanation ? { explanation } : {}), ...(dot ? { dot } : {}) };
}

/**
 * The playground's result for people.
 *
 * @example formatPlayground(playground(expr, { library: defaultLibrary() })) // 'input   log(1 + exp(x))\noutput  softplus(x)\n…'
 */
export function formatPlayground(r: PlaygroundResult): string {
  const lines = [
    `input   ${r.input}`,
    `output  ${r.output}`,
    `cost    ${fmt(r.costBefore)} -> ${fmt(r.costAfter)}   ops ${r.nodesBefore} -> ${r.nodesAfter}`,
    `rules   ${
      Object.entries(r.rules)
        .map(([k, n]) => `${k} x${n}`)
        .join(', ') || '(none fired)'
    }`,
    ...r.phases.map((p, i) => `phase ${i + 1} ${p.name}: ${p.stopReason} after ${p.iterations} iterations`),
  ];
  if (r.explanation) {
    lines.push('explanation:');
    for (const s of r.explanation)
      lines.push(
        s.rule ? `  = ${s.expr}    [${s.rule}${s.direction === 'backward' ? ' <=' : ''}]` : `    ${s.expr}`,
      );
  }
  return lines.join('\n');
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toPrecision(4));

/**
 * A step of an explanation in the infix notation of the input and output; the e-graph's s-expression
 * when it does not parse back (a term the graph layer would refuse).
 */
function infix(sexpr: string, vars: Readonly<Record<string, Node>>): string {
  try {
    return formatExpr(parseExpr(sexpr, { vars }));
  } catch (e) {
    if (e instanceof SaturnError) return sexpr;
    throw e;
  }
}
