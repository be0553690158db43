/** Reports for people: the optimizer's report as aligned text. */
import type { StopReason } from './egraph/run.js';
import type { OptimizeReport } from './optimize.js';

/** What {@link formatReport} may add to the report. */
export interface FormatReportOptions {
  /** The rules on the path from the input to the result (from an explanation), listed first. */
  readonly path?: readonly string[];
}

/**
 * A readable optimization report: op applications and estimated cost before and after, the rules on
 * the path to the result when known, the rules that fired while exploring, phases and times.
 *
 * @example console.log(formatReport(optimize(outputs).report))
 */
export function formatReport(report: OptimizeReport, options: FormatReportOptions = {}): string {
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  const rules = Object.entries(report.rules)
    .map(([name, n]) => `${name} ×${n}`)
    .join(', ');
  return [
    `mode     ${report.mode}`,
    `nodes    ${report.nodesBefore} -> ${report.nodesAfter} op applications`,
    `cost     ${report.costBefore.toPrecision(4)} -> ${report.costAfter.toPrecision(4)}  ` +
      `(estimated work in the cost model's units, at the sizes declared; a symbolic dim counts as ${SYMBOLIC_DIM_SIZE})`,
    ...(options.path ? [`path     ${options.path.join(', ') || '(the input is the result)'}`] : []),
    `explored ${rules || '(no rule applied)'}` +
      (rules
        ? `  (applications while saturating${options.path ? '' : '; --explain shows the rules on the path'})`
        : ''),
    ...report.phases.map(
      (p) =>
        `phase    ${p.name}: ${formatStopReason(p.stopReason)} after ${p.iterations} iterations, ${p.enodes} e-nodes, ${ms(p.ms)}`,
    ),
    `time     build ${ms(report.ms.build)}, saturate ${ms(report.ms.saturate)}, extract ${ms(report.ms.extract)}, total ${ms(report.ms.total)}`,
  ].join('\n');
}

/** The size the cost models assume for a symbolic dim (tensor-cost.ts's default). */
const SYMBOLIC_DIM_SIZE = 256;

/**
 * Why a phase stopped, in words: `saturated`, `nodeLimit 10000 (grew most: distribute +35, …)`. A
 * phase's `stopReason` is an object (`${phase.stopReason}` prints [object Object]); print it with this.
 *
 * @example formatStopReason({ kind: 'saturated' }) // 'saturated'
 * @example formatStopReason({ kind: 'nodeLimit', limit: 100, topRules: [{ rule: 'comm', enodes: 40 }] }) // 'nodeLimit 100 (grew most: comm +40)'
 */
export function formatStopReason(reason: StopReason): string {
  if (reason.kind === 'saturated' || reason.kind === 'goalReached') return reason.kind;
  const limit = reason.kind === 'timeLimit' ? `${reason.limitMs} ms` : String(reason.limit);
  const top = reason.topRules.slice(0, 3).map((g) => `${g.rule} +${g.enodes}`);
  return `${reason.kind} ${limit}${top.length ? ` (grew most: ${top.join(', ')})` : ''}`;
}
