/** Reports for people: the optimizer's report as aligned text. */
import type { OptimizeReport } from './optimize.js';

/**
 * A readable optimization report: nodes and cost before and after, rules fired, phases and times.
 *
 * @example console.log(formatReport(optimize(outputs).report))
 */
export function formatReport(report: OptimizeReport): string {
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  const rules = Object.entries(report.rules)
    .map(([name, n]) => `${name} ×${n}`)
    .join(', ');
  return [
    `mode     ${report.mode}`,
    `nodes    ${report.nodesBefore} -> ${report.nodesAfter} op applications`,
    `cost     ${report.costBefore.toPrecision(4)} -> ${report.costAfter.toPrecision(4)}`,
    `rules    ${rules || '(none applied)'}`,
    ...report.phases.map(
      (p) =>
        `phase    ${p.name}: ${p.stopReason.kind} after ${p.iterations} iterations, ${p.enodes} e-nodes, ${ms(p.ms)}`,
    ),
    `time     build ${ms(report.ms.build)}, saturate ${ms(report.ms.saturate)}, extract ${ms(report.ms.extract)}, total ${ms(report.ms.total)}`,
  ].join('\n');
}
