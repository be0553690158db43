/** `saturn eval EXPR --var …`: evaluates an expression with the reference interpreter. */
import { parseArgs } from 'node:util';
import { evaluate } from '../graph/interpret.js';
import { parseExpr } from '../graph/syntax/index.js';
import type { Command } from './usage.js';
import { UsageError } from './usage.js';
import { parseVars } from './vars.js';

export const evalCommand: Command = {
  name: 'eval',
  summary: 'evaluate an expression with the reference interpreter',
  usage: 'saturn eval "EXPR" --var "x:f64[3]=1,2,3" [--var …] [--json]',
  run(args) {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: {
        var: { type: 'string', multiple: true, default: [] },
        json: { type: 'boolean', default: false },
      },
      allowPositionals: true,
    });
    if (positionals.length !== 1) throw new UsageError('eval takes one expression');
    const vars = parseVars(values.var ?? []);
    const expr = parseExpr(positionals[0], { vars: vars.nodes });
    const result = evaluate(expr, vars.values);
    return {
      text: result.toString(),
      json: { dtype: result.dtype, shape: result.shape, value: result.toArray() },
    };
  },
};
