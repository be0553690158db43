/** `saturn draw EXPR --svg F`: the computation graph of an expression as a picture (Theano's pydotprint). */
import { toDot } from '../graph/dot.js';
import { parseExpr } from '../graph/syntax/index.js';
import { optimize } from '../optimize.js';
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
import { renderSvg } from './svg.js';
import type { Command } from './usage.js';
import { parseVars } from './vars.js';
import { writeOptionFile } from './output-file.js';

const OPTIONS = {
  var: VAR_OPTION,
  svg: { type: 'string', value: 'FILE', help: 'write the picture as SVG' },
  dot: {
    type: 'string',
    value: 'FILE',
    help: 'write the Graphviz source (without --svg or --dot it goes to stdout)',
  },
  optimize: { type: 'boolean', help: 'draw the optimized graph instead of the expression as written' },
  mode: MODE_OPTION,
  include: INCLUDE_OPTION,
  exclude: EXCLUDE_OPTION,
  rules: RULES_OPTION,
  'max-nodes': {
    type: 'string',
    value: 'N',
    default: '300',
    help: 'refuse graphs with more nodes (Graphviz slows down)',
  },
  json: JSON_OPTION,
} as const;

export const drawCommand: Command = {
  name: 'draw',
  summary: 'draw the computation graph of an expression (Graphviz source or SVG)',
  usage: 'saturn draw "EXPR" --var "x:f64[n]" [--svg FILE] [--dot FILE] [--optimize] [--json]',
  options: OPTIONS,
  details:
    'Ops are boxes with their attributes and result type, inputs green ellipses, constants grey, outputs\n' +
    'blue; a legend explains the marks. For the e-graph the rules built, see saturn rules check --expr … --svg.',
  examples: [
    'saturn draw "mean(log(1 + exp(dot(x, w))))" --var "x:f64[n,3]" --var "w:f64[3]" --svg graph.svg',
    'saturn draw "log(1 + exp(x))" --var "x:f32[n]" --optimize --dot graph.dot',
  ],
  async run(argv) {
    const args = parseCommandArgs(OPTIONS, argv, 'draw');
    const vars = parseVars(args.strings('var'));
    const expr = parseExpr(oneExpression('draw', args.positionals), { vars: vars.nodes });
    const graph = args.flag('optimize')
      ? optimize(expr, {
          mode: args.string('mode', 'fast_run'),
          include: args.strings('include', true),
          exclude: args.strings('exclude', true),
          rules: args.strings('rules'),
        }).outputs
      : [expr];
    const maxNodes = Number(args.string('max-nodes', '300'));
    const dot = toDot(graph, { maxNodes: Number.isFinite(maxNodes) ? maxNodes : 300 });
    const written: string[] = [];
    const dotFile = args.string('dot');
    const svgFile = args.string('svg');
    if (dotFile !== undefined) {
      writeOptionFile('--dot', dotFile, `${dot}\n`);
      written.push(dotFile);
    }
    if (svgFile !== undefined) {
      writeOptionFile('--svg', svgFile, await renderSvg(dot));
      written.push(svgFile);
    }
    return {
      text: written.length ? written.map((f) => `wrote ${f}`).join('\n') : dot,
      json: { written, ...(written.length ? {} : { dot }) },
    };
  },
};
