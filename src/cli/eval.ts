/** `saturn eval EXPR --var …`: evaluates an expression with the reference interpreter. */
import { evaluate } from '../graph/interpret.js';
import { parseExpr } from '../graph/syntax/index.js';
import { parseCommandArgs } from './args.js';
import { JSON_OPTION, oneExpression, VAR_OPTION } from './common.js';
import { jsonValues } from './json.js';
import type { Command } from './usage.js';
import { parseVars } from './vars.js';

const OPTIONS = { var: VAR_OPTION, json: JSON_OPTION };

export const evalCommand: Command = {
  name: 'eval',
  summary: 'evaluate an expression with the reference interpreter',
  usage: 'saturn eval "EXPR" --var "x:f64[3]=1,2,3" [--var …] [--json]',
  options: OPTIONS,
  details:
    'EXPR is infix (sum(x * 2)) or an s-expression ((sum (* x 2))); every input needs a --var with a value.\n' +
    'Prints the dtype, shape and value; NaN, Inf, -Inf and -0 print as such.',
  examples: ['saturn eval "sum(x * 2)" --var "x:f64[3]=1,2,3"', 'saturn eval "x / 0" --var x:f64[2]=1,-1'],
  run(argv) {
    const args = parseCommandArgs(OPTIONS, argv, 'eval');
    const vars = parseVars(args.strings('var'));
    const expr = parseExpr(oneExpression('eval', args.positionals), { vars: vars.nodes });
    const result = evaluate(expr, vars.values);
    return {
      text: result.toString(),
      json: { dtype: result.dtype, shape: result.shape, value: jsonValues(result.toArray()) },
    };
  },
};
