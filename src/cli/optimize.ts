/** `saturn optimize EXPR --var …`: optimizes an expression (and optionally its gradients) and reports. */
import { parseArgs } from 'node:util';
import { formatAccuracy, parseDomain } from '../accuracy/report.js';
import { grad } from '../graph/grad.js';
import type { Node } from '../graph/node.js';
import { formatExpr, parseExpr } from '../graph/syntax/index.js';
import { optimize } from '../optimize.js';
import { playground } from '../playground.js';
import { formatReport } from '../report.js';
import { defaultLibrary } from '../rules/load.js';
import type { Command } from './usage.js';
import { UsageError } from './usage.js';
import { parseVars } from './vars.js';

export const optimizeCommand: Command = {
  name: 'optimize',
  summary: 'optimize an expression (infix or s-expression) and print the result and a report',
  usage:
    'saturn optimize "EXPR" --var "x:f32[n,m]" [--mode fast_run|fast_compile|none] [--include TAG] [--exclude TAG] [--grad w,b] [--explain] [--json]\n' +
    '    saturn optimize "EXPR" --var "x:f64" --accuracy [--domain x=LO:HI] [--samples N]: choose forms by measured floating-point error',
  run(args) {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: {
        var: { type: 'string', multiple: true, default: [] },
        mode: { type: 'string', default: 'fast_run' },
        include: { type: 'string', multiple: true, default: [] },
        exclude: { type: 'string', multiple: true, default: [] },
        grad: { type: 'string', multiple: true, default: [] },
        explain: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        accuracy: { type: 'boolean', default: false },
        domain: { type: 'string', multiple: true, default: [] },
        samples: { type: 'string' },
      },
      allowPositionals: true,
    });
    if (positionals.length !== 1) throw new UsageError('optimize takes one expression');
    const source = positionals[0];
    const vars = parseVars(values.var ?? []);
    const expr = parseExpr(source, { vars: vars.nodes });
    const outputs: Node[] = [expr];
    const gradNames = (values.grad ?? [])
      .flatMap((g) => g.split(','))
      .map((g) => g.trim())
      .filter(Boolean);
    if (gradNames.length) {
      const wrt = gradNames.map((n) => {
        const node = vars.nodes[n] ?? findInput(expr, n);
        if (!node) throw new UsageError(`--grad ${n}: no input of that name in the expression`);
        return node;
      });
      outputs.push(...grad(expr, wrt));
    }
    const split = (list: readonly string[] | undefined) =>
      (list ?? []).flatMap((t) => t.split(',')).filter(Boolean);
    const { outputs: optimized, report } = optimize(outputs, {
      library: defaultLibrary(),
      mode: values.accuracy ? 'accuracy' : values.mode,
      include: split(values.include),
      exclude: split(values.exclude),
      explain: values.explain,
      domain: parseDomain(values.domain ?? []),
      samples: values.samples === undefined ? undefined : Number(values.samples),
    });
    const names = ['output', ...gradNames.map((n) => `d/d${n}`)];
    // Explanations come from the playground, which saturates one e-graph without restarts so that
    // every step of the proof is in it.
    const explanations = values.explain
      ? outputs.map(
          (o) =>
            playground(o, {
              library: defaultLibrary(),
              mode: values.mode,
              include: split(values.include),
              exclude: split(values.exclude),
              explain: true,
            }).explanation ?? [],
        )
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
      ...(report.accuracy ? { accuracy: report.accuracy } : {}),
      ...(explanations ? { explanations } : {}),
    };
    const text = [
      ...optimized.map((o, i) => `${names[i].padEnd(8)} ${formatExpr(o)}`),
      '',
      formatReport(report),
      ...(report.accuracy ? ['', formatAccuracy(report.accuracy, names)] : []),
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
