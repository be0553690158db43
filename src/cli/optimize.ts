/** `saturn optimize EXPR --var …`: optimizes an expression (and optionally its gradients) and reports. */
import { grad } from '../graph/grad.js';
import type { Node } from '../graph/node.js';
import { formatExpr, parseExpr } from '../graph/syntax/index.js';
import { optimize } from '../optimize.js';
import { playground } from '../rules/playground.js';
import { formatReport } from '../report.js';
import { defaultLibrary, libraryWithRules } from '../rules/load.js';
import { parseCommandArgs } from './args.js';
import {
  EXCLUDE_OPTION,
  INCLUDE_OPTION,
  JSON_OPTION,
  MODE_OPTION,
  oneExpression,
  RULES_OPTION,
  VAR_OPTION,
} from './common.js';
import type { Command } from './usage.js';
import { UsageError } from './usage.js';
import { parseVars } from './vars.js';

const OPTIONS = {
  var: VAR_OPTION,
  mode: MODE_OPTION,
  include: INCLUDE_OPTION,
  exclude: EXCLUDE_OPTION,
  rules: RULES_OPTION,
  grad: {
    type: 'string',
    multiple: true,
    value: 'NAME[,NAME…]',
    help: 'also build the gradients with respect to these inputs and optimize them with the expression',
  },
  explain: {
    type: 'boolean',
    help: 'print the chain of rewrites from each input expression to its result, rule by rule',
  },
  json: JSON_OPTION,
} as const;

export const optimizeCommand: Command = {
  name: 'optimize',
  summary: 'optimize an expression (infix or s-expression) and print the result and a report',
  usage:
    'saturn optimize "EXPR" --var "x:f32[n,m]" [--mode fast_run|fast_compile|none] [--include TAG] [--exclude TAG] [--rules FILE] [--grad w,b] [--explain] [--json]',
  options: OPTIONS,
  details:
    'Prints the optimized expression, then a report: the rules that fired, the estimated cost before and\n' +
    'after, and each phase. An expression starting with "-" can follow "--": saturn optimize -- "-sum(x)" --var x:f64[n].',
  examples: [
    'saturn optimize "log(1 + exp(x))" --var "x:f32[n]"',
    'saturn optimize "x / x" --var "x:f64[n]" --exclude unsafe',
    'saturn optimize "myop(x)" --var "x:f64[n]" --rules my.rules',
  ],
  run(argv) {
    const args = parseCommandArgs(OPTIONS, argv, 'optimize');
    const vars = parseVars(args.strings('var'));
    const expr = parseExpr(oneExpression('optimize', args.positionals), { vars: vars.nodes });
    const outputs: Node[] = [expr];
    const gradNames = args.strings('grad', true);
    if (gradNames.length) {
      const wrt = gradNames.map((n) => {
        const node = vars.nodes[n] ?? findInput(expr, n);
        if (!node) throw new UsageError(`--grad ${n}: no input of that name in the expression`);
        return node;
      });
      outputs.push(...grad(expr, wrt));
    }
    const rules = args.strings('rules');
    const library = rules.length ? libraryWithRules(rules) : defaultLibrary();
    const settings = {
      library,
      mode: args.string('mode', 'fast_run'),
      include: args.strings('include', true),
      exclude: args.strings('exclude', true),
    };
    const explain = args.flag('explain');
    const { outputs: optimized, report } = optimize(outputs, { ...settings, explain });
    const names = ['output', ...gradNames.map((n) => `d/d${n}`)];
    // Explanations come from the playground, which saturates one e-graph without restarts so that
    // every step of the proof is in it.
    const explanations = explain
      ? outputs.map((o) => playground(o, { ...settings, explain: true }).explanation ?? [])
      : undefined;
    const json = {
      input: formatExpr(outputs),
      output: formatExpr(optimized),
      outputs: optimized.map((o, i) => ({ name: names[i], expr: formatExpr(o) })),
      nodesBefore: report.nodesBefore,
      nodesAfter: report.nodesAfter,
      costBefore: report.costBefore,
      costAfter: report.costAfter,
      rules: report.rules,
      stopReason: report.stopReason,
      phases: report.phases.map((p) => ({ ...p, stopReason: p.stopReason.kind })),
      ms: report.ms,
      ...(explanations ? { explanations } : {}),
    };
    const text = [
      ...optimized.map((o, i) => `${names[i].padEnd(8)} ${formatExpr(o)}`),
      '',
      formatReport(report, {
        path: explanations && [
          ...new Set(explanations.flatMap((steps) => steps.flatMap((st) => st.rule ?? []))),
        ],
      }),
      ...(explanations ?? []).flatMap((steps, i) => [
        '',
        `explanation of ${names[i]}:`,
        ...steps.map(
          (s, k) =>
            `  ${k === 0 ? ' ' : '='} ${s.expr}${s.rule ? `    [${s.rule}${s.direction === 'backward' ? ', backward' : ''}]` : ''}`,
        ),
      ]),
    ].join('\n');
    return { text, json };
  },
};

function findInput(expr: Node, name: string): Node | undefined {
  const stack = [expr];
  const seen = new Set<number>();
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n.id)) continue;
    seen.add(n.id);
    if (n.inputName === name) return n;
    stack.push(...n.args);
  }
  return undefined;
}
