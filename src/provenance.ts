/**
 * Which `optimize` call produced a graph: `assertEquivalent(model, optimize(model).outputs)` looks it up
 * to allow the stabilizations that call made (as `checkOptimizer` does) and to name the `unsafe` rules
 * that fired when the two sides differ at NaN, Inf or zero. Held weakly: it never keeps a graph alive.
 */
import type { Node } from './graph/node.js';
import type { OptimizeReport } from './optimize.js';
import type { RuleLibrary } from './rules/library.js';

/** An optimize call: its report, its library, and the tags it excluded. */
export interface Provenance {
  readonly report: OptimizeReport;
  readonly library: RuleLibrary;
  readonly exclude: readonly string[];
}

const producedBy = new WeakMap<Node, Provenance>();

/** Records that `optimize` returned `outputs`. */
export function recordOptimized(outputs: readonly Node[], provenance: Provenance): void {
  for (const o of outputs) producedBy.set(o, provenance);
}

/**
 * The optimize call that returned this output node, if any.
 *
 * @example
 * const x = T.vector('x');
 * optimizedBy(optimize([T.log(T.add(1, T.exp(x)))]).outputs[0])?.report.stabilized // true
 */
export function optimizedBy(node: Node): Provenance | undefined {
  return producedBy.get(node);
}

/**
 * True when a rule of a replacing ruleset (`stabilize`) fired: the result may then be finite where the
 * input overflows, by design.
 *
 * @example
 * const x = T.vector('x');
 * stabilizedBy(defaultLibrary(), optimize([T.log(T.add(1, T.exp(x)))]).report) // true
 */
export function stabilizedBy(library: RuleLibrary, report: OptimizeReport): boolean {
  return Object.keys(report.rules).some((name) => {
    const rule = library.rules.find((r) => r.def.name === name);
    return rule?.def.tags.some((t) => library.rulesets.get(t)?.replacing) ?? false;
  });
}

/**
 * The rules tagged `unsafe` (equal on the reals, not at NaN, Inf or zero) that fired in an optimize call.
 *
 * @example
 * const x = T.vector('x');
 * unsafeRulesFired(optimizedBy(optimize([T.div(x, x)]).outputs[0])!) // ['div-self-any', 'div-as-mul-any']
 */
export function unsafeRulesFired(p: Provenance): string[] {
  return Object.keys(p.report.rules).filter((name) =>
    p.library.rules.some((r) => r.def.name === name && r.def.tags.includes('unsafe')),
  );
}
