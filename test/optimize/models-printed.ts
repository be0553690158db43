// The model graphs of the determinism test, optimized and printed: graph text, op counts, rule counts.
import { tanhMlp } from '../../bench/tanh-mlp.js';
import { formatExpr } from '../../src/graph/syntax/format.js';
import type { Node } from '../../src/graph/node.js';
import { logisticRegression, mlp } from '../../src/models.js';
import { optimize } from '../../src/optimize.js';

export const MODELS: Record<string, () => readonly Node[]> = {
  logreg: () => logisticRegression().outputs,
  mlp: () => mlp().outputs,
  tanhMlp,
};

/** Each named model optimized in the order given, as printable text. */
export function optimizedModels(order: readonly string[]): Record<string, string> {
  const printed: Record<string, string> = {};
  for (const name of order) {
    const { outputs, report } = optimize(MODELS[name]());
    const phases = report.phases.map((p) => `${p.name}:${p.stopReason.kind}/${p.iterations}/${p.enodes}`);
    printed[name] = [
      formatExpr(outputs),
      `ops ${report.nodesBefore} -> ${report.nodesAfter}`,
      `rules ${JSON.stringify(report.rules)}`,
      `phases ${phases.join(' ')}`,
    ].join('\n');
  }
  return printed;
}
