/** `saturn grad EXPR --wrt x,y --var …`: prints the gradient expressions, and their values if given. */
import { grad } from '../graph/grad.js';
import { evaluate } from '../graph/interpret.js';
import { formatExpr, parseExpr } from '../graph/syntax/index.js';
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
import { jsonValues } from './json.js';
import type { Command } from './usage.js';
import { UsageError } from './usage.js';
import { parseVars } from './vars.js';

const OPTIONS = {
  var: VAR_OPTION,
  wrt: {
    type: 'string',
    multiple: true,
    value: 'NAME[,NAME…]',
    help: 'the inputs to differentiate with respect to (declared with --var)',
  },
  optimize: { type: 'boolean', help: 'print the optimized gradients (all of them optimized together)' },
  mode: MODE_OPTION,
  include: INCLUDE_OPTION,
  exclude: EXCLUDE_OPTION,
  rules: RULES_OPTION,
  json: JSON_OPTION,
} as const;

export const gradCommand: Command = {
  name: 'grad',
  summary: 'print the symbolic gradient of a scalar expression',
  usage: 'saturn grad "EXPR" --wrt x[,y…] --var "x:f64[3]" [--var …] [--optimize] [--json]',
  options: OPTIONS,
  details:
    'EXPR must be a scalar. Prints d/dNAME for each --wrt input, and its value when every input has one.\n' +
    '--mode, --include, --exclude and --rules take effect with --optimize.',
  examples: [
    'saturn grad "sum(exp(x))" --wrt x --var "x:f64[3]=0,1,2"',
    'saturn grad "mean(log(1 + exp(dot(x, w))))" --wrt w --var "x:f64[n,m]" --var "w:f64[m]" --optimize',
  ],
  run(argv) {
    const args = parseCommandArgs(OPTIONS, argv, 'grad');
    const names = args.strings('wrt', true);
    if (names.length === 0) throw new UsageError('grad needs --wrt NAME[,NAME…]');
    const vars = parseVars(args.strings('var'));
    const expr = parseExpr(oneExpression('grad', args.positionals), { vars: vars.nodes });
    const wrt = names.map((n) => {
      const node = vars.nodes[n];
      if (!node) throw new UsageError(`--wrt ${n}: no such variable (declare it with --var "${n}:f64[…]")`);
      return node;
    });
    const symbolic = grad(expr, wrt);
    const grads = args.flag('optimize')
      ? optimize(symbolic, {
          mode: args.string('mode', 'fast_run'),
          include: args.strings('include', true),
          exclude: args.strings('exclude', true),
          rules: args.strings('rules'),
        }).outputs
      : symbolic;
    const haveValues = Object.keys(vars.values).length > 0;
    const evaluated = haveValues ? evaluate(grads, vars.values) : undefined;
    const rows = names.map((n, i) => ({
      wrt: n,
      expr: formatExpr(grads[i]),
      ...(evaluated ? { value: jsonValues(evaluated[i].toArray()) } : {}),
    }));
    const text = rows
      .map((r, i) => `d/d${r.wrt} = ${r.expr}${evaluated ? `\n  = ${evaluated[i].toString()}` : ''}`)
      .join('\n');
    return { text, json: { optimized: args.flag('optimize'), gradients: rows } };
  },
};
