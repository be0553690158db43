/** `saturn grad EXPR --wrt x,y --var …`: prints the gradient expressions, and their values if given. */
import { parseArgs } from 'node:util';
import { grad } from '../graph/grad.js';
import { evaluate } from '../graph/interpret.js';
import { formatExpr, parseExpr } from '../graph/syntax/index.js';
import type { Command } from './usage.js';
import { UsageError } from './usage.js';
import { parseVars } from './vars.js';

export const gradCommand: Command = {
  name: 'grad',
  summary: 'print the symbolic gradient of a scalar expression',
  usage: 'saturn grad "EXPR" --wrt x[,y…] --var "x:f64[3]" [--var …] [--json]',
  run(args) {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: {
        var: { type: 'string', multiple: true, default: [] },
        wrt: { type: 'string', multiple: true, default: [] },
        json: { type: 'boolean', default: false },
      },
      allowPositionals: true,
    });
    if (positionals.length !== 1) throw new UsageError('grad takes one expression');
    const names = (values.wrt ?? [])
      .flatMap((w) => w.split(','))
      .map((w) => w.trim())
      .filter(Boolean);
    if (names.length === 0) throw new UsageError('grad needs --wrt NAME[,NAME…]');
    const vars = parseVars(values.var ?? []);
    const expr = parseExpr(positionals[0], { vars: vars.nodes });
    const wrt = names.map((n) => {
      const node = vars.nodes[n];
      if (!node) throw new UsageError(`--wrt ${n}: no such variable (declare it with --var "${n}:f64[…]")`);
      return node;
    });
    const grads = grad(expr, wrt);
    const haveValues = Object.keys(vars.values).length > 0;
    const evaluated = haveValues ? evaluate(grads, vars.values) : undefined;
    const rows = names.map((n, i) => ({
      wrt: n,
      expr: formatExpr(grads[i]),
      ...(evaluated ? { value: evaluated[i].toArray() } : {}),
    }));
    const text = rows
      .map((r, i) => `d/d${r.wrt} = ${r.expr}${evaluated ? `\n  = ${evaluated[i].toString()}` : ''}`)
      .join('\n');
    return { text, json: { gradients: rows } };
  },
};
