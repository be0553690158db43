import type { ConstantFolding } from '../../src/egraph/constant-folding.js';
import type { Language } from '../../src/egraph/language.js';
import { parsePattern } from '../../src/egraph/pattern.js';
import { type Guard, Rewrite } from '../../src/egraph/rewrite.js';
import { hasSymbol } from './language.js';
import type { RuleRow } from './load.js';

/**
 * The guards named in rules.tsv, registered by name. Each reads the constant-folding data of the classes bound
 * to its arguments.
 */
export function eggGuards(constants: ConstantFolding<number>): Record<string, (args: string[]) => Guard> {
  const value = (eg: Parameters<Guard['check']>[0], s: Parameters<Guard['check']>[1], v: string) =>
    eg.data(constants, s.get(v));
  return {
    not_zero: ([v]) => ({ name: `not_zero(${v})`, vars: [v], check: (eg, s) => value(eg, s, v) !== 0 }),
    is_const: ([v]) => ({
      name: `is_const(${v})`,
      vars: [v],
      check: (eg, s) => value(eg, s, v) !== undefined,
    }),
    is_sym: ([v]) => ({ name: `is_sym(${v})`, vars: [v], check: (eg, s) => hasSymbol(eg, s.get(v)) }),
    const_or_distinct_var: ([c, x]) => ({
      name: `const_or_distinct_var(${c}, ${x})`,
      vars: [c, x],
      check: (eg, s) =>
        eg.find(s.get(c)) !== eg.find(s.get(x)) && (value(eg, s, c) !== undefined || hasSymbol(eg, s.get(c))),
    }),
  };
}

/** Parses a guard column (`is_sym(?x) and const_or_distinct_var(?c, ?x)`) into named guards. */
export function parseGuards(text: string, registry: Record<string, (args: string[]) => Guard>): Guard[] {
  if (text.trim() === '') return [];
  return text.split(/\s+and\s+/).map((g) => {
    const m = /^(\w+)\(([^)]*)\)$/.exec(g.trim());
    if (m === null) throw new Error(`cannot parse guard '${g}'`);
    const make = registry[m[1]];
    if (make === undefined) throw new Error(`unknown guard '${m[1]}'`);
    return make(m[2].split(',').map((a) => a.trim()));
  });
}

/**
 * egg's 36 math rules from rules.tsv, optionally only the named ones.
 *
 * @example `eggMathRules(lang, constants, loadEggMath().rules)`
 */
export function eggMathRules(
  lang: Language,
  constants: ConstantFolding<number>,
  rows: readonly RuleRow[],
  only?: readonly string[],
): Rewrite[] {
  const guards = eggGuards(constants);
  return rows
    .filter((r) => only === undefined || only.includes(r.name))
    .map(
      (r) =>
        new Rewrite(
          r.name,
          parsePattern(lang, r.lhs),
          parsePattern(lang, r.rhs),
          parseGuards(r.guard, guards),
        ),
    );
}
